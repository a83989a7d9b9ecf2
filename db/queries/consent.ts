import type { Pool, PoolClient } from '../pool';

export type ContactChannel = 'sms' | 'email' | 'voice';

/**
 * The one place consent is written. A withdrawal (STOP, an unsubscribe link, a spam report, a
 * dead address, the carrier's own opt-out) is kept once per channel with its first reason;
 * repeating it changes nothing. Channels without consent are never contacted again.
 */
export async function withdrawConsent(db: Pool | PoolClient, customerId: string, channel: ContactChannel, reason: string): Promise<void> {
  await db.query(
    `INSERT INTO contact_opt_outs (customer_id, channel, reason) VALUES ($1, $2, $3) ON CONFLICT (customer_id, channel) DO NOTHING`,
    [customerId, channel, reason.slice(0, 200)],
  );
}

/** The customer asked for messages again on the channel (SMS START). */
export async function restoreConsent(db: Pool | PoolClient, customerId: string, channel: ContactChannel): Promise<void> {
  await db.query(`DELETE FROM contact_opt_outs WHERE customer_id = $1 AND channel = $2`, [customerId, channel]);
}

/**
 * A withdrawal an agent records for a customer (e.g. "do not call me again" said on the phone).
 * 'already' when the channel was withdrawn before (its first reason stays); 'unknown_customer'
 * when there is no such customer.
 */
export async function recordOptOut(db: Pool | PoolClient, customerId: string, channel: ContactChannel, reason: string): Promise<'recorded' | 'already' | 'unknown_customer'> {
  const inserted = await db.query(
    `INSERT INTO contact_opt_outs (customer_id, channel, reason) SELECT id, $2, $3 FROM customers WHERE id = $1
     ON CONFLICT (customer_id, channel) DO NOTHING RETURNING customer_id`,
    [customerId, channel, reason.slice(0, 200)],
  );
  if (inserted.rows[0]) return 'recorded';
  const known = await db.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
  return known.rows[0] ? 'already' : 'unknown_customer';
}
