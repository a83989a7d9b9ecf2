import type { Pool } from '../pool';

/** Which request a text reply (SMS or WhatsApp) answers, or why no one request can be named. */
export type TextReplyMatch =
  | { requestId: string; by: 'code' | 'only-open-survey' | 'latest-closed-survey' }
  | { requestId: null; why: 'no-survey' | 'ambiguous' };

/**
 * The request a reply on a text channel answers, never a guess (the survey and reminder on that
 * channel say which requests it can answer): the request whose reply code the customer
 * typed; else their one open survey (a survey or reminder SMS was sent, or its send is pending: it
 * may have reached the provider); with no open survey, the latest closed one (the reply is kept as
 * late and changes nothing); with several open surveys and no known code, none ('ambiguous': a
 * person decides).
 */
export async function requestAnsweredByText(pool: Pool, customerId: string, channel: 'sms' | 'whatsapp', code?: string): Promise<TextReplyMatch> {
  const { rows } = await pool.query<{ id: string; open: boolean; reply_code: string | null }>(
    `SELECT r.id, r.status <> 'closed' AS open, r.reply_code, max(o.created_at) AS last_sent
       FROM outbox o JOIN service_requests r ON r.id = o.request_id
      WHERE r.customer_id = $1 AND o.channel = $2 AND o.purpose IN ('survey', 'reminder') AND o.status IN ('sent', 'pending')
      GROUP BY r.id ORDER BY (r.status <> 'closed') DESC, last_sent DESC`,
    [customerId, channel],
  );
  const coded = code ? rows.find((r) => r.reply_code === code) : undefined;
  if (coded) return { requestId: coded.id, by: 'code' };
  const open = rows.filter((r) => r.open);
  if (open.length === 1) return { requestId: open[0]!.id, by: 'only-open-survey' };
  if (open.length > 1) return { requestId: null, why: 'ambiguous' };
  return rows[0] ? { requestId: rows[0].id, by: 'latest-closed-survey' } : { requestId: null, why: 'no-survey' };
}

export interface SentMessage {
  requestId: string | null;
  purpose: string;
  customerId: string | null;
}

/** The message a provider's status callback is about, by the provider's id for it. */
export async function sentMessage(pool: Pool, providerMessageId: string): Promise<SentMessage | undefined> {
  const { rows } = await pool.query(
    `SELECT o.request_id, o.purpose, r.customer_id FROM outbox o LEFT JOIN service_requests r ON r.id = o.request_id WHERE o.provider_message_id = $1`,
    [providerMessageId],
  );
  const r = rows[0];
  return r && { requestId: r.request_id, purpose: r.purpose, customerId: r.customer_id };
}

/** The customer of a request (a status callback that came before its outbox row knows only the request). */
export async function requestCustomer(pool: Pool, requestId: string): Promise<string | undefined> {
  const { rows } = await pool.query('SELECT customer_id FROM service_requests WHERE id = $1', [requestId]);
  return rows[0]?.customer_id;
}

export async function noteDeliveryError(pool: Pool, providerMessageId: string, error: string): Promise<void> {
  await pool.query(`UPDATE outbox SET error = $2 WHERE provider_message_id = $1`, [providerMessageId, error]);
}

/** What the web survey form shows: the customer's language, the centre and the product. */
export async function surveyFormContext(pool: Pool, requestId: string): Promise<{ language: 'ko' | 'en'; centre: string; product: string }> {
  const { rows } = await pool.query(
    `SELECT c.language, sc.name AS centre, pf.name AS field, r.product_model
       FROM service_requests r JOIN customers c ON c.id = r.customer_id
       JOIN service_centres sc ON sc.id = r.service_centre_id JOIN product_fields pf ON pf.code = r.product_field
      WHERE r.id = $1`,
    [requestId],
  );
  const r = rows[0];
  return { language: r?.language ?? 'ko', centre: r?.centre ?? '', product: r?.product_model ? `${r.field} (${r.product_model})` : (r?.field ?? '') };
}
