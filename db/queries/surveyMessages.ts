import type { Pool } from '../pool';

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

/** What the web survey form shows: the customer's language, the centre and the product; closed: the answer comes late. */
export async function surveyFormContext(pool: Pool, requestId: string): Promise<{ language: 'ko' | 'en'; centre: string; product: string; closed: boolean }> {
  const { rows } = await pool.query(
    `SELECT c.language, sc.name AS centre, pf.name AS field, r.product_model, r.status
       FROM service_requests r JOIN customers c ON c.id = r.customer_id
       JOIN service_centres sc ON sc.id = r.service_centre_id JOIN product_fields pf ON pf.code = r.product_field
      WHERE r.id = $1`,
    [requestId],
  );
  const r = rows[0];
  return {
    language: r?.language ?? 'ko',
    centre: r?.centre ?? '',
    product: r?.product_model ? `${r.field} (${r.product_model})` : (r?.field ?? ''),
    closed: r?.status === 'closed',
  };
}
