import type { Pool, PoolClient } from '../pool';

export type Queryable = Pool | PoolClient;

export interface CandidateSearch {
  field: string;
  areaCode: string;
  window: { start: Date; end: Date };
  now: Date;
  limit: number;
}

export interface CandidateRow {
  technicianId: string;
  slotId: number;
  startsAt: Date;
  endsAt: Date;
  dayLoad: number;
  avgRating: number | null;
}

/**
 * The one candidate search, shared by the assignment activity and the benchmark so the figures
 * measure what production runs.
 *
 * Who qualifies: an active technician with the request's product field whose territory includes the
 * customer's area, holding an open (not cancelled) slot that lies wholly inside the wanted window,
 * starts after now, and overlaps no active booking. Each technician is offered once, with their
 * earliest such slot.
 *
 * Ranking rule: fewest bookings already held on that slot's day (in the technician's centre's time
 * zone) first, to spread the load; then the best average rating in this system's own on-time survey
 * replies (unrated technicians after rated ones); then the earliest slot; then the id, so the order
 * is stable.
 *
 * $1 field, $2 area, $3 window start, $4 window end, $5 now, $6 limit.
 */
export const CANDIDATE_SEARCH_SQL = `
WITH matching AS (
  SELECT t.id, sc.time_zone
    FROM technician_fields tf
    JOIN technician_areas ta ON ta.technician_id = tf.technician_id AND ta.area_code = $2
    JOIN technicians t ON t.id = tf.technician_id AND t.active
    JOIN service_centres sc ON sc.id = t.service_centre_id
   WHERE tf.field_code = $1
),
free AS (
  SELECT m.id AS technician_id, m.time_zone, s.id AS slot_id, s.during
    FROM matching m
    CROSS JOIN LATERAL (
      SELECT s.id, s.during
        FROM technician_slots s
       WHERE s.technician_id = m.id AND s.cancelled_at IS NULL
         AND lower(s.during) >= $3::timestamptz AND lower(s.during) > $5::timestamptz
         AND lower(s.during) < $4::timestamptz AND upper(s.during) <= $4::timestamptz
         AND NOT EXISTS (SELECT 1 FROM bookings b
                          WHERE b.technician_id = s.technician_id AND b.status = 'active' AND b.during && s.during)
       ORDER BY lower(s.during)
       LIMIT 1) s
)
SELECT f.technician_id, f.slot_id, lower(f.during) AS starts_at, upper(f.during) AS ends_at,
       load.day_load, rating.avg_rating
  FROM free f
  CROSS JOIN LATERAL (
    SELECT date_trunc('day', lower(f.during) AT TIME ZONE f.time_zone) AS local_day
  ) d
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS day_load
      FROM bookings b
     WHERE b.technician_id = f.technician_id AND b.status <> 'released'
       AND lower(b.during) >= (d.local_day AT TIME ZONE f.time_zone)
       AND lower(b.during) < ((d.local_day + interval '1 day') AT TIME ZONE f.time_zone)
  ) load
  CROSS JOIN LATERAL (
    SELECT avg(r.rating)::float8 AS avg_rating
      FROM bookings b
      JOIN survey_replies r ON r.request_id = b.request_id AND NOT r.late AND r.rating IS NOT NULL
     WHERE b.technician_id = f.technician_id AND b.status <> 'released'
  ) rating
 ORDER BY load.day_load, rating.avg_rating DESC NULLS LAST, lower(f.during), f.technician_id
 LIMIT $6`;

export function candidateSearchParams(q: CandidateSearch): unknown[] {
  return [q.field, q.areaCode, q.window.start, q.window.end, q.now, q.limit];
}

export async function searchCandidates(db: Queryable, q: CandidateSearch): Promise<CandidateRow[]> {
  // Named, so each connection plans the query once instead of on every search.
  const { rows } = await db.query({ name: 'candidate-search', text: CANDIDATE_SEARCH_SQL, values: candidateSearchParams(q) });
  return rows.map((r) => ({
    technicianId: r.technician_id,
    slotId: Number(r.slot_id),
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    dayLoad: r.day_load,
    avgRating: r.avg_rating,
  }));
}
