import type { Pool, PoolClient } from '../pool';

export type ContactChannel = 'sms' | 'email' | 'voice';

/**
 * The consent model. Two kinds, kept apart:
 * - service messages (survey, notices) go to every channel on file unless the customer opted out
 *   of that channel (contact_opt_outs): withdrawConsent / restoreConsent below;
 * - advertisements and WhatsApp go only where the customer opted in (customer_consents):
 *   grantOptIn / withdrawOptIn. Marketing is per customer, not per channel, with a separate
 *   consent for advertisements at night (21:00-08:00 in their zone).
 */

/**
 * The one place service-message consent is withdrawn. A withdrawal (STOP, an unsubscribe link, a
 * spam report, a dead address, the carrier's own opt-out) is kept once per channel with its first
 * reason; repeating it changes nothing. Channels without consent are never contacted again.
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

export type OptIn = 'marketing' | 'marketing_night' | 'whatsapp';

/** The customer opted in (at intake, on a form, by writing to us on WhatsApp). Granting again renews it. */
export async function grantOptIn(db: Pool | PoolClient, customerId: string, kind: OptIn, source: string): Promise<void> {
  await db.query(
    `INSERT INTO customer_consents (customer_id, kind, source) VALUES ($1, $2, $3)
     ON CONFLICT (customer_id, kind) DO UPDATE SET granted_at = now(), source = EXCLUDED.source, withdrawn_at = NULL, withdrawal_reason = NULL`,
    [customerId, kind, source.slice(0, 200)],
  );
}

/** Withdraws opt-ins; the first withdrawal's time and reason are kept. */
export async function withdrawOptIn(db: Pool | PoolClient, customerId: string, kinds: OptIn[], reason: string): Promise<void> {
  await db.query(
    `UPDATE customer_consents SET withdrawn_at = now(), withdrawal_reason = $3
      WHERE customer_id = $1 AND kind = ANY($2::text[]) AND withdrawn_at IS NULL`,
    [customerId, kinds, reason.slice(0, 200)],
  );
}

/** No more advertisements (광고거부, STOP ADS, the opt-out link, or a STOP): day and night consent both go. */
export function withdrawMarketing(db: Pool | PoolClient, customerId: string, reason: string): Promise<void> {
  return withdrawOptIn(db, customerId, ['marketing', 'marketing_night'], reason);
}

/** The opt-ins a customer holds now. */
export async function optInsOf(db: Pool | PoolClient, customerId: string): Promise<Set<OptIn>> {
  const { rows } = await db.query<{ kind: OptIn }>(`SELECT kind FROM customer_consents WHERE customer_id = $1 AND withdrawn_at IS NULL`, [customerId]);
  return new Set(rows.map((r) => r.kind));
}
