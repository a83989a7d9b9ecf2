import type { Logger } from 'pino';
import type { Pool } from '../../db/pool';
import { DeliveryError } from '../../providers/ports';
import { permanentDeliveryFailure } from '../errors';

export interface OutboxMessage {
  /** workflow id + purpose + attempt: the same message asked for twice is one row. */
  idempotencyKey: string;
  requestId?: string;
  channel: 'sms' | 'email' | 'voice' | 'whatsapp';
  purpose: string;
  recipient: string;
  /** The centre's address it goes out from (phone number, email identity): recorded with the message. */
  sender: string;
  body: unknown;
  mode: 'live' | 'sandbox';
}

export type OutboxResult = { providerId: string | null; alreadySent: boolean };

/**
 * Sends a message at most once. The row is claimed under its idempotency key before the provider
 * is called and the provider's id is recorded after, so an activity retry never sends again:
 * - row sent: return the recorded id;
 * - row pending: a previous attempt died between claim and record, so the provider may have the
 *   message; sending again could duplicate it, so we report it sent (id unknown) and log it;
 * - row retry: the provider answered with a refusal that proves nothing was created (429, other
 *   4xx), so it is claimed again. An answer that does not prove it (5xx, 504 from a gateway) or no
 *   answer at all (timeout) leaves the row pending: maybe sent, never sent again.
 */
export async function sendOnce(
  pool: Pool,
  log: Logger,
  message: OutboxMessage,
  send: () => Promise<{ providerId: string }>,
): Promise<OutboxResult> {
  const claimed = await pool.query(
    `INSERT INTO outbox (idempotency_key, request_id, channel, purpose, recipient, sender, body, mode)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (idempotency_key) DO UPDATE SET status = 'pending', error = NULL
       WHERE outbox.status = 'retry'
     RETURNING id`,
    [message.idempotencyKey, message.requestId ?? null, message.channel, message.purpose, message.recipient, message.sender, JSON.stringify(message.body), message.mode],
  );
  if (claimed.rowCount === 0) {
    const existing = await pool.query<{ status: string; provider_message_id: string | null; error: string | null }>(
      'SELECT status, provider_message_id, error FROM outbox WHERE idempotency_key = $1',
      [message.idempotencyKey],
    );
    const row = existing.rows[0];
    if (row?.status === 'failed') throw permanentDeliveryFailure(row.error ?? 'delivery failed');
    if (row?.status === 'pending') {
      log.warn({ key: message.idempotencyKey }, 'outbox: earlier attempt ended mid-send; not sending again');
    }
    return { providerId: row?.provider_message_id ?? null, alreadySent: true };
  }
  const id = claimed.rows[0].id as number;
  let providerId: string;
  try {
    ({ providerId } = await send());
  } catch (err) {
    const refused = err instanceof DeliveryError && err.refused;
    if (!refused) {
      // The provider may have taken it: the row stays pending, so no retry sends it again.
      log.warn({ key: message.idempotencyKey, err: (err as Error).message }, 'outbox: send outcome unknown; not sending again');
      throw err;
    }
    const permanent = (err as DeliveryError).permanent;
    await pool.query(`UPDATE outbox SET status = $2, error = $3 WHERE id = $1`, [id, permanent ? 'failed' : 'retry', (err as Error).message]);
    if (permanent) throw permanentDeliveryFailure((err as Error).message);
    throw err;
  }
  // If this update fails, the row stays pending and a retry reports the message as sent.
  await pool.query(`UPDATE outbox SET status = 'sent', provider_message_id = $2, sent_at = now() WHERE id = $1`, [id, providerId]);
  return { providerId, alreadySent: false };
}
