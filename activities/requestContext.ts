import type { Pool } from '../db/pool';
import type { OptIn } from '../db/queries/consent';
import { unknownRecord } from './errors';
import type { Language } from '../domain/messageTemplates';

/** What messaging activities need to know about a request, its customer and its centre. */
export interface RequestContext {
  requestId: string;
  workflowId: string;
  customerId: string;
  customerName: string;
  email: string | null;
  mobile: string | null;
  language: Language;
  timeZone: string;
  emailRequested: boolean;
  preferredChannel: 'email' | 'sms' | 'whatsapp' | null;
  optedOut: Set<'voice' | 'sms' | 'email'>;
  /** What the customer opted in to (marketing, marketing at night, WhatsApp): see db/queries/consent.ts. */
  optIns: Set<OptIn>;
  product: string;
  productField: string;
  fault: string;
  areaCode: string;
  areaName: string;
  sensitivityClass: string;
  centre: {
    id: string;
    name: string;
    senderName: string;
    senderEmail: string;
    senderPhone: string;
    replyPhone: string;
    /** The centre's WhatsApp sender number, if it has one. */
    whatsappSender: string | null;
    supervisorEmail: string;
    agentEmail: string;
  };
}

export async function loadRequestContext(pool: Pool, requestId: string): Promise<RequestContext> {
  const { rows } = await pool.query(
    `SELECT r.id, r.workflow_id, r.product_field, r.product_model, r.fault_description, r.area_code,
            a.name AS area_name, pf.name AS field_name,
            c.id AS customer_id, c.name AS customer_name, c.email, c.mobile, c.language, c.time_zone,
            c.email_requested, c.preferred_channel, c.sensitivity_class,
            sc.id AS centre_id, sc.name AS centre_name, sc.sender_name, sc.sender_email, sc.sender_phone,
            sc.reply_phone, sc.whatsapp_sender, sc.supervisor_email, sc.agent_email,
            COALESCE((SELECT array_agg(o.channel) FROM contact_opt_outs o WHERE o.customer_id = c.id), '{}') AS opted_out,
            COALESCE((SELECT array_agg(k.kind) FROM customer_consents k WHERE k.customer_id = c.id AND k.withdrawn_at IS NULL), '{}') AS opt_ins
       FROM service_requests r
       JOIN customers c ON c.id = r.customer_id
       JOIN areas a ON a.code = r.area_code
       JOIN product_fields pf ON pf.code = r.product_field
       JOIN service_centres sc ON sc.id = r.service_centre_id
      WHERE r.id = $1`,
    [requestId],
  );
  const r = rows[0];
  if (!r) throw unknownRecord(`service request ${requestId} is not registered`);
  return {
    requestId: r.id,
    workflowId: r.workflow_id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    email: r.email,
    mobile: r.mobile,
    language: r.language,
    timeZone: r.time_zone,
    emailRequested: r.email_requested,
    preferredChannel: r.preferred_channel,
    optedOut: new Set(r.opted_out),
    optIns: new Set(r.opt_ins),
    product: r.product_model ? `${r.field_name} (${r.product_model})` : r.field_name,
    productField: r.product_field,
    fault: r.fault_description,
    areaCode: r.area_code,
    areaName: r.area_name,
    sensitivityClass: r.sensitivity_class,
    centre: {
      id: r.centre_id,
      name: r.centre_name,
      senderName: r.sender_name,
      senderEmail: r.sender_email,
      senderPhone: r.sender_phone,
      replyPhone: r.reply_phone,
      whatsappSender: r.whatsapp_sender,
      supervisorEmail: r.supervisor_email,
      agentEmail: r.agent_email,
    },
  };
}
