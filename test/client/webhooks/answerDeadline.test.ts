import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTemporal } from '../../../client/temporal';
import type { Config } from '../../../config';
import { issueToken } from '../../../db/queries/accessTokens';
import type { Pool } from '../../../db/pool';
import { createAssignmentActivities } from '../../../activities/assignment';
import { activityDeps, bookSlot, createRequest, slotsOf, technicianToken } from '../../activities/assignmentFixtures';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { buildTestServer, INBOUND_DOMAIN, INBOUND_SECRET, inboxRows, postTwilio, recordSurveySms, seedRequest, unreachableTemporal, waitFor } from './webhookApp';

/** Twilio gives up after 15 s and counts anything slow as a failure; we promise 2 s whatever is down. */
const ANSWER_WITHIN_MS = 2000;

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await call();
  return { result, ms: performance.now() - started };
}

describe('webhooks while Temporal hangs (accepts connections, never answers)', () => {
  let pool: Pool;
  let temporal: Awaited<ReturnType<typeof unreachableTemporal>>;
  let app: FastifyInstance;

  beforeAll(async () => {
    pool = testPool();
    temporal = await unreachableTemporal('hung');
    // The webhook server's own connection (lazy), with the default signal deadline.
    const address = temporal.connection.options.address;
    const { client, connection } = await connectTemporal({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS: false, TEMPORAL_NAMESPACE: 'default' } as Config, { lazy: true });
    app = await buildTestServer(pool, client, connection, { signalTimeoutMs: undefined });
    app.addHook('onClose', async () => connection.close().catch(() => undefined));
  });
  afterAll(async () => {
    await app?.close();
    await temporal?.close();
    await pool?.end();
  });

  it('stores an SMS reply and answers Twilio within 2 s', async () => {
    const req = await seedRequest(pool);
    await recordSurveySms(pool, req.requestId, req.mobile);
    const messageSid = `SM${randomBytes(16).toString('hex')}`;
    const { result, ms } = await timed(() => postTwilio(app, '/webhooks/twilio/sms', { MessageSid: messageSid, From: req.mobile, To: '+82215880001', Body: '4 fine', AccountSid: 'ACtest' }));
    expect(result.statusCode).toBe(200);
    expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await inboxRows(pool, req.requestId)).toMatchObject([{ event_id: messageSid, status: 'pending' }]);
  });

  it('stores a keypad rating and answers the call within 2 s', async () => {
    const req = await seedRequest(pool);
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    await pool.query('INSERT INTO call_attempts (call_sid, request_id) VALUES ($1, $2)', [callSid, req.requestId]);
    const { result, ms } = await timed(() => postTwilio(app, '/webhooks/twilio/voice/gather', { CallSid: callSid, AccountSid: 'ACtest', Digits: '4', CallStatus: 'in-progress' }));
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('<Hangup/>');
    expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await inboxRows(pool, req.requestId)).toMatchObject([{ kind: 'call-outcome', status: 'pending' }]);
  });

  it('stores a web form answer and thanks the customer within 2 s', async () => {
    const req = await seedRequest(pool);
    const token = await issueToken(pool, 'survey', req.requestId, req.customerId, new Date(Date.now() + 86_400_000));
    const { result, ms } = await timed(() =>
      app.inject({ method: 'POST', url: `/survey/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'overall=5&comment=great' }),
    );
    expect(result.statusCode).toBe(202);
    expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await inboxRows(pool, req.requestId)).toMatchObject([{ source: 'web-form', status: 'pending' }]);
  });

  it('records a technician choice and answers the customer within 2 s (the update is not accepted: the inbox takes over)', async () => {
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1 });
    const { requestId, customerId } = await createRequest(pool, net);
    const [candidate] = await createAssignmentActivities(activityDeps(pool)).findTechnicianCandidates({ requestId });
    const token = await issueToken(pool, 'choice', requestId, customerId, new Date(Date.now() + 3_600_000));
    const { result, ms } = await timed(() =>
      app.inject({ method: 'POST', url: `/choose/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `technicianId=${candidate!.technicianId}` }),
    );
    expect(result.statusCode).toBe(202);
    expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await inboxRows(pool, requestId)).toMatchObject([{ source: 'choice', status: 'pending' }]);
  });

  it('stores a technician report and answers the app within 2 s', async () => {
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1 });
    const technicianId = net.technicianIds[0]!;
    const { requestId } = await createRequest(pool, net);
    await bookSlot(pool, requestId, (await slotsOf(pool, technicianId))[0]!.id);
    const token = await technicianToken(pool, technicianId);
    const { result, ms } = await timed(() =>
      app.inject({ method: 'POST', url: `/technicians/jobs/${requestId}/progress`, headers: { authorization: `Bearer ${token}` }, payload: { eventId: 'on-my-way', status: 'en_route' } }),
    );
    expect(result.statusCode).toBe(202);
    expect(result.json()).toMatchObject({ eventId: 'on-my-way', signalled: false });
    expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await inboxRows(pool, requestId)).toMatchObject([{ source: 'technician', kind: 'technician-report', status: 'pending' }]);
  });

  it('stores an email reply and answers SendGrid within 2 s', async () => {
    const req = await seedRequest(pool);
    const token = await issueToken(pool, 'email-reply', req.requestId, req.customerId, new Date(Date.now() + 86_400_000));
    const boundary = `xYzZY${randomBytes(8).toString('hex')}`;
    const fields = { to: `reply+${token}@${INBOUND_DOMAIN}`, from: 'minji@mail.example.test', subject: 'Re: survey', text: '5 thanks', headers: `Message-ID: <${randomBytes(6).toString('hex')}@mail.example.test>` };
    const payload = `${Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')}--${boundary}--\r\n`;
    const { result, ms } = await timed(() =>
      app.inject({ method: 'POST', url: `/webhooks/sendgrid/inbound/${INBOUND_SECRET}`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload }),
    );
    expect(result.statusCode).toBe(202);
    expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await inboxRows(pool, req.requestId)).toMatchObject([{ source: 'sendgrid-inbound', status: 'pending' }]);
  });
});

describe('an SMS reply to an open request while its signal hangs', () => {
  let pool: Pool;
  let temporal: Awaited<ReturnType<typeof unreachableTemporal>>;
  let app: FastifyInstance;
  // Longer than the answer may take: an answer that waited for the signal could not be in time.
  const SIGNAL_DEADLINE_MS = 6000;

  beforeAll(async () => {
    pool = testPool();
    temporal = await unreachableTemporal('hung');
    app = await buildTestServer(pool, temporal.client, temporal.connection, { signalTimeoutMs: SIGNAL_DEADLINE_MS });
  });
  afterAll(async () => {
    await app?.close();
    await temporal?.close();
    await pool?.end();
  });

  it('is answered once stored, and the signal tried after the answer leaves the row to the relay', async () => {
    const req = await seedRequest(pool);
    await recordSurveySms(pool, req.requestId, req.mobile);
    const messageSid = `SM${randomBytes(16).toString('hex')}`;
    const { result, ms } = await timed(() => postTwilio(app, '/webhooks/twilio/sms', { MessageSid: messageSid, From: req.mobile, To: '+82215880001', Body: '5', AccountSid: 'ACtest' }));
    expect(result.statusCode).toBe(200);
    expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await inboxRows(pool, req.requestId)).toMatchObject([{ event_id: messageSid, status: 'pending' }]);
    const row = await waitFor(
      'the signal after the answer to reach its deadline',
      async () => (await pool.query('SELECT attempts, last_error, status FROM inbox WHERE event_id = $1', [messageSid])).rows.find((r) => r.attempts > 0),
      SIGNAL_DEADLINE_MS + 20_000,
    );
    expect(row).toMatchObject({ attempts: 1, status: 'pending', last_error: expect.stringContaining(`${SIGNAL_DEADLINE_MS} ms`) });
  });
});
