import type { Queryable } from './candidateSearch';

/** One offered technician and the slot they were offered with. */
export interface OfferedSlot {
  technicianId: string;
  slotId: number;
}

export interface ReservedVisit {
  technicianId: string;
  slotId: number;
  startsAt: Date;
  endsAt: Date;
}

/**
 * How many bookings of one technician a reservation tries before it moves on to the next candidate.
 * Each failed try is a booking another request made at that moment, so the bound only matters when
 * that many requests book the same technician at once.
 */
export const SLOT_TRIES_PER_TECHNICIAN = 5;

const EXCLUSION_VIOLATION = '23P01';
const UNIQUE_VIOLATION = '23505';
/**
 * Two bookings that meet on one slot can also end in a deadlock or a serialization failure:
 * PostgreSQL aborts one of them, and the other goes on. For the aborted one that is a lost race,
 * not an error.
 */
const LOST_RACE = new Set([EXCLUSION_VIOLATION, '40P01', '40001']);

/**
 * Books one slot of a technician for a request: the offered slot when it is still free, else the
 * technician's earliest free slot that lies wholly inside the request's wanted window (the candidate
 * search's rules: open, not cancelled, after now, overlapping no active booking).
 *
 * The exclusion constraint on bookings judges the race; the statement only picks which slot to try.
 * The slot row is locked (NO KEY UPDATE, so the foreign keys' key-share locks of other bookings and
 * offers do not clash with it) and a slot locked by someone else is skipped: requests booking the
 * same technician at the same moment each take a different slot instead of queueing on one and all
 * but one failing, and a slot being cancelled at that moment (cancelSlot locks it) is never booked.
 *
 * $1 request, $2 technician, $3 offered slot, $4 now.
 */
const BOOK_TECHNICIAN_SQL = `
INSERT INTO bookings (request_id, technician_id, slot_id, during)
SELECT r.id, s.technician_id, s.id, s.during
  FROM service_requests r
  JOIN technician_slots s ON s.technician_id = $2
  JOIN technicians t ON t.id = s.technician_id AND t.active
 WHERE r.id = $1 AND s.cancelled_at IS NULL AND lower(s.during) > $4::timestamptz
   AND (s.id = $3
        OR (lower(s.during) >= lower(r.wanted_during) AND lower(s.during) < upper(r.wanted_during)
            AND upper(s.during) <= upper(r.wanted_during)))
   AND NOT EXISTS (SELECT 1 FROM bookings b
                    WHERE b.technician_id = s.technician_id AND b.status = 'active' AND b.during && s.during)
 ORDER BY s.id = $3 DESC, lower(s.during)
 LIMIT 1
   FOR NO KEY UPDATE OF s SKIP LOCKED
RETURNING slot_id, lower(during) AS starts_at, upper(during) AS ends_at`;

export type ReservationLog = (event: { technicianId: string; offeredSlotId: number; code: string }) => void;

/**
 * Reserves a visit for the request from the candidates in preference order: for each, the offered
 * slot or (taken meanwhile) that technician's next free slot inside the wanted window, up to
 * SLOT_TRIES_PER_TECHNICIAN tries; then the next candidate. Null when none could be booked.
 *
 * A request that already holds a booking (a retry of a reservation that succeeded) gets that booking
 * back: the unique index on active bookings per request refuses a second one.
 *
 * Each try is a statement of its own: pass a pool (or a client outside a transaction; a client in a
 * transaction holds what it booked until that transaction ends, as the tests use to show a
 * reservation in flight).
 */
export async function reserveVisit(
  pool: Queryable,
  args: { requestId: string; candidates: OfferedSlot[]; now: Date; onLostRace?: ReservationLog },
): Promise<ReservedVisit | null> {
  for (const c of args.candidates) {
    for (let attempt = 1; attempt <= SLOT_TRIES_PER_TECHNICIAN; attempt++) {
      try {
        const { rows } = await pool.query({
          name: 'book-technician',
          text: BOOK_TECHNICIAN_SQL,
          values: [args.requestId, c.technicianId, c.slotId, args.now],
        });
        const r = rows[0];
        if (!r) break; // nothing of this technician's is free in the window any more
        return { technicianId: c.technicianId, slotId: Number(r.slot_id), startsAt: new Date(r.starts_at), endsAt: new Date(r.ends_at) };
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === UNIQUE_VIOLATION) return activeVisit(pool, args.requestId);
        if (!code || !LOST_RACE.has(code)) throw err;
        // Another booking won that slot (committed after this statement's snapshot, or PostgreSQL
        // broke a deadlock by aborting this one): the next try sees it, or skips it while it is locked.
        args.onLostRace?.({ technicianId: c.technicianId, offeredSlotId: c.slotId, code });
      }
    }
  }
  return null;
}

/** The request's active booking, if any. */
export async function activeVisit(pool: Queryable, requestId: string): Promise<ReservedVisit | null> {
  const { rows } = await pool.query(
    `SELECT technician_id, slot_id, lower(during) AS starts_at, upper(during) AS ends_at FROM bookings WHERE request_id = $1 AND status = 'active'`,
    [requestId],
  );
  const r = rows[0];
  return r ? { technicianId: r.technician_id, slotId: Number(r.slot_id), startsAt: new Date(r.starts_at), endsAt: new Date(r.ends_at) } : null;
}
