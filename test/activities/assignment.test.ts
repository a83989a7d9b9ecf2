import { render } from '../../domain/messageTemplates';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAssignmentActivities } from '../../activities/assignment';
import type { Candidate } from '../../workflows/types';
import { createPool, type Pool } from '../../db/pool';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';
import { formatLocal } from '../../activities/messaging/format';
import { loadRequestPageView } from '../../db/queries/requestPage';
import { activityDeps, addTechnician, bookSlot, createRequest, slotsOf, until } from './assignmentFixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** 10:00 Seoul (01:00 UTC) two days ahead: both seeded slots (10-12, 13-15) fall on one local day. */
function morningInTwoDays(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2, 1));
}

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

describe('findTechnicianCandidates', () => {
  it('offers only active technicians of the field, covering the area, free inside the window, each once with the earliest slot', async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 2, slotStart: base });
    const otherArea = `${net.areaCode}-b`;
    await pool.query(`INSERT INTO areas (code, name, service_centre_id) VALUES ($1, 'Seocho-gu', $2)`, [otherArea, net.centreId]);
    const otherField = `${net.field}-b`;
    await pool.query(`INSERT INTO product_fields (code, name) VALUES ($1, 'Washing machine')`, [otherField]);
    await addTechnician(pool, net, { area: otherArea, slotStart: base });
    await addTechnician(pool, net, { field: otherField, slotStart: base });
    await addTechnician(pool, net, { active: false, slotStart: base });
    const window = { start: new Date(base.getTime() - HOUR), end: new Date(base.getTime() + 6 * HOUR) };
    await addTechnician(pool, net, { slotStart: new Date(window.end.getTime() - HOUR) }); // runs past the window's end
    const { requestId } = await createRequest(pool, net, { window });

    const { findTechnicianCandidates } = createAssignmentActivities(activityDeps(pool));
    const candidates = await findTechnicianCandidates({ requestId });

    expect(candidates.map((c) => c.technicianId).sort()).toEqual([...net.technicianIds].sort());
    for (const c of candidates) {
      const [first] = await slotsOf(pool, c.technicianId);
      expect(c.slotId).toBe(first!.id);
      expect(c.startsAt).toBe(first!.start.toISOString());
    }
    const offers = await pool.query('SELECT technician_id, slot_id, rank FROM candidate_offers WHERE request_id = $1 ORDER BY rank', [requestId]);
    expect(offers.rows.map((r) => r.technician_id)).toEqual(candidates.map((c) => c.technicianId));
  });

  it('skips slots that have started, are booked or are cancelled', async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 3, slotsPerTechnician: 2, slotStart: base });
    const [t0, t1, t2] = net.technicianIds as [string, string, string];
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + DAY) } });
    const other = await createRequest(pool, net);
    await bookSlot(pool, other.requestId, (await slotsOf(pool, t1))[0]!.id);
    await pool.query('UPDATE technician_slots SET cancelled_at = now() WHERE id = $1', [(await slotsOf(pool, t2))[0]!.id]);
    await pool.query('UPDATE technician_slots SET cancelled_at = now() WHERE id = $1', [(await slotsOf(pool, t2))[1]!.id]);

    // "Now" is ten minutes after the first slots began: only second slots are still ahead.
    const clock = () => new Date(base.getTime() + 10 * 60_000);
    const candidates = await createAssignmentActivities(activityDeps(pool, clock)).findTechnicianCandidates({ requestId });
    expect(candidates.map((c) => [c.technicianId, c.slotId])).toEqual(
      [t0, t1].map((t) => [t, expect.any(Number)]),
    );
    for (const c of candidates) expect(c.slotId).toBe((await slotsOf(pool, c.technicianId))[1]!.id);

    const early = await createAssignmentActivities(activityDeps(pool)).findTechnicianCandidates({ requestId });
    expect(early.find((c) => c.technicianId === t1)?.slotId).toBe((await slotsOf(pool, t1))[1]!.id);
    expect(early.find((c) => c.technicianId === t2)).toBeUndefined();
  });

  it('ranks by day load, then average rating in our own replies, then the earliest slot', async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 4, slotsPerTechnician: 2, slotStart: base });
    const [t0, t1, t2, t3] = net.technicianIds as [string, string, string, string];
    const t4 = await addTechnician(pool, net, { slotStart: new Date(base.getTime() + HOUR) });
    // t0 already has a job that day (its second slot).
    await bookSlot(pool, (await createRequest(pool, net)).requestId, (await slotsOf(pool, t0))[1]!.id);
    // t1 was rated 5 and t2 was rated 3 after earlier visits.
    // A day apart each: t2's two past visits must not overlap (the exclusion constraint refuses that).
    for (const [i, [tech, rating]] of ([[t1, 5], [t2, 3], [t2, 3]] as const).entries()) {
      const past = new Date(Date.now() - (10 + i) * DAY);
      const old = await createRequest(pool, net, { window: { start: past, end: new Date(past.getTime() + 3 * HOUR) } });
      const slot = await pool.query('INSERT INTO technician_slots (technician_id, during) VALUES ($1, tstzrange($2, $3)) RETURNING id', [tech, past, new Date(past.getTime() + HOUR)]);
      await bookSlot(pool, old.requestId, Number(slot.rows[0].id), 'completed');
      await pool.query(`INSERT INTO survey_replies (request_id, channel, rating, category, received_at) VALUES ($1, 'web', $2, 'satisfied', now())`, [old.requestId, rating]);
    }
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + DAY) } });

    const candidates = await createAssignmentActivities(activityDeps(pool)).findTechnicianCandidates({ requestId });
    expect(candidates.map((c) => c.technicianId)).toEqual([t1, t2, t3, t4, t0]);
  });

  it('answers an empty list (and clears the offers) when nobody is free: the workflow then escalates and retries', async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1, slotStart: base });
    const window = { start: base, end: new Date(base.getTime() + DAY) };
    const { requestId } = await createRequest(pool, net, { window });
    const { findTechnicianCandidates } = createAssignmentActivities(activityDeps(pool));
    expect(await findTechnicianCandidates({ requestId })).toHaveLength(1);

    await bookSlot(pool, (await createRequest(pool, net)).requestId, (await slotsOf(pool, net.technicianIds[0]!))[0]!.id);
    expect(await findTechnicianCandidates({ requestId })).toEqual([]);
    expect((await pool.query('SELECT 1 FROM candidate_offers WHERE request_id = $1', [requestId])).rowCount).toBe(0);

    // A window with nobody at all in it, and a window already over, give the same answer.
    const empty = await createRequest(pool, net, { window: { start: new Date(base.getTime() + 5 * DAY), end: new Date(base.getTime() + 6 * DAY) } });
    expect(await findTechnicianCandidates({ requestId: empty.requestId })).toEqual([]);
    const over = await createRequest(pool, net, { window: { start: new Date(Date.now() - 2 * DAY), end: new Date(Date.now() - DAY) } });
    expect(await findTechnicianCandidates({ requestId: over.requestId })).toEqual([]);
  });

  it('refuses an unknown request without retrying', async () => {
    const { findTechnicianCandidates } = createAssignmentActivities(activityDeps(pool));
    await expect(findTechnicianCandidates({ requestId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({
      type: 'UnknownRecord',
      nonRetryable: true,
    });
  });
});

describe('reserveTechnicianSlot', () => {
  async function setup() {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 3, slotsPerTechnician: 1, slotStart: base });
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + DAY) } });
    const acts = createAssignmentActivities(activityDeps(pool));
    const candidates = await acts.findTechnicianCandidates({ requestId });
    expect(candidates).toHaveLength(3);
    return { net, requestId, acts, candidates };
  }

  it("honours the customer's choice when it is put first", async () => {
    const { requestId, acts, candidates } = await setup();
    const chosen = candidates[2]!;
    const booking = await acts.reserveTechnicianSlot({ requestId, candidates: [chosen, ...candidates.slice(0, 2)] });
    expect(booking).toEqual({ technicianId: chosen.technicianId, slotId: chosen.slotId, startsAt: chosen.startsAt, endsAt: chosen.endsAt });
    const rows = await pool.query(`SELECT technician_id, slot_id FROM bookings WHERE request_id = $1 AND status = 'active'`, [requestId]);
    expect(rows.rows).toEqual([{ technician_id: chosen.technicianId, slot_id: String(chosen.slotId) }]);
  });

  it('moves on to the next candidate when a slot was taken meanwhile, and answers null when all were', async () => {
    const { net, requestId, acts, candidates } = await setup();
    const [c0, c1, c2] = candidates as [typeof candidates[0], typeof candidates[0], typeof candidates[0]];
    await bookSlot(pool, (await createRequest(pool, net)).requestId, c0.slotId);
    expect((await acts.reserveTechnicianSlot({ requestId, candidates: [c0, c1] }))?.slotId).toBe(c1.slotId);

    const late = await createRequest(pool, net);
    await pool.query('UPDATE technician_slots SET cancelled_at = now() WHERE id = $1', [c2.slotId]);
    expect(await acts.reserveTechnicianSlot({ requestId: late.requestId, candidates: [c0, c1, c2] })).toBeNull();
    expect((await pool.query('SELECT 1 FROM bookings WHERE request_id = $1', [late.requestId])).rowCount).toBe(0);
  });

  it("books the chosen technician's next free slot when the offered one was taken after the offer; the dispatch, the visit notice and the request page say that time", async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 2, slotStart: base });
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + DAY) } });
    const acts = createAssignmentActivities(activityDeps(pool));
    const candidates = await acts.findTechnicianCandidates({ requestId });
    const chosen = candidates.find((c) => c.technicianId === net.technicianIds[1])!;
    const [offered, next] = await slotsOf(pool, chosen.technicianId);
    expect(chosen.slotId).toBe(offered!.id);
    await bookSlot(pool, (await createRequest(pool, net)).requestId, offered!.id); // taken while the customer chose

    const booking = (await acts.reserveTechnicianSlot({ requestId, candidates: [chosen, ...candidates.filter((c) => c !== chosen)] }))!;
    expect(booking).toEqual({ technicianId: chosen.technicianId, slotId: next!.id, startsAt: next!.start.toISOString(), endsAt: next!.end.toISOString() });
    await acts.dispatchJob({ requestId, booking });
    await acts.sendVisitNotice({ requestId, booking });

    const bookedTime = formatLocal(next!.start, 'Asia/Seoul', 'en');
    const offeredTime = formatLocal(offered!.start, 'Asia/Seoul', 'en');
    const { rows } = await pool.query(`SELECT purpose, body FROM outbox WHERE request_id = $1 ORDER BY id`, [requestId]);
    for (const purpose of ['dispatch', 'visit-notice']) {
      const text: string = rows.find((r) => r.purpose === purpose)!.body.text;
      expect(text).toContain(bookedTime);
      expect(text).not.toContain(offeredTime);
    }
    const page = await loadRequestPageView(pool, requestId);
    expect(page?.visit).toMatchObject({ technicianId: chosen.technicianId, slotId: next!.id, startsAt: next!.start, endsAt: next!.end });
  });

  it('is safe to retry: a request that already holds a booking gets that booking back', async () => {
    const { requestId, acts, candidates } = await setup();
    const first = await acts.reserveTechnicianSlot({ requestId, candidates });
    const again = await acts.reserveTechnicianSlot({ requestId, candidates: [candidates[1]!] });
    expect(again).toEqual(first);
    expect((await pool.query(`SELECT 1 FROM bookings WHERE request_id = $1`, [requestId])).rowCount).toBe(1);
  });
});

describe('reservation against a slot cancelled at the same moment', () => {
  it('skips the slot being cancelled without waiting: the technician\'s next slot is booked, and with none left nothing is', async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 2, slotStart: base });
    const window = { start: base, end: new Date(base.getTime() + DAY) };
    const { requestId } = await createRequest(pool, net, { window });
    const acts = createAssignmentActivities(activityDeps(pool));
    const [candidate] = await acts.findTechnicianCandidates({ requestId });
    const [first, second] = await slotsOf(pool, net.technicianIds[0]!);
    expect(candidate!.slotId).toBe(first!.id);

    const canceller = await pool.connect();
    const late = await createRequest(pool, net, { window });
    try {
      await canceller.query('BEGIN');
      await canceller.query('SELECT 1 FROM technician_slots WHERE id = ANY($1) FOR UPDATE', [[first!.id, second!.id]]);
      await canceller.query('UPDATE technician_slots SET cancelled_at = now() WHERE id = $1', [first!.id]);
      // Both slots are locked by the cancellation still under way: neither is booked, and nobody waits.
      expect(await acts.reserveTechnicianSlot({ requestId, candidates: [candidate!] })).toBeNull();
      await canceller.query('ROLLBACK');

      await canceller.query('BEGIN');
      await canceller.query('SELECT 1 FROM technician_slots WHERE id = $1 FOR UPDATE', [first!.id]);
      await canceller.query('UPDATE technician_slots SET cancelled_at = now() WHERE id = $1', [first!.id]);
      expect((await acts.reserveTechnicianSlot({ requestId, candidates: [candidate!] }))?.slotId).toBe(second!.id);
      await canceller.query('COMMIT');
    } finally {
      canceller.release();
    }
    expect(await acts.reserveTechnicianSlot({ requestId: late.requestId, candidates: [candidate!] })).toBeNull();
    const booked = await pool.query(`SELECT request_id, slot_id FROM bookings WHERE slot_id = ANY($1) AND status = 'active'`, [[first!.id, second!.id]]);
    expect(booked.rows.map((r) => [r.request_id, Number(r.slot_id)])).toEqual([[requestId, second!.id]]);
  });
});

describe('two bookings that deadlock on one slot', () => {
  it('the booking PostgreSQL aborts counts as a lost race and takes the next candidate', async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 1, slotStart: base });
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + DAY) } });
    const acts = createAssignmentActivities(activityDeps(pool));
    const [contested, next] = (await acts.findTechnicianCandidates({ requestId })) as [Candidate, Candidate];
    const rival = await createRequest(pool, net);

    // The rival books the contested slot, then (still in its transaction) locks the slot row that
    // our reservation already holds a lock on, while our insert waits for the rival's booking: a
    // deadlock. The rival waits longer before checking, so PostgreSQL aborts ours. Our next try
    // skips the slot the rival now holds; its technician has no other, so the next candidate is booked.
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SET LOCAL deadlock_timeout = '20s'`);
      await other.query(
        `INSERT INTO bookings (request_id, technician_id, slot_id, during) SELECT $1, technician_id, id, during FROM technician_slots WHERE id = $2`,
        [rival.requestId, contested.slotId],
      );
      const reservation = acts.reserveTechnicianSlot({ requestId, candidates: [contested, next] });
      await until(async () => {
        const { rows } = await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR NO KEY UPDATE OF s%'`);
        return rows[0].n > 0;
      });
      const rivalLock = other.query('SELECT 1 FROM technician_slots WHERE id = $1 FOR UPDATE', [contested.slotId]);
      expect((await reservation)?.slotId).toBe(next.slotId);
      await rivalLock;
      await other.query('COMMIT');
    } finally {
      other.release();
    }
    const active = await pool.query(`SELECT request_id, slot_id FROM bookings WHERE slot_id = ANY($1) AND status = 'active' ORDER BY slot_id`, [[contested.slotId, next.slotId]]);
    expect(active.rows.map((r) => [r.request_id, Number(r.slot_id)]).sort()).toEqual(
      [[rival.requestId, contested.slotId], [requestId, next.slotId]].sort(),
    );
  });
});

describe('dispatch and visit notice', () => {
  it("sends the job with the customer's handling guidance to the technician, and the visit time to the customer", async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1, slotStart: base });
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + DAY) } });
    const acts = createAssignmentActivities(activityDeps(pool));
    const booking = (await acts.reserveTechnicianSlot({ requestId, candidates: await acts.findTechnicianCandidates({ requestId }) }))!;
    await acts.dispatchJob({ requestId, booking });
    await acts.sendVisitNotice({ requestId, booking });
    await acts.dispatchJob({ requestId, booking }); // a retry sends nothing twice

    const { rows } = await pool.query(`SELECT purpose, channel, recipient, body FROM outbox WHERE request_id = $1 ORDER BY id`, [requestId]);
    expect(rows.map((r) => [r.purpose, r.channel])).toEqual([['dispatch', 'sms'], ['visit-notice', 'email']]);
    expect(rows[0].body.text).toContain('Be polite and explain the repair.');
    expect(rows[0].body.text).toContain(`/technicians/jobs/${requestId}/progress`);
    expect(rows[1].body.text).toContain('Technician 0');
  });
});

describe('the visit notice asks for a missing email address (KR claims 16-17)', () => {
  it('a customer without one is asked in the notice; a customer with one is not', async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 1, slotStart: base });
    const mobile = () => `+8210${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
    const without = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + DAY) }, mobile: mobile(), email: null, language: 'ko' });
    await pool.query('UPDATE customers SET email_requested = true WHERE id = $1', [without.customerId]); // as intake sets it
    const withEmail = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + DAY) }, mobile: mobile() });
    const acts = createAssignmentActivities(activityDeps(pool));
    for (const { requestId } of [without, withEmail]) {
      const booking = (await acts.reserveTechnicianSlot({ requestId, candidates: await acts.findTechnicianCandidates({ requestId }) }))!;
      await acts.sendVisitNotice({ requestId, booking });
    }
    const notice = async (requestId: string) => (await pool.query(`SELECT channel, body FROM outbox WHERE request_id = $1 AND purpose = 'visit-notice'`, [requestId])).rows;
    const asked = await notice(without.requestId);
    expect(asked).toMatchObject([{ channel: 'sms' }]);
    expect(asked[0].body.text).toContain(render('ko', 'askEmailSms', {}).trim());
    const notAsked = await notice(withEmail.requestId);
    expect(notAsked).toHaveLength(1);
    expect(notAsked[0].body.text).not.toContain(render('en', 'askEmailSms', {}).trim());
  });
});

describe('offering the choice', () => {
  it('a later round listing the same candidates is a new message with a new link; a retry of one round sends nothing twice', async () => {
    const base = morningInTwoDays();
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1, slotStart: base });
    const { requestId } = await createRequest(pool, net, { window: { start: base, end: new Date(base.getTime() + DAY) } });
    const acts = createAssignmentActivities(activityDeps(pool));
    const candidates = await acts.findTechnicianCandidates({ requestId });
    // As Temporal runs them: each round is an activity of its own; a retry keeps its activity id.
    const offer = (activityId: string) =>
      new MockActivityEnvironment({ activityId }).run(acts.offerTechnicianChoice, { requestId, candidates, expiresInMs: 4 * HOUR });
    await offer('7');
    await offer('7');
    await offer('12');

    const { rows } = await pool.query<{ body: { text: string } }>(`SELECT body FROM outbox WHERE request_id = $1 AND purpose = 'technician-choice' ORDER BY id`, [requestId]);
    expect(rows).toHaveLength(2);
    const links = rows.map((r) => /\/choose\/[\w-]+/.exec(r.body.text)?.[0]);
    expect(links[0]).toBeDefined();
    expect(links[1]).not.toEqual(links[0]);
  });
});

describe('concurrency: 50 requests race for one slot', () => {
  let racePool: Pool;
  beforeAll(() => {
    racePool = createPool(inject('databaseUrl'), 20);
  });
  afterAll(async () => {
    await racePool.end();
  });

  async function fiftyRequests(slotStart: Date, technicians: number) {
    const net = await seedNetwork(pool, { technicians, slotsPerTechnician: 1, slotStart });
    const window = { start: slotStart, end: new Date(slotStart.getTime() + DAY) };
    const requests = await Promise.all(Array.from({ length: 50 }, () => createRequest(pool, net, { window })));
    const slots = await Promise.all(net.technicianIds.map(async (t) => ({ technicianId: t, ...(await slotsOf(pool, t))[0]! })));
    const candidate = (s: (typeof slots)[0]) => ({ technicianId: s.technicianId, slotId: s.id, startsAt: s.start.toISOString(), endsAt: s.end.toISOString() });
    return { net, requests, slots, candidate };
  }

  it('exactly one booking when the slot is the only candidate; the others get null', async () => {
    const { requests, slots, candidate } = await fiftyRequests(morningInTwoDays(), 1);
    const { reserveTechnicianSlot } = createAssignmentActivities(activityDeps(racePool));
    const results = await Promise.all(requests.map((r) => reserveTechnicianSlot({ requestId: r.requestId, candidates: [candidate(slots[0]!)] })));
    expect(results.filter((b) => b !== null)).toHaveLength(1);
    expect(results.filter((b) => b === null)).toHaveLength(49);
    const held = await pool.query(`SELECT count(*)::int AS n FROM bookings WHERE slot_id = $1 AND status = 'active'`, [slots[0]!.id]);
    expect(held.rows[0].n).toBe(1);
  });

  it('exactly one booking of the contested slot; the 49 losers fall back to their next candidate', async () => {
    const { requests, slots, candidate } = await fiftyRequests(morningInTwoDays(), 51);
    const [contested, ...fallbacks] = slots;
    const { reserveTechnicianSlot } = createAssignmentActivities(activityDeps(racePool));
    const results = await Promise.all(
      requests.map((r, i) => reserveTechnicianSlot({ requestId: r.requestId, candidates: [candidate(contested!), candidate(fallbacks[i]!)] })),
    );
    const winner = results.findIndex((b) => b?.slotId === contested!.id);
    expect(winner).toBeGreaterThanOrEqual(0);
    results.forEach((b, i) => expect(b?.slotId).toBe(i === winner ? contested!.id : fallbacks[i]!.id));
    const held = await pool.query(`SELECT count(*)::int AS n FROM bookings WHERE slot_id = $1 AND status = 'active'`, [contested!.id]);
    expect(held.rows[0].n).toBe(1);
  });
});
