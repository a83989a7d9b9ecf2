import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssignmentActivities } from '../../activities/assignment';
import type { Pool } from '../../db/pool';
import type { Booking } from '../../workflows/types';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';
import { activityDeps, bookSlot, createRequest, slotsOf, until } from './assignmentFixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

/** A request holding technician 0's first slot, three days ahead; each technician has three slots. */
async function bookedRequest() {
  const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 3, slotStart: new Date(Date.now() + 3 * DAY) });
  const { requestId, customerId } = await createRequest(pool, net, { mobile: `+8210${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` });
  const activities = createAssignmentActivities(activityDeps(pool));
  const [first] = await slotsOf(pool, net.technicianIds[0]!);
  const booking = await activities.reserveTechnicianSlot({
    requestId,
    candidates: [{ technicianId: net.technicianIds[0]!, slotId: first!.id, startsAt: first!.start.toISOString(), endsAt: first!.end.toISOString() }],
  });
  return { net, requestId, customerId, activities, booking: booking! };
}

const bookingsOf = async (requestId: string) =>
  (await pool.query(`SELECT slot_id, status FROM bookings WHERE request_id = $1 ORDER BY id`, [requestId])).rows.map((r) => ({ slotId: Number(r.slot_id), status: r.status }));

describe('moveBooking (reschedule, reassignment)', () => {
  it('releases the old booking and holds the new slot in one step; run again, it answers the same booking', async () => {
    const { net, requestId, activities, booking } = await bookedRequest();
    const [, second] = await slotsOf(pool, net.technicianIds[0]!);
    const moved = await activities.moveBooking({ requestId, from: booking, to: { technicianId: net.technicianIds[0]!, slotId: second!.id } });
    expect(moved).toEqual({ technicianId: net.technicianIds[0], slotId: second!.id, startsAt: second!.start.toISOString(), endsAt: second!.end.toISOString() });
    expect(await bookingsOf(requestId)).toEqual([{ slotId: booking.slotId, status: 'released' }, { slotId: second!.id, status: 'active' }]);
    // An activity retry after the move succeeded changes nothing.
    expect(await activities.moveBooking({ requestId, from: booking, to: { technicianId: net.technicianIds[0]!, slotId: second!.id } })).toEqual(moved);
    expect(await bookingsOf(requestId)).toHaveLength(2);
  });

  it('keeps the old booking when the new slot was taken by another request (the exclusion constraint decides)', async () => {
    const { net, requestId, activities, booking } = await bookedRequest();
    const [, second] = await slotsOf(pool, net.technicianIds[0]!);
    const other = await createRequest(pool, net);
    await bookSlot(pool, other.requestId, second!.id);
    expect(await activities.moveBooking({ requestId, from: booking, to: { technicianId: net.technicianIds[0]!, slotId: second!.id } })).toBeNull();
    expect(await bookingsOf(requestId)).toEqual([{ slotId: booking.slotId, status: 'active' }]);
  });

  it('of two requests moving onto one slot at once, exactly one gets it and the other keeps its visit', async () => {
    const a = await bookedRequest();
    const techB = a.net.technicianIds[1]!;
    const [bSlot] = await slotsOf(pool, techB);
    const b = await createRequest(pool, a.net);
    const [, aSecond] = await slotsOf(pool, a.net.technicianIds[0]!);
    const bBooking = (await a.activities.reserveTechnicianSlot({ requestId: b.requestId, candidates: [{ technicianId: a.net.technicianIds[0]!, slotId: aSecond!.id, startsAt: aSecond!.start.toISOString(), endsAt: aSecond!.end.toISOString() }] }))!;
    const results = await Promise.all([
      a.activities.moveBooking({ requestId: a.requestId, from: a.booking, to: { technicianId: techB, slotId: bSlot!.id } }),
      a.activities.moveBooking({ requestId: b.requestId, from: bBooking, to: { technicianId: techB, slotId: bSlot!.id } }),
    ]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const active = (await pool.query(`SELECT request_id FROM bookings WHERE slot_id = $1 AND status = 'active'`, [bSlot!.id])).rows;
    expect(active).toHaveLength(1);
    for (const r of [a.requestId, b.requestId]) expect((await bookingsOf(r)).filter((x) => x.status === 'active')).toHaveLength(1);
  });

  it('without a slot, takes the new technician’s free slot nearest the current visit', async () => {
    const { net, requestId, activities, booking } = await bookedRequest();
    const techB = net.technicianIds[1]!;
    const [bFirst] = await slotsOf(pool, techB);
    const moved = (await activities.moveBooking({ requestId, from: booking, to: { technicianId: techB } })) as Booking;
    expect(moved).toMatchObject({ technicianId: techB, slotId: bFirst!.id });
  });

  it('without a slot, a race lost for the nearest slot takes the next nearest; a named slot taken is refused at once', async () => {
    const { net, requestId, activities, booking } = await bookedRequest();
    const techB = net.technicianIds[1]!;
    const [bFirst, bSecond] = await slotsOf(pool, techB);
    const rival = await createRequest(pool, net);
    const other = await pool.connect();
    let moved: Booking | null;
    try {
      // The rival's booking of the nearest slot is not committed yet: the move picks that slot too,
      // and its insert waits for the rival; the rival commits, and the move tries again.
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO bookings (request_id, technician_id, slot_id, during) SELECT $1, technician_id, id, during FROM technician_slots WHERE id = $2`,
        [rival.requestId, bFirst!.id],
      );
      const move = activities.moveBooking({ requestId, from: booking, to: { technicianId: techB } });
      await until(async () => {
        const { rows } = await pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO bookings%FROM technician_slots WHERE id = $2'`,
        );
        return rows[0].n > 0;
      });
      await other.query('COMMIT');
      moved = await move;
    } finally {
      other.release();
    }
    expect(moved).toMatchObject({ technicianId: techB, slotId: bSecond!.id });
    expect(await bookingsOf(requestId)).toEqual([{ slotId: booking.slotId, status: 'released' }, { slotId: bSecond!.id, status: 'active' }]);

    // Someone else now holds bFirst: the customer who names that slot is told it is taken.
    expect(await activities.moveBooking({ requestId, from: moved!, to: { technicianId: techB, slotId: bFirst!.id } })).toBeNull();
    expect((await bookingsOf(requestId)).filter((b) => b.status === 'active')).toEqual([{ slotId: bSecond!.id, status: 'active' }]);
  });
});

describe('sendEtaNotice', () => {
  it('texts the customer by when the technician expects to arrive, with the request page link, once', async () => {
    const { requestId, activities, booking } = await bookedRequest();
    expect(await activities.sendEtaNotice({ requestId, booking })).toEqual({ sent: true });
    expect(await activities.sendEtaNotice({ requestId, booking })).toEqual({ sent: true });
    const { rows } = await pool.query(`SELECT channel, body->>'text' AS text FROM outbox WHERE request_id = $1 AND purpose = 'eta-notice'`, [requestId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].channel).toBe('sms');
    expect(rows[0].text).toMatch(/Technician 0 is on the way .* expects to arrive by \d\d:\d\d\. Your request: http:\/\/localhost:3000\/requests\/[A-Za-z0-9_-]+$/);
  });

  it('sends nothing outside contact hours, or to a customer without a mobile number', async () => {
    const { requestId, activities, booking } = await bookedRequest();
    const deps = activityDeps(pool);
    const closed = createAssignmentActivities({ ...deps, settings: { ...deps.settings, contactHours: { start: '00:00', end: '00:01' } }, clock: () => new Date('2026-12-01T03:00:00Z') });
    expect(await closed.sendEtaNotice({ requestId, booking })).toEqual({ sent: false });
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1, slotStart: new Date(Date.now() + 3 * DAY) });
    const emailOnly = await createRequest(pool, net, { mobile: null });
    expect(await activities.sendEtaNotice({ requestId: emailOnly.requestId, booking })).toEqual({ sent: false });
    const { rows } = await pool.query(`SELECT 1 FROM outbox WHERE request_id = ANY($1) AND purpose = 'eta-notice'`, [[requestId, emailOnly.requestId]]);
    expect(rows).toHaveLength(0);
  });
});
