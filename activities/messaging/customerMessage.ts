import type { Logger } from 'pino';
import type { Pool } from '../../db/pool';
import type { Gateways } from '../../providers/ports';
import { permanentDeliveryFailure } from '../errors';
import type { RequestContext } from '../requestContext';
import { sendOnce, type OutboxResult } from './outbox';

export interface CustomerMessage {
  channel: 'sms' | 'email' | 'whatsapp';
  idempotencyKey: string;
  purpose: string;
  text: string;
  subject?: string;
  html?: string;
  replyTo?: string;
  headers?: Record<string, string>;
  /** Where the SMS provider reports a failed delivery, so the workflow can try the other channel. */
  statusCallbackUrl?: string;
  /** WhatsApp outside the 24-hour session: the approved template and its variables (`text` is then unused). */
  template?: { contentSid: string; variables: Record<string, string> };
}

/**
 * One message to the customer, sent as the service centre that serves their area (KR claims
 * 10-11), at most once, and only on a channel they have not opted out of.
 */
export async function sendToCustomer(
  deps: { pool: Pool; log: Logger; gateways: Gateways },
  ctx: RequestContext,
  message: CustomerMessage,
): Promise<OutboxResult> {
  const { pool, log, gateways } = deps;
  const base = { idempotencyKey: message.idempotencyKey, requestId: ctx.requestId, purpose: message.purpose };
  if (message.channel === 'sms') {
    const to = ctx.mobile;
    if (!to || ctx.optedOut.has('sms')) throw permanentDeliveryFailure('no mobile number or no consent for SMS');
    const from = ctx.centre.senderPhone;
    return sendOnce(pool, log, { ...base, channel: 'sms', recipient: to, sender: from, body: { text: message.text }, mode: gateways.sms.mode }, () =>
      gateways.sms.sendSms({ to, from, body: message.text, statusCallbackUrl: message.statusCallbackUrl }),
    );
  }
  if (message.channel === 'whatsapp') {
    const to = ctx.mobile;
    const from = ctx.centre.whatsappSender;
    if (!to || !ctx.optIns.has('whatsapp')) throw permanentDeliveryFailure('no mobile number or no consent for WhatsApp');
    if (!from) throw permanentDeliveryFailure('the service centre has no WhatsApp sender');
    const content = message.template ? { template: message.template } : { body: message.text };
    return sendOnce(pool, log, { ...base, channel: 'whatsapp', recipient: to, sender: from, body: content, mode: gateways.whatsapp.mode }, () =>
      gateways.whatsapp.sendWhatsapp({ to, from, ...content, statusCallbackUrl: message.statusCallbackUrl }),
    );
  }
  const to = ctx.email;
  if (!to || ctx.optedOut.has('email')) throw permanentDeliveryFailure('no email address or no consent for email');
  const subject = message.subject ?? ctx.centre.name;
  return sendOnce(
    pool,
    log,
    { ...base, channel: 'email', recipient: to, sender: ctx.centre.senderEmail, body: { subject, text: message.text, replyTo: message.replyTo ?? ctx.centre.senderEmail, headers: message.headers ?? {} }, mode: gateways.email.mode },
    () =>
      gateways.email.sendEmail({
        to,
        from: { email: ctx.centre.senderEmail, name: ctx.centre.senderName },
        replyTo: message.replyTo ?? ctx.centre.senderEmail,
        subject,
        text: message.text,
        html: message.html ?? `<p>${escapeHtml(message.text).replace(/\n/g, '<br>')}</p>`,
        headers: message.headers,
        customArgs: { requestId: ctx.requestId, purpose: message.purpose },
      }),
  );
}

/** Short notices (choice link, visit time) go by SMS when the customer can get one, else by email. */
export function noticeChannel(ctx: RequestContext): 'sms' | 'email' | undefined {
  if (ctx.mobile && !ctx.optedOut.has('sms')) return 'sms';
  if (ctx.email && !ctx.optedOut.has('email')) return 'email';
  return undefined;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
