import type { Pool, PoolClient } from '../pool';

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
