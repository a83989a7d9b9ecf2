import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAssignmentActivities } from '../../../activities/assignment';
import { hashToken, issueToken } from '../../../db/queries/accessTokens';
import type { Pool } from '../../../db/pool';
import { activityDeps, createRequest } from '../../activities/assignmentFixtures';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import pino from 'pino';
import { relayOnce } from '../../../client/webhooks/inbox/relay';
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

/** A request with offered candidates, its choice token, and (by default) a running workflow. */
async function offered(options: { language?: 'ko' | 'en'; expiresInMs?: number; probe?: boolean } = {}) {
  // 10:00 Seoul three days ahead: the page must show 10:00, not 01:00 UTC.
  const now = new Date();
  const slotStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 3, 1));
  const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 1, slotStart });
  // The wanted window holds the slot whatever the time of day (the default 72 h does not between 00:00 and 01:00 UTC).
  const window = { start: new Date(now.getTime() + 3_600_000), end: new Date(slotStart.getTime() + 86_400_000) };
  const { requestId, customerId } = await createRequest(pool, net, { language: options.language, timeZone: 'Asia/Seoul', window });
  const candidates = await createAssignmentActivities(activityDeps(pool)).findTechnicianCandidates({ requestId });
  const token = await issueToken(pool, 'choice', requestId, customerId, new Date(Date.now() + (options.expiresInMs ?? 3_600_000)));
  if (options.probe !== false) {
    // The probe books whichever technician is chosen for the second candidate's slot.
    const slot = candidates[1]!;
    await harness.probe(requestId, { visit: { slotId: slot.slotId, startsAt: slot.startsAt, endsAt: slot.endsAt } });
  }
  return { net, requestId, token, candidates };
}

const choose = (token: string, technicianId?: string) =>
  app.inject({ method: 'POST', url: `/choose/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: technicianId === undefined ? '' : `technicianId=${encodeURIComponent(technicianId)}` });

describe('choice page', () => {
  it('lists the offered technicians with introductions and the visit time in the customer’s zone and language', async () => {
    const en = await offered({ language: 'en', probe: false });
    const page = await app.inject({ method: 'GET', url: `/choose/${en.token}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('name="viewport"');
    expect(page.body).toContain('Choose your technician');
    expect(page.body).toContain('Technician 0');
    expect(page.body).toContain('Technician 1');
    expect(page.body).toContain('Ten years of refrigerator repairs.');
    expect(page.body).toMatch(/[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, 10:00–12:00/);
    for (const c of en.candidates) expect(page.body).toContain(`value="${c.technicianId}"`);

    const ko = await offered({ language: 'ko', probe: false });
    const koPage = await app.inject({ method: 'GET', url: `/choose/${ko.token}` });
    expect(koPage.body).toContain('<html lang="ko">');
    expect(koPage.body).toContain('기사 선택');
    expect(koPage.body).toMatch(/\d{4}년 \d{1,2}월 \d{1,2}일 \([월화수목금토일]\) 10:00–12:00/);
  });

  it('sends the choice once as an update, spends the token, and shows what was booked with a link to the request page', async () => {
    const { requestId, token, candidates } = await offered({ language: 'en' });
    const pick = candidates[1]!;
    const res = await choose(token, pick.technicianId);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your visit is booked');
    expect(res.body).toMatch(/Technician 1 will visit on [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, 10:00–12:00/);
    const link = res.body.match(/href="\.\.\/requests\/([^"]+)"/)?.[1];
    expect((await pool.query('SELECT purpose, request_id FROM access_tokens WHERE token_hash = $1', [hashToken(link!)])).rows[0]).toEqual({ purpose: 'request-page', request_id: requestId });

    const [update] = await harness.waitForSignals(requestId, 1);
    expect(update).toEqual({ signal: 'update:chooseTechnician', payload: { technicianId: pick.technicianId } });
    // Answered by the workflow: the stored choice is not relayed again as a signal.
    expect((await pool.query(`SELECT status FROM inbox WHERE source = 'choice' AND request_id = $1`, [requestId])).rows[0].status).toBe('delivered');
    expect((await pool.query('SELECT used_at FROM access_tokens WHERE token_hash = $1', [hashToken(token)])).rows[0].used_at).not.toBeNull();

    const twice = await choose(token, pick.technicianId);
    expect(twice.statusCode).toBe(409);
    expect((await app.inject({ method: 'GET', url: `/choose/${token}` })).statusCode).toBe(409);
  });

  it('a used link names the time really booked when the offered time went to someone else meanwhile', async () => {
    const { requestId, token, candidates } = await offered({ language: 'en' });
    const pick = candidates[1]!;
    expect((await choose(token, pick.technicianId)).statusCode).toBe(200);
    // The reservation booked the technician's next free time, 14:00-16:00, instead of the offered 10:00.
    const start = new Date(new Date(pick.startsAt).getTime() + 4 * 3_600_000);
    const end = new Date(start.getTime() + 2 * 3_600_000);
    const slot = await pool.query(`INSERT INTO technician_slots (technician_id, during) VALUES ($1, tstzrange($2, $3)) RETURNING id`, [pick.technicianId, start, end]);
    await pool.query(`INSERT INTO bookings (request_id, technician_id, slot_id, during) VALUES ($1, $2, $3, tstzrange($4, $5))`, [requestId, pick.technicianId, slot.rows[0].id, start, end]);

    const page = await app.inject({ method: 'GET', url: `/choose/${token}` });
    expect(page.statusCode).toBe(409);
    expect(page.body).toMatch(/already been chosen with this link: Technician 1 for [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, 14:00–16:00/);
  });

  it('lets only one of two simultaneous submissions through', async () => {
    const { requestId, token, candidates } = await offered();
    const results = await Promise.all([choose(token, candidates[0]!.technicianId), choose(token, candidates[1]!.technicianId)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    await harness.waitForSignals(requestId, 1);
    const again = await harness.signals(requestId);
    expect(again).toHaveLength(1);
  });

  it('refuses a technician who was not offered, naming them, and keeps the token usable', async () => {
    const { token } = await offered({ probe: false });
    const res = await choose(token, 'tech-intruder');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Technician &quot;tech-intruder&quot; was not offered for this request.');
    expect((await choose(token)).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: `/choose/${token}` })).statusCode).toBe(200);
  });

  it('answers 404 for an unknown token, 410 for an expired one, 410 when the request has no workflow (token kept)', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/choose/nope', headers: { 'accept-language': 'ko-KR,ko;q=0.9' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('유효하지 않은 링크');
    expect((await choose('nope', 'x')).statusCode).toBe(404);

    const expired = await offered({ expiresInMs: -1000, probe: false });
    expect((await app.inject({ method: 'GET', url: `/choose/${expired.token}` })).statusCode).toBe(410);
    expect((await choose(expired.token, expired.candidates[0]!.technicianId)).statusCode).toBe(410);

    const orphan = await offered({ probe: false });
    const res = await choose(orphan.token, orphan.candidates[0]!.technicianId);
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('no longer waiting for a choice');
    expect((await pool.query('SELECT used_at FROM access_tokens WHERE token_hash = $1', [hashToken(orphan.token)])).rows[0].used_at).toBeNull();
  });

  it('records the choice while Temporal cannot be reached, confirms only that one, and the relay passes it on', async () => {
    const { requestId, token, candidates } = await offered();
    const temporal = await unreachableTemporal();
    const offline = await buildTestServer(pool, temporal.client, temporal.connection, { signalTimeoutMs: 300 });
    try {
      const down = await offline.inject({ method: 'POST', url: `/choose/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `technicianId=${candidates[0]!.technicianId}` });
      expect(down.statusCode).toBe(202);
      expect(down.body).toContain('Technician 0');
      // Another technician later (the customer thinks it failed, or Temporal comes back): the first choice stands.
      const other = await choose(token, candidates[1]!.technicianId);
      expect(other.statusCode).toBe(409);
      expect(other.body).toContain('already been chosen with this link: Technician 0');
      expect(other.body).not.toContain('Technician 1');
    } finally {
      await offline.close();
      await temporal.close();
    }
    expect((await pool.query('SELECT used_at FROM access_tokens WHERE token_hash = $1', [hashToken(token)])).rows[0].used_at).not.toBeNull();
    const deps = { pool, temporal: harness.client, log: pino({ level: 'silent' }) };
    await pool.query(`UPDATE inbox SET next_attempt_at = now() WHERE source = 'choice' AND request_id = $1`, [requestId]);
    await relayOnce(deps);
    const signals = await harness.waitForSignals(requestId, 1);
    expect(signals).toEqual([{ signal: 'technicianChosen', payload: { eventId: `choice:${hashToken(token)}`, technicianId: candidates[0]!.technicianId } }]);
  });
});
