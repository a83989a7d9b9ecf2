import { formatSlot, SlotInputError, slotOnDate, slotsOnDate } from '../../domain/slots';
import { inTransaction, type Pool, type PoolClient } from '../pool';

const EXCLUSION_VIOLATION = '23P01';

export type ScheduleErrorCode = 'bad_input' | 'unknown_technician' | 'overlap' | 'unknown_slot' | 'booked' | 'already_cancelled';

/** A schedule change refused, with a message that names the problem; `code` picks the HTTP status. */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
  constructor(
    readonly code: ScheduleErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RegisteredSlot {
  id: number;
  label: string;
  start: Date;
  end: Date;
}

/**
 * Registers a technician's working slots for one local day (US claim 42), all or nothing. The
 * no-overlap rule is the table's exclusion constraint; when it fires, the slot it collided with is
 * looked up only to word the error.
 */
export async function registerSlots(
  pool: Pool,
  args: { technicianId: string; date: string; slots: string[]; timeZone?: string; now: Date },
): Promise<{ timeZone: string; slots: RegisteredSlot[] }> {
  return inTransaction(pool, async (db) => {
    const tech = await db.query(
      'SELECT sc.time_zone FROM technicians t JOIN service_centres sc ON sc.id = t.service_centre_id WHERE t.id = $1',
      [args.technicianId],
    );
    if (!tech.rows[0]) throw new ScheduleError('unknown_technician', `technician "${args.technicianId}" is not registered`);
    const timeZone: string = args.timeZone ?? tech.rows[0].time_zone;
    let ranges;
    try {
      ranges = slotsOnDate(args.date, args.slots, timeZone, args.now);
    } catch (err) {
      if (err instanceof SlotInputError) throw new ScheduleError('bad_input', err.message);
      throw err;
    }
    const created: RegisteredSlot[] = [];
    for (const r of ranges) {
      await db.query('SAVEPOINT slot');
      try {
        const { rows } = await db.query(
          'INSERT INTO technician_slots (technician_id, during) VALUES ($1, tstzrange($2, $3)) RETURNING id',
          [args.technicianId, r.start, r.end],
        );
        created.push({ id: Number(rows[0].id), ...r });
      } catch (err) {
        if ((err as { code?: string }).code !== EXCLUSION_VIOLATION) throw err;
        await db.query('ROLLBACK TO SAVEPOINT slot');
        throw await overlapError(db, args.technicianId, r, args.date, timeZone);
      }
    }
    return { timeZone, slots: created };
  });
}

async function overlapError(db: PoolClient, technicianId: string, r: { label: string; start: Date; end: Date }, date: string, timeZone: string) {
  const { rows } = await db.query(
    `SELECT lower(during) AS s, upper(during) AS e FROM technician_slots
      WHERE technician_id = $1 AND cancelled_at IS NULL AND during && tstzrange($2, $3) ORDER BY lower(during) LIMIT 1`,
    [technicianId, r.start, r.end],
  );
  const existing = rows[0] ? ` ${formatSlot(rows[0].s, rows[0].e, timeZone, date)}` : '';
  return new ScheduleError('overlap', `slot ${r.label} on ${date} overlaps an existing slot${existing}`);
}

export interface SlotListing {
  id: number;
  start: Date;
  end: Date;
  label: string;
  cancelled: boolean;
  bookedBy: string | null;
}

/** A technician's slots on one local day, or from now on, with the request holding each, if any. */
export async function listSlots(
  pool: Pool,
  args: { technicianId: string; date?: string; timeZone?: string; now: Date; includeCancelled?: boolean },
): Promise<{ timeZone: string; slots: SlotListing[] }> {
  const tech = await pool.query(
    'SELECT sc.time_zone FROM technicians t JOIN service_centres sc ON sc.id = t.service_centre_id WHERE t.id = $1',
    [args.technicianId],
  );
  if (!tech.rows[0]) throw new ScheduleError('unknown_technician', `technician "${args.technicianId}" is not registered`);
  const timeZone: string = args.timeZone ?? tech.rows[0].time_zone;
  let from: Date = args.now;
  let to: Date | null = null;
  if (args.date !== undefined) {
    try {
      ({ start: from, end: to } = slotOnDate(args.date, '00:00-24:00', timeZone));
    } catch (err) {
      if (err instanceof SlotInputError) throw new ScheduleError('bad_input', err.message);
      throw err;
    }
  }
  const { rows } = await pool.query(
    `SELECT s.id, lower(s.during) AS s, upper(s.during) AS e, s.cancelled_at IS NOT NULL AS cancelled,
            (SELECT b.request_id FROM bookings b WHERE b.slot_id = s.id AND b.status = 'active') AS booked_by
       FROM technician_slots s
      WHERE s.technician_id = $1 AND ($2::timestamptz IS NULL OR upper(s.during) > $2)
        AND ($3::timestamptz IS NULL OR lower(s.during) < $3) AND ($4 OR s.cancelled_at IS NULL)
      ORDER BY lower(s.during), s.id`,
    [args.technicianId, from, to, args.includeCancelled ?? false],
  );
  return {
    timeZone,
    slots: rows.map((r) => ({
      id: Number(r.id),
      start: r.s,
      end: r.e,
      // Without a day asked for, each label carries its own local date.
      label: formatSlot(r.s, r.e, timeZone, args.date ?? ''),
      cancelled: r.cancelled,
      bookedBy: r.booked_by,
    })),
  };
}

/**
 * Cancels a slot. A booked slot is refused unless the booking is to be released too; then the
 * booking is released and the centre's supervisor gets an escalation for the request, in the same
 * transaction, so the request is never left silently without its visit.
 */
export async function cancelSlot(
  pool: Pool,
  args: { slotId: number; technicianId?: string; releaseBooking: boolean; now: Date },
): Promise<{ slotId: number; releasedRequestId: string | null }> {
  return inTransaction(pool, async (db) => {
    const slot = await db.query('SELECT technician_id, cancelled_at FROM technician_slots WHERE id = $1 FOR UPDATE', [args.slotId]);
    const s = slot.rows[0];
    if (!s || (args.technicianId !== undefined && s.technician_id !== args.technicianId)) {
      throw new ScheduleError('unknown_slot', `slot ${args.slotId} is not registered${args.technicianId ? ` for technician "${args.technicianId}"` : ''}`);
    }
    if (s.cancelled_at) throw new ScheduleError('already_cancelled', `slot ${args.slotId} is already cancelled`);
    const booking = await db.query(`SELECT id, request_id FROM bookings WHERE slot_id = $1 AND status = 'active'`, [args.slotId]);
    const held = booking.rows[0];
    if (held && !args.releaseBooking) {
      throw new ScheduleError('booked', `slot ${args.slotId} is booked by request ${held.request_id}; release the booking to cancel it`);
    }
    if (held) {
      await db.query(`UPDATE bookings SET status = 'released', released_at = $2 WHERE id = $1`, [held.id, args.now]);
      await db.query(
        `INSERT INTO escalations (request_id, kind, detail) VALUES ($1, 'booking_released', $2) ON CONFLICT (request_id, kind) DO UPDATE SET detail = EXCLUDED.detail`,
        [held.request_id, `the technician's slot ${args.slotId} was cancelled and the booking released; the visit must be re-arranged`],
      );
      // The workflow learns it through the durable inbox (the relay signals bookingReleased), so
      // it re-assigns the request even when this runs from a script without a Temporal client.
      await db.query(
        `INSERT INTO inbox (source, event_id, request_id, kind, payload) VALUES ('schedules', $1, $2, 'booking-released', $3) ON CONFLICT DO NOTHING`,
        [`booking-released:${held.id}`, held.request_id, JSON.stringify({ technicianId: s.technician_id, slotId: args.slotId, reason: `slot ${args.slotId} cancelled` })],
      );
    }
    await db.query('DELETE FROM candidate_offers WHERE slot_id = $1', [args.slotId]);
    await db.query('UPDATE technician_slots SET cancelled_at = $2 WHERE id = $1', [args.slotId, args.now]);
    return { slotId: args.slotId, releasedRequestId: held?.request_id ?? null };
  });
}

export interface HeldVisit {
  technicianId: string;
  slotId: number;
  startsAt: Date;
  endsAt: Date;
}

const LOST_BOOKING_RACE = new Set([EXCLUSION_VIOLATION, '40P01', '40001']);

/**
 * Without a slot named, a lost race is tried again this often: each try sees the bookings that beat
 * the one before and takes the technician's next nearest free slot.
 */
const NEAREST_SLOT_TRIES = 5;

/**
 * Moves a request's visit (reschedule, reassignment) in one transaction: the active booking is
 * released and the new slot booked, or nothing changes. The exclusion constraint decides a race
 * for the new slot; a lost race rolls the release back. A named slot (the customer picked that
 * time) then answers null at once: the page lists the times still free. Without a slot, the
 * technician's free slot nearest the current visit's start is taken, and a lost race tries the
 * next nearest (up to NEAREST_SLOT_TRIES) before answering null. Run again after it succeeded (an
 * activity retry), it finds the request already on the target and answers that booking.
 */
export async function moveBooking(
  pool: Pool,
  args: { requestId: string; to: { technicianId: string; slotId?: number }; now: Date },
): Promise<HeldVisit | null> {
  const tries = args.to.slotId === undefined ? NEAREST_SLOT_TRIES : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await moveOnce(pool, args);
    } catch (err) {
      if (!LOST_BOOKING_RACE.has((err as { code?: string }).code ?? '')) throw err;
      if (attempt >= tries) return null;
    }
  }
}

async function moveOnce(pool: Pool, args: { requestId: string; to: { technicianId: string; slotId?: number }; now: Date }): Promise<HeldVisit | null> {
  return inTransaction(pool, async (db) => {
    const held = await db.query(
      `SELECT id, technician_id, slot_id, lower(during) AS starts_at FROM bookings WHERE request_id = $1 AND status = 'active' FOR UPDATE`,
      [args.requestId],
    );
    const current = held.rows[0];
    if (!current) return null;
    if (current.technician_id === args.to.technicianId && (args.to.slotId === undefined || Number(current.slot_id) === args.to.slotId)) {
      return activeVisit(db, args.requestId);
    }
    const target = await db.query(
      `SELECT s.id FROM technician_slots s JOIN technicians t ON t.id = s.technician_id AND t.active
        WHERE s.technician_id = $1 AND ($2::bigint IS NULL OR s.id = $2) AND s.cancelled_at IS NULL AND lower(s.during) > $3
          AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.technician_id = s.technician_id AND b.status = 'active' AND b.during && s.during AND b.request_id <> $4)
        ORDER BY abs(extract(epoch FROM lower(s.during) - $5::timestamptz)), s.id LIMIT 1
          FOR SHARE OF s`,
      [args.to.technicianId, args.to.slotId ?? null, args.now, args.requestId, current.starts_at],
    );
    const slotId = target.rows[0]?.id;
    if (slotId === undefined) return null;
    await db.query(`UPDATE bookings SET status = 'released', released_at = $2 WHERE id = $1`, [current.id, args.now]);
    await db.query(
      `INSERT INTO bookings (request_id, technician_id, slot_id, during) SELECT $1, technician_id, id, during FROM technician_slots WHERE id = $2`,
      [args.requestId, slotId],
    );
    return activeVisit(db, args.requestId);
  });
}

async function activeVisit(db: PoolClient, requestId: string): Promise<HeldVisit | null> {
  const { rows } = await db.query(
    `SELECT technician_id, slot_id, lower(during) AS starts_at, upper(during) AS ends_at FROM bookings WHERE request_id = $1 AND status = 'active'`,
    [requestId],
  );
  const r = rows[0];
  return r ? { technicianId: r.technician_id, slotId: Number(r.slot_id), startsAt: r.starts_at, endsAt: r.ends_at } : null;
}
