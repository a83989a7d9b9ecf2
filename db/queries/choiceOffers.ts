import { inTransaction, type Pool, type PoolClient } from '../pool';
import { acceptInbound } from './inbox';

export interface OfferedTechnician {
  technicianId: string;
  name: string;
  introduction: string;
  startsAt: Date;
  endsAt: Date;
}

export interface ChoiceView {
  language: 'ko' | 'en';
  timeZone: string;
  product: string;
  centre: string;
  offers: OfferedTechnician[];
}

/** What the customer's choice page shows: this round's offers, in rank order, with introductions. */
export async function loadChoiceView(pool: Pool, requestId: string): Promise<ChoiceView | undefined> {
  const head = await pool.query(
    `SELECT c.language, c.time_zone, pf.name AS field_name, r.product_model, sc.name AS centre
       FROM service_requests r JOIN customers c ON c.id = r.customer_id
       JOIN product_fields pf ON pf.code = r.product_field JOIN service_centres sc ON sc.id = r.service_centre_id
      WHERE r.id = $1`,
    [requestId],
  );
  const h = head.rows[0];
  if (!h) return undefined;
  const { rows } = await pool.query(
    `SELECT o.technician_id, t.name, t.introduction, lower(s.during) AS starts_at, upper(s.during) AS ends_at
       FROM candidate_offers o JOIN technicians t ON t.id = o.technician_id JOIN technician_slots s ON s.id = o.slot_id
      WHERE o.request_id = $1 ORDER BY o.rank`,
    [requestId],
  );
  return {
    language: h.language,
    timeZone: h.time_zone,
    product: h.product_model ? `${h.field_name} (${h.product_model})` : h.field_name,
    centre: h.centre,
    offers: rows.map((r) => ({ technicianId: r.technician_id, name: r.name, introduction: r.introduction, startsAt: r.starts_at, endsAt: r.ends_at })),
  };
}

/**
 * Marks a choice token used, once: of two submissions at the same moment, the second waits on the
 * row lock and then finds it used. Returns false when it was used or expired meanwhile.
 */
export async function claimChoiceToken(db: PoolClient, tokenHash: string, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE access_tokens SET used_at = $2 WHERE token_hash = $1 AND purpose = 'choice' AND used_at IS NULL AND expires_at > $2`,
    [tokenHash, now],
  );
  return rowCount === 1;
}

/**
 * The customer's choice, recorded once: the token is spent and the choice stored in the inbox in
 * one transaction. Whatever happens to the signal afterwards, this is the choice that counts.
 */
export async function recordChoice(
  pool: Pool,
  choice: { tokenHash: string; requestId: string; technicianId: string; now: Date },
): Promise<{ inboxId: number } | 'used' | 'expired'> {
  return inTransaction(pool, async (db) => {
    if (!(await claimChoiceToken(db, choice.tokenHash, choice.now))) {
      const { rows } = await db.query('SELECT used_at FROM access_tokens WHERE token_hash = $1', [choice.tokenHash]);
      return rows[0]?.used_at ? 'used' : 'expired';
    }
    const stored = await acceptInbound(db, {
      source: 'choice',
      eventId: choice.tokenHash,
      requestId: choice.requestId,
      kind: 'technician-chosen',
      payload: { technicianId: choice.technicianId },
    });
    // A link given back (no workflow was waiting) and used again lands on its first, late record.
    return { inboxId: stored.id };
  });
}

/** Gives a choice link back when no workflow was waiting for the choice (nothing was chosen with it). */
export async function releaseChoiceToken(pool: Pool, tokenHash: string): Promise<void> {
  await pool.query(`UPDATE access_tokens SET used_at = NULL WHERE token_hash = $1 AND purpose = 'choice'`, [tokenHash]);
}

/** The technician recorded with a choice link, if a choice was made with it. */
export async function recordedChoice(pool: Pool, tokenHash: string): Promise<string | undefined> {
  const { rows } = await pool.query(`SELECT payload->>'technicianId' AS technician_id FROM inbox WHERE source = 'choice' AND event_id = $1`, [tokenHash]);
  return rows[0]?.technician_id ?? undefined;
}
