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
