import type { Client } from '@temporalio/client';
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../config';
import { contactSchema, sealContact } from '../../domain/pii';
import { toE164 } from '../../domain/phone';
import { serviceRequestWorkflowId } from '../../workflows/messages';
import { startingSearchAttributes } from '../../workflows/searchAttributes';
import type { ServiceRequestInput } from '../../workflows/types';
import { followUpPolicy } from '../policy';

const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-23T09:00:00+09:00' });

/** A new service request as a client script, the simulator or an operator writes it. */
export const newRequestSchema = z
  .object({
    customer: z.object({
      id: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, 'must be 3-64 letters, digits, _ or -').optional(),
      name: z.string().trim().min(1).max(200).optional(),
      email: z.email().optional(),
      mobile: z.string().refine((v) => toE164(v) !== undefined, 'is not a valid phone number').optional(),
      areaCode: z.string().min(1),
      language: z.enum(['ko', 'en']).default('ko'),
      timeZone: z.string().optional(),
      sensitivityClass: z.string().optional(),
      preferredChannel: z.enum(['email', 'sms', 'whatsapp']).optional(),
      /** Opt-ins the customer gave: advertisements, advertisements at night too, WhatsApp. */
      optIns: z.array(z.enum(['marketing', 'marketing_night', 'whatsapp'])).optional(),
    }),
    product: z.object({ field: z.string().min(1), model: z.string().max(100).optional(), fault: z.string().trim().min(1).max(2000) }),
    wantedWindow: z.object({ start: isoDate, end: isoDate }),
  })
  .superRefine((r, ctx) => {
    if (!r.customer.id && !r.customer.email && !r.customer.mobile) {
      ctx.addIssue({ code: 'custom', path: ['customer', 'email'], message: 'a new customer needs an email address or a mobile number (or give customer.id of a known customer)' });
    }
    if ((r.customer.email || r.customer.mobile) && !r.customer.name) {
      ctx.addIssue({ code: 'custom', path: ['customer', 'name'], message: 'is required with contact details' });
    }
    if (r.customer.optIns?.includes('marketing_night') && !r.customer.optIns.includes('marketing')) {
      ctx.addIssue({ code: 'custom', path: ['customer', 'optIns'], message: 'marketing_night (advertisements at night) needs marketing as well' });
    }
    if (new Date(r.wantedWindow.end) <= new Date(r.wantedWindow.start)) {
      ctx.addIssue({ code: 'custom', path: ['wantedWindow', 'end'], message: 'must be after wantedWindow.start' });
    }
  });
export type NewRequest = z.input<typeof newRequestSchema>;

export class RequestValidationError extends Error {
  override name = 'RequestValidationError';
}

/** Validates, seals the contact details, and starts the request's workflow under its business key. */
export async function startServiceRequest(client: Client, config: Config, raw: unknown, now = new Date()) {
  const parsed = newRequestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RequestValidationError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const r = parsed.data;
  if (new Date(r.wantedWindow.end) <= now) throw new RequestValidationError('wantedWindow.end: the wanted window is already over');
  if (!config.PII_SEALING_KEY) throw new RequestValidationError('PII_SEALING_KEY is not set: it is needed to seal contact details');
  const hasContact = Boolean(r.customer.email || r.customer.mobile);
  const contact = hasContact ? contactSchema.parse({ name: r.customer.name, email: r.customer.email, mobile: r.customer.mobile }) : undefined;
  const requestId = randomUUID();
  const input: ServiceRequestInput = {
    requestId,
    customer: {
      customerId: r.customer.id ?? `cus-${randomBytes(6).toString('hex')}`,
      sealedContact: contact ? sealContact(contact, config.PII_SEALING_KEY) : undefined,
      areaCode: r.customer.areaCode,
      language: r.customer.language,
      timeZone: r.customer.timeZone,
      sensitivityClass: r.customer.sensitivityClass,
      preferredChannel: r.customer.preferredChannel,
      ...(r.customer.optIns?.length ? { optIns: [...new Set(r.customer.optIns)] } : {}),
    },
    product: r.product,
    wantedWindow: { start: new Date(r.wantedWindow.start).toISOString(), end: new Date(r.wantedWindow.end).toISOString() },
    policy: followUpPolicy(config),
  };
  const workflowId = serviceRequestWorkflowId(requestId);
  // The stage and customer go with the start: the workflow has nothing to write at intake.
  await client.workflow.start('serviceRequestWorkflow', {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId,
    args: [input],
    typedSearchAttributes: startingSearchAttributes(input.customer.customerId),
  });
  return { requestId, workflowId, customerId: input.customer.customerId };
}
