import { inTransaction, type Pool } from '../pool';

/** A promotion (a running event appended to the survey, KR claim 13) and where it applies. */
export interface Promotion {
  id: string;
  titleKo: string;
  titleEn: string;
  bodyKo: string;
  bodyEn: string;
  startsAt: Date;
  endsAt: Date;
  /** Limited to these centres and product fields; empty: all. */
  centres: string[];
  fields: string[];
}

export type AddPromotionResult = { outcome: 'added' } | { outcome: 'exists' } | { outcome: 'unknown'; what: 'centre' | 'field'; code: string };

/** Adds a promotion with its limits in one transaction; unknown centres or fields add nothing. */
export async function addPromotion(pool: Pool, p: Promotion): Promise<AddPromotionResult> {
  return inTransaction(pool, async (db) => {
    for (const [what, table, column, codes] of [['centre', 'service_centres', 'id', p.centres], ['field', 'product_fields', 'code', p.fields]] as const) {
      const { rows } = await db.query<{ code: string }>(`SELECT c AS code FROM unnest($1::text[]) AS c WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.${column} = c)`, [codes]);
      if (rows[0]) return { outcome: 'unknown', what, code: rows[0].code };
    }
    const inserted = await db.query(
      `INSERT INTO promotions (id, title_ko, title_en, body_ko, body_en, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [p.id, p.titleKo, p.titleEn, p.bodyKo, p.bodyEn, p.startsAt, p.endsAt],
    );
    if (inserted.rowCount === 0) return { outcome: 'exists' };
    await db.query(`INSERT INTO promotion_centres (promotion_id, service_centre_id) SELECT $1, unnest($2::text[])`, [p.id, p.centres]);
    await db.query(`INSERT INTO promotion_product_fields (promotion_id, field_code) SELECT $1, unnest($2::text[])`, [p.id, p.fields]);
    return { outcome: 'added' };
  });
}

/** Ends a promotion now (its row stays: which surveys carried it remains explainable). */
export async function endPromotion(pool: Pool, id: string, at: Date): Promise<boolean> {
  const { rowCount } = await pool.query(`UPDATE promotions SET ends_at = LEAST(ends_at, GREATEST($2, starts_at + interval '1 millisecond')) WHERE id = $1`, [id, at]);
  return rowCount === 1;
}

/** Promotions running at the given time, or all of them, newest first, with their limits. */
export async function listPromotions(pool: Pool, runningAt?: Date): Promise<Promotion[]> {
  const { rows } = await pool.query(
    `SELECT p.*, COALESCE((SELECT array_agg(service_centre_id ORDER BY service_centre_id) FROM promotion_centres WHERE promotion_id = p.id), '{}') AS centres,
            COALESCE((SELECT array_agg(field_code ORDER BY field_code) FROM promotion_product_fields WHERE promotion_id = p.id), '{}') AS fields
       FROM promotions p WHERE $1::timestamptz IS NULL OR (p.starts_at <= $1 AND p.ends_at > $1)
      ORDER BY p.starts_at DESC, p.id`,
    [runningAt ?? null],
  );
  return rows.map((r) => ({ id: r.id, titleKo: r.title_ko, titleEn: r.title_en, bodyKo: r.body_ko, bodyEn: r.body_en, startsAt: r.starts_at, endsAt: r.ends_at, centres: r.centres, fields: r.fields }));
}
