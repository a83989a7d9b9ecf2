import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool, type Pool } from '../../../db/pool';
import { reserveVisit, type OfferedSlot } from '../../../db/queries/reservation';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { bookSlot, createRequest, slotsOf, type Network } from '../../activities/assignmentFixtures';

const HOUR = 3_600_000;

/** 09:00 Seoul (00:00 UTC) three days ahead: a morning of slots every three hours, two hours long. */
function morningInThreeDays(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 3));
}

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

/** What the candidate search would have offered: each technician with their earliest slot. */
async function offered(net: Network): Promise<OfferedSlot[]> {
  return Promise.all(net.technicianIds.map(async (technicianId) => ({ technicianId, slotId: (await slotsOf(pool, technicianId))[0]!.id })));
}

async function activeBookings(requestId: string) {
  const { rows } = await pool.query(`SELECT technician_id, slot_id FROM bookings WHERE request_id = $1 AND status = 'active'`, [requestId]);
  return rows.map((r) => [r.technician_id, Number(r.slot_id)]);
}

describe('reserveVisit: the offered slot taken meanwhile', () => {
  it("books the same technician's next free slot inside the wanted window, with its real times", async () => {
    const base = morningInThreeDays();
    // Slots at 09, 12, 15 and 18 (two hours each); the customer wants 09:00-17:00.
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 4, slotStart: base });
    const [a] = net.technicianIds as [string, string];
    const window = { start: base, end: new Date(base.getTime() + 8 * HOUR) };
    const { requestId } = await createRequest(pool, net, { window });
    const [offerA, offerB] = await offered(net);
    const slotsA = await slotsOf(pool, a);
    await bookSlot(pool, (await createRequest(pool, net)).requestId, slotsA[0]!.id); // the offered 09:00 went to someone else
    await pool.query('UPDATE technician_slots SET cancelled_at = now() WHERE id = $1', [slotsA[1]!.id]); // 12:00 was cancelled

    const visit = await reserveVisit(pool, { requestId, candidates: [offerA!, offerB!], now: new Date() });

    expect(visit).toEqual({ technicianId: a, slotId: slotsA[2]!.id, startsAt: slotsA[2]!.start, endsAt: slotsA[2]!.end });
    expect(await activeBookings(requestId)).toEqual([[a, slotsA[2]!.id]]);
  });

  it('moves on to the next candidate when the technician has nothing else free inside the window', async () => {
    const base = morningInThreeDays();
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 3, slotStart: base });
    const [a, b] = net.technicianIds as [string, string];
    // 09:00-14:00: the 09 and 12 slots are inside (both taken below); 15:00 is free but outside.
    const window = { start: base, end: new Date(base.getTime() + 5 * HOUR) };
    const { requestId } = await createRequest(pool, net, { window });
    const [offerA, offerB] = await offered(net);
    const slotsA = await slotsOf(pool, a);
    await bookSlot(pool, (await createRequest(pool, net)).requestId, slotsA[0]!.id);
    await bookSlot(pool, (await createRequest(pool, net)).requestId, slotsA[1]!.id);

    const visit = await reserveVisit(pool, { requestId, candidates: [offerA!, offerB!], now: new Date() });

    expect(visit?.technicianId).toBe(b);
    expect(visit?.slotId).toBe(offerB!.slotId);
    expect((await pool.query('SELECT 1 FROM bookings WHERE slot_id = $1 AND request_id = $2', [slotsA[2]!.id, requestId])).rowCount).toBe(0);
  });

  it('does not book a slot that has already begun', async () => {
    const base = morningInThreeDays();
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 2, slotStart: base });
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + 8 * HOUR) } });
    const [offer] = await offered(net);
    const slots = await slotsOf(pool, net.technicianIds[0]!);
    await bookSlot(pool, (await createRequest(pool, net)).requestId, slots[1]!.id);
    // "Now" is ten minutes into the offered slot: it has begun, and the other one is taken.
    expect(await reserveVisit(pool, { requestId, candidates: [offer!], now: new Date(base.getTime() + 10 * 60_000) })).toBeNull();
    expect(await activeBookings(requestId)).toEqual([]);
  });

  it('answers null, booking nothing, when nobody has a free slot inside the window', async () => {
    const base = morningInThreeDays();
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 2, slotStart: base });
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + 5 * HOUR) } });
    const candidates = await offered(net);
    for (const t of net.technicianIds) for (const s of await slotsOf(pool, t)) await bookSlot(pool, (await createRequest(pool, net)).requestId, s.id);

    expect(await reserveVisit(pool, { requestId, candidates, now: new Date() })).toBeNull();
    expect(await activeBookings(requestId)).toEqual([]);
  });

  it('run again after it succeeded, answers the booking already held and books nothing more', async () => {
    const base = morningInThreeDays();
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 2, slotStart: base });
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + 8 * HOUR) } });
    const candidates = await offered(net);
    const first = await reserveVisit(pool, { requestId, candidates, now: new Date() });
    const again = await reserveVisit(pool, { requestId, candidates: [...candidates].reverse(), now: new Date() });
    expect(again).toEqual(first);
    expect(await activeBookings(requestId)).toHaveLength(1);
  });
});

describe('reserveVisit: many requests booking one technician at once', () => {
  let racePool: Pool;
  beforeAll(() => {
    racePool = createPool(inject('databaseUrl'), 12);
  });
  afterAll(async () => {
    await racePool.end();
  });

  it('a reservation in flight holds its slot; another request takes the next slot at once instead of waiting and losing', async () => {
    const base = morningInThreeDays();
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 3, slotStart: base });
    const window = { start: base, end: new Date(base.getTime() + 9 * HOUR) };
    const [first, second] = await Promise.all([createRequest(pool, net, { window }), createRequest(pool, net, { window })]);
    const [offer] = await offered(net);
    const slots = await slotsOf(pool, net.technicianIds[0]!);

    const inFlight = await racePool.connect();
    try {
      await inFlight.query('BEGIN');
      expect((await reserveVisit(inFlight, { requestId: first!.requestId, candidates: [offer!], now: new Date() }))?.slotId).toBe(slots[0]!.id);
      // The first reservation is not committed yet: the second neither waits for it nor collides.
      expect((await reserveVisit(racePool, { requestId: second!.requestId, candidates: [offer!], now: new Date() }))?.slotId).toBe(slots[1]!.id);
      await inFlight.query('COMMIT');
    } finally {
      inFlight.release();
    }
    expect(await activeBookings(first!.requestId)).toEqual([[net.technicianIds[0], slots[0]!.id]]);
    expect(await activeBookings(second!.requestId)).toEqual([[net.technicianIds[0], slots[1]!.id]]);
  });

  it('all succeed, on distinct slots inside the window, when the technician has enough free slots', async () => {
    const base = morningInThreeDays();
    const requests = 10;
    // One technician, 12 slots over a day and a half; the customers want the first 12 of those 36 hours.
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 12, slotStart: base });
    const window = { start: base, end: new Date(base.getTime() + 36 * HOUR) };
    const waiting = await Promise.all(Array.from({ length: requests }, () => createRequest(pool, net, { window })));
    const [offer] = await offered(net);

    const visits = await Promise.all(waiting.map((r) => reserveVisit(racePool, { requestId: r.requestId, candidates: [offer!], now: new Date() })));

    expect(visits.every((v) => v !== null)).toBe(true);
    const slotIds = visits.map((v) => v!.slotId);
    expect(new Set(slotIds).size).toBe(requests);
    for (const v of visits) {
      expect(v!.startsAt >= window.start && v!.endsAt <= window.end).toBe(true);
    }
    const held = await pool.query(`SELECT count(*)::int AS n FROM bookings WHERE technician_id = $1 AND status = 'active'`, [net.technicianIds[0]]);
    expect(held.rows[0].n).toBe(requests);
  });

  it('more requests than free slots: each slot is booked once, the rest fall back to the next candidate', async () => {
    const base = morningInThreeDays();
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 3, slotStart: base });
    const [a, b] = net.technicianIds as [string, string];
    const window = { start: base, end: new Date(base.getTime() + 9 * HOUR) };
    const waiting = await Promise.all(Array.from({ length: 6 }, () => createRequest(pool, net, { window })));
    const [offerA, offerB] = await offered(net);

    const visits = await Promise.all(waiting.map((r) => reserveVisit(racePool, { requestId: r.requestId, candidates: [offerA!, offerB!], now: new Date() })));

    expect(visits.every((v) => v !== null)).toBe(true);
    expect(new Set(visits.map((v) => v!.slotId)).size).toBe(6);
    expect(visits.filter((v) => v!.technicianId === a)).toHaveLength(3);
    expect(visits.filter((v) => v!.technicianId === b)).toHaveLength(3);
  });
});
