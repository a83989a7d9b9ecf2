import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Pool } from '../../../db/pool';
import { bookSlot, createRequest, slotsOf, technicianToken } from '../../activities/assignmentFixtures';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { startProbeWorker, type ProbeWorker } from './probeHarness';
import { buildTestServer, unreachableTemporal } from './webhookApp';

let pool: Pool;
let harness: ProbeWorker;
let app: FastifyInstance;

beforeAll(async () => {
  pool = testPool();
  harness = await startProbeWorker(inject('temporalAddress'));
  app = await buildTestServer(pool, harness.client, harness.connection);
});
afterAll(async () => {
  await app?.close();
  await harness?.stop();
  await pool?.end();
});

/** A technician holding the booking of a request whose workflow (the probe) is running. */
async function bookedJob(options: { probe?: boolean } = {}) {
  const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 1 });
  const [mine, theirs] = net.technicianIds as [string, string];
  const { requestId, customerId } = await createRequest(pool, net);
  await bookSlot(pool, requestId, (await slotsOf(pool, mine))[0]!.id);
  if (options.probe !== false) {
    await harness.probe(requestId);
  }
  return { net, requestId, customerId, mine, theirs, token: await technicianToken(pool, mine), otherToken: await technicianToken(pool, theirs) };
}

function report(token: string | undefined, requestId: string, body: unknown) {
  return app.inject({
    method: 'POST',
    url: `/technicians/jobs/${requestId}/progress`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    payload: body as Record<string, unknown>,
  });
}

describe('technician progress endpoint', () => {
  it('needs the technician’s own bearer token', async () => {
    const { requestId, mine } = await bookedJob({ probe: false });
    expect((await report(undefined, requestId, { status: 'en_route' })).statusCode).toBe(401);
    expect((await report('not-a-token', requestId, { status: 'en_route' })).statusCode).toBe(401);
    const token = await technicianToken(pool, mine);
    await pool.query('UPDATE technicians SET active = false WHERE id = $1', [mine]);
    const inactive = await report(token, requestId, { status: 'en_route' });
    expect(inactive.statusCode).toBe(403);
    expect(inactive.json().error).toBe(`technician ${mine} is not active`);
  });

  it('stores each report and signals the workflow once per event id', async () => {
    const { requestId, mine, token } = await bookedJob();
    const first = await report(token, requestId, { eventId: 'e-1', status: 'en_route', note: 'leaving the depot' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ eventId: 'e-1', status: 'en_route', duplicate: false, signalled: true });
    const again = await report(token, requestId, { eventId: 'e-1', status: 'en_route' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true });
    const generated = await report(token, requestId, { status: 'arrived' });
    expect(generated.statusCode).toBe(201);

    const rows = await pool.query(
      `SELECT p.event_id, p.status, p.note, i.status AS inbox_status FROM technician_progress p
         JOIN inbox i ON i.source = 'technician' AND 'technician:' || i.event_id = p.event_id WHERE p.request_id = $1 ORDER BY p.id`,
      [requestId],
    );
    expect(rows.rows.map((r) => [r.event_id, r.status, r.note])).toEqual([
      [`technician:${mine}:e-1`, 'en_route', 'leaving the depot'],
      [`technician:${mine}:${generated.json().eventId}`, 'arrived', null],
    ]);
    expect(rows.rows.every((r) => r.inbox_status === 'delivered')).toBe(true);

    const signals = await harness.waitForSignals(requestId, 2);
    expect(signals.map((s) => s.signal)).toEqual(['technicianProgress', 'technicianProgress']);
    expect(signals[0]!.payload).toEqual({ eventId: `technician:${mine}:e-1`, technicianId: mine, status: 'en_route', at: first.json().reportedAt });
    // The repeat found its stored, delivered report: it is not signalled again.
    expect((signals[1]!.payload as { eventId: string }).eventId).toBe(`technician:${mine}:${generated.json().eventId}`);
  });

  it('takes completion with the result and a re-judged sensitivity class, stored for the next visit', async () => {
    const { requestId, customerId, mine, token } = await bookedJob();
    const cls = `calm-${randomUUID().slice(0, 8)}`;
    await pool.query(`INSERT INTO sensitivity_classes (code, label, guidance_en, guidance_ko) VALUES ($1, 'Calm', 'Explain slowly.', '천천히 설명하세요.')`, [cls]);

    const done = await report(token, requestId, { eventId: 'done-1', status: 'completed', resolved: true, sensitivityClass: cls, note: 'compressor relay replaced' });
    expect(done.statusCode).toBe(201);
    expect((await pool.query('SELECT sensitivity_class FROM customers WHERE id = $1', [customerId])).rows[0].sensitivity_class).toBe(cls);
    const judged = await pool.query('SELECT previous_class, new_class, technician_id FROM sensitivity_judgements WHERE request_id = $1', [requestId]);
    expect(judged.rows).toEqual([{ previous_class: 'standard', new_class: cls, technician_id: mine }]);
    expect((await pool.query('SELECT resolved FROM technician_progress WHERE request_id = $1', [requestId])).rows).toEqual([{ resolved: true }]);

    const [signal] = await harness.waitForSignals(requestId, 1);
    expect(signal).toEqual({ signal: 'jobCompleted', payload: { eventId: `technician:${mine}:done-1`, technicianId: mine, resolved: true, at: done.json().reportedAt } });
  });

  it('refuses a job that is not theirs, an unknown request, and bad bodies, naming the problem and writing nothing', async () => {
    const { requestId, mine, theirs, token, otherToken } = await bookedJob({ probe: false });
    const notTheirs = await report(otherToken, requestId, { status: 'en_route' });
    expect(notTheirs.statusCode).toBe(403);
    expect(notTheirs.json().error).toBe(`service request ${requestId} is not assigned to technician ${theirs}`);

    const unknown = randomUUID();
    expect((await report(token, unknown, { status: 'en_route' })).json()).toEqual({ error: `service request ${unknown} is not registered` });
    expect((await report(token, unknown, { status: 'en_route' })).statusCode).toBe(404);
    expect((await report(token, 'not-a-uuid', { status: 'en_route' })).statusCode).toBe(404);

    const bad: [unknown, RegExp][] = [
      [{ status: 'lunch' }, /^status: /],
      [{}, /^status: /],
      [{ status: 'completed' }, /^resolved: is required when status is completed$/],
      [{ status: 'working', resolved: true }, /^resolved: goes only with status completed$/],
      [{ status: 'working', sensitivityClass: 'standard' }, /^sensitivityClass: goes only with status completed$/],
      [{ status: 'en_route', note: 'x'.repeat(2001) }, /^note: /],
    ];
    for (const [body, message] of bad) {
      const r = await report(token, requestId, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error).toMatch(message);
    }
    const unknownClass = await report(token, requestId, { status: 'completed', resolved: false, sensitivityClass: 'volcanic' });
    expect(unknownClass.statusCode).toBe(400);
    expect(unknownClass.json().error).toBe('sensitivityClass "volcanic" is not a known sensitivity class');

    expect((await pool.query('SELECT 1 FROM technician_progress WHERE request_id = $1', [requestId])).rowCount).toBe(0);
    expect(mine).toBeDefined();
  });

  it('refuses an event id reused for a different report, and keeps a report whose workflow has ended', async () => {
    const { requestId, token } = await bookedJob({ probe: false });
    const stored = await report(token, requestId, { eventId: 'e-9', status: 'working' });
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({ signalled: false });
    const reused = await report(token, requestId, { eventId: 'e-9', status: 'arrived' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error).toBe('eventId was already used for a different report');
  });
});

describe('technician reports without an event id, and limits', () => {
  it('derives the key from the job and status, so a retried report is stored and signalled once', async () => {
    const { requestId, mine, token } = await bookedJob();
    const first = await report(token, requestId, { status: 'en_route' });
    const retried = await report(token, requestId, { status: 'en_route' });
    expect(first.statusCode).toBe(201);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ eventId: first.json().eventId, duplicate: true });
    const keyed = await app.inject({ method: 'POST', url: `/technicians/jobs/${requestId}/progress`, headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'k-77' }, payload: { status: 'en_route' } });
    expect(keyed.json()).toMatchObject({ eventId: 'k-77', duplicate: false });
    expect((await pool.query('SELECT event_id FROM technician_progress WHERE request_id = $1 ORDER BY id', [requestId])).rows).toEqual([
      { event_id: `technician:${mine}:${first.json().eventId}` },
      { event_id: `technician:${mine}:k-77` },
    ]);
    expect(await harness.waitForSignals(requestId, 2)).toHaveLength(2);
  });

  it('keeps at most 50 reports per request and refuses more, naming the limit', async () => {
    const { requestId, mine, token } = await bookedJob({ probe: false });
    await pool.query(
      `INSERT INTO technician_progress (event_id, request_id, technician_id, status) SELECT 'technician:' || $2 || ':bulk-' || n, $1, $2, 'working' FROM generate_series(1, 50) n`,
      [requestId, mine],
    );
    const refused = await report(token, requestId, { eventId: 'one-more', status: 'working' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe(`service request ${requestId} already has 50 reports; no more are kept`);
    expect((await pool.query('SELECT count(*)::int AS n FROM technician_progress WHERE request_id = $1', [requestId])).rows[0].n).toBe(50);
    // A retry of a report already kept is still answered.
    expect((await report(token, requestId, { eventId: 'bulk-3', status: 'working' })).statusCode).toBe(200);
  });

  it('limits each technician to 30 reports a minute, without slowing the others', async () => {
    const { requestId, token, theirs } = await bookedJob({ probe: false });
    const answers = [];
    for (let i = 0; i < 31; i++) answers.push((await report(token, requestId, { eventId: `burst-${i}`, status: 'working' })).statusCode);
    expect(answers.slice(0, 30).every((code) => code === 200 || code === 201)).toBe(true);
    expect(answers[30]).toBe(429);
    // Another technician is not affected (refused for another reason: the job is not theirs).
    const other = await technicianToken(pool, theirs);
    expect((await report(other, requestId, { status: 'working' })).statusCode).toBe(403);
  });
});

describe('technician progress while Temporal is unreachable', () => {
  it('keeps the report, answers 202 at once, and the retry with the same eventId passes it on once', async () => {
    const { requestId, mine, token } = await bookedJob();
    const temporal = await unreachableTemporal();
    const offline = await buildTestServer(pool, temporal.client, temporal.connection, { signalTimeoutMs: 300 });
    const inboxStatus = async () => (await pool.query(`SELECT status FROM inbox WHERE source = 'technician' AND event_id = $1`, [`${mine}:r-1`])).rows;
    try {
      const down = await offline.inject({ method: 'POST', url: `/technicians/jobs/${requestId}/progress`, headers: { authorization: `Bearer ${token}` }, payload: { eventId: 'r-1', status: 'arrived' } });
      expect(down.statusCode).toBe(202);
      expect(down.json()).toMatchObject({ eventId: 'r-1', signalled: false, note: 'the report is stored and will be passed on as soon as the workflow service answers' });
      expect(await inboxStatus()).toEqual([{ status: 'pending' }]);
    } finally {
      await offline.close();
      await temporal.close();
    }

    const retry = await report(token, requestId, { eventId: 'r-1', status: 'arrived' });
    expect(retry.json()).toMatchObject({ duplicate: true, signalled: true });
    const [signal] = await harness.waitForSignals(requestId, 1);
    expect(signal).toMatchObject({ signal: 'technicianProgress', payload: { eventId: `technician:${mine}:r-1`, status: 'arrived' } });
    expect(await inboxStatus()).toEqual([{ status: 'delivered' }]);
  });
});

describe('technician slots endpoint', () => {
  function slots(token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) {
    return app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
  }

  it('registers, refuses overlaps and past slots, lists and cancels the technician’s own slots', async () => {
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 0 });
    const token = await technicianToken(pool, net.technicianIds[0]!);
    const otherToken = await technicianToken(pool, net.technicianIds[1]!);
    const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);

    const created = await slots(token, 'POST', '/technicians/slots', { date: day, slots: ['09:00-11:00', '13:00-15:00'] });
    expect(created.statusCode).toBe(201);
    expect(created.json().slots.map((s: { label: string }) => s.label)).toEqual(['09:00-11:00', '13:00-15:00']);

    const overlap = await slots(token, 'POST', '/technicians/slots', { date: day, slots: ['16:00-17:00', '10:00-12:00'] });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error).toBe(`slot 10:00-12:00 on ${day} overlaps an existing slot 09:00-11:00`);
    const past = await slots(token, 'POST', '/technicians/slots', { date: '2020-01-06', slots: ['09:00-11:00'] });
    expect(past.statusCode).toBe(400);
    expect(past.json().error).toBe('slot 09:00-11:00 on 2020-01-06 starts in the past');
    const badBody = await slots(token, 'POST', '/technicians/slots', { date: day, slots: [] });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error).toMatch(/^slots: /);

    const listed = await slots(token, 'GET', `/technicians/slots?date=${day}`);
    expect(listed.json().slots.map((s: { label: string }) => s.label)).toEqual(['09:00-11:00', '13:00-15:00']);

    const first = created.json().slots[0].id;
    expect((await slots(otherToken, 'DELETE', `/technicians/slots/${first}`)).statusCode).toBe(404);
    expect((await slots(token, 'DELETE', `/technicians/slots/${first}`)).json()).toEqual({ slotId: first, releasedRequestId: null });
    expect((await slots(token, 'GET', `/technicians/slots?date=${day}`)).json().slots).toHaveLength(1);
  });
});
