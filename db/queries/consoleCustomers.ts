import { inTransaction, type Pool } from '../pool';
import { logPersonalDataAccess } from './consoleAccessLog';
import type { ContactChannel } from './consent';

export interface CustomerConsent {
  customer: { id: string; name: string; email: string | null; mobile: string | null; language: string; preferredChannel: string | null };
  /** Channels the customer withdrew consent for, with the first reason and when. */
  optOuts: { channel: ContactChannel; reason: string; optedOutAt: Date }[];
  /** Opt-ins the customer gave (advertisements, at night, WhatsApp), held or withdrawn. */
  optIns: { kind: string; source: string; grantedAt: Date; withdrawnAt: Date | null; withdrawalReason: string | null }[];
  requests: { id: string; status: string; createdAt: Date }[];
}

/** A customer's consent per channel, read for an operator (and logged: it shows their contact details). */
export async function readCustomerConsent(pool: Pool, input: { customerId: string; username: string }): Promise<CustomerConsent | undefined> {
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query(`SELECT id, name, email, mobile, language, preferred_channel FROM customers WHERE id = $1`, [input.customerId]);
    const c = rows[0];
    if (!c) return undefined;
    const optOuts = await db.query(`SELECT channel, reason, opted_out_at FROM contact_opt_outs WHERE customer_id = $1 ORDER BY channel`, [c.id]);
    const optIns = await db.query(`SELECT kind, source, granted_at, withdrawn_at, withdrawal_reason FROM customer_consents WHERE customer_id = $1 ORDER BY kind`, [c.id]);
    const requests = await db.query(`SELECT id, status, created_at FROM service_requests WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 50`, [c.id]);
    await logPersonalDataAccess(db, [{ username: input.username, what: 'customer_consent', customerId: c.id }]);
    return {
      customer: { id: c.id, name: c.name, email: c.email, mobile: c.mobile, language: c.language, preferredChannel: c.preferred_channel },
      optOuts: optOuts.rows.map((o) => ({ channel: o.channel, reason: o.reason, optedOutAt: o.opted_out_at })),
      optIns: optIns.rows.map((o) => ({ kind: o.kind, source: o.source, grantedAt: o.granted_at, withdrawnAt: o.withdrawn_at, withdrawalReason: o.withdrawal_reason })),
      requests: requests.rows.map((r) => ({ id: r.id, status: r.status, createdAt: r.created_at })),
    };
  });
}

export async function customerExists(pool: Pool, customerId: string): Promise<boolean> {
  const { rowCount } = await pool.query(`SELECT 1 FROM customers WHERE id = $1`, [customerId]);
  return rowCount === 1;
}
