import type { Pool } from '../pool';
import { searchCandidates } from './candidateSearch';

/** A request page link stays usable this long after a message or page carried it. */
export const REQUEST_PAGE_LINK_TTL_MS = 60 * 24 * 3_600_000;

export interface RequestPageView {
  requestId: string;
  language: 'ko' | 'en';
  timeZone: string;
  product: string;
  centre: string;
  replyPhone: string;
  closeReason: string | null;
  /** The visit held right now, if any. */
  visit?: { technicianId: string; technicianName: string; slotId: number; startsAt: Date; endsAt: Date };
}

/** What the customer's request page shows from the database (the stage comes from the workflow). */
export async function loadRequestPageView(pool: Pool, requestId: string): Promise<RequestPageView | undefined> {
  const { rows } = await pool.query(
    `SELECT c.language, c.time_zone, pf.name AS field_name, r.product_model, sc.name AS centre, sc.reply_phone, r.close_reason,
            b.technician_id, t.name AS technician_name, b.slot_id, lower(b.during) AS starts_at, upper(b.during) AS ends_at
       FROM service_requests r JOIN customers c ON c.id = r.customer_id
       JOIN product_fields pf ON pf.code = r.product_field JOIN service_centres sc ON sc.id = r.service_centre_id
       LEFT JOIN bookings b ON b.request_id = r.id AND b.status = 'active' LEFT JOIN technicians t ON t.id = b.technician_id
      WHERE r.id = $1`,
    [requestId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    requestId,
    language: r.language,
    timeZone: r.time_zone,
    product: r.product_model ? `${r.field_name} (${r.product_model})` : r.field_name,
    centre: r.centre,
    replyPhone: r.reply_phone,
    closeReason: r.close_reason,
    visit: r.technician_id
      ? { technicianId: r.technician_id, technicianName: r.technician_name, slotId: Number(r.slot_id), startsAt: r.starts_at, endsAt: r.ends_at }
      : undefined,
  };
}

export interface FreeTime {
  technicianId: string;
  technicianName: string;
  slotId: number;
  startsAt: Date;
  endsAt: Date;
}

/**
 * Times the visit could move to: the same search as the assignment (area, product field, free,
 * ranked), over the coming days instead of the wanted window.
 */
export async function freeTimesFor(pool: Pool, requestId: string, window: { start: Date; end: Date }, now: Date, limit = 5): Promise<FreeTime[]> {
  const req = await pool.query('SELECT product_field, area_code FROM service_requests WHERE id = $1', [requestId]);
  const r = req.rows[0];
  if (!r) return [];
  const found = await searchCandidates(pool, { field: r.product_field, areaCode: r.area_code, window, now, limit });
  if (found.length === 0) return [];
  const names = await pool.query('SELECT id, name FROM technicians WHERE id = ANY($1)', [found.map((c) => c.technicianId)]);
  const nameOf = new Map<string, string>(names.rows.map((n) => [n.id, n.name]));
  return found
    .map((c) => ({ technicianId: c.technicianId, technicianName: nameOf.get(c.technicianId) ?? c.technicianId, slotId: c.slotId, startsAt: c.startsAt, endsAt: c.endsAt }))
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

export async function technicianName(pool: Pool, technicianId: string): Promise<string> {
  const { rows } = await pool.query('SELECT name FROM technicians WHERE id = $1', [technicianId]);
  return rows[0]?.name ?? technicianId;
}
