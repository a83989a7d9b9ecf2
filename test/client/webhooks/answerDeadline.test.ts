import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectTemporal } from '../../../client/temporal';
import type { Config } from '../../../config';
import { hashToken, issueToken } from '../../../db/queries/accessTokens';
import type { Pool } from '../../../db/pool';
import { createAssignmentActivities } from '../../../activities/assignment';
import { activityDeps, bookSlot, createRequest, slotsOf, technicianToken } from '../../activities/assignmentFixtures';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { INBOUND_CALL_PATH } from '../../../client/webhooks/inbound/inboundCall';
import { text } from '../../../client/webhooks/pages/html';
import { render } from '../../../domain/messageTemplates';
import {
  buildTestServer,
  gatedTemporal,
  INBOUND_DOMAIN,
  INBOUND_SECRET,
  inboundParseBody,
  inboxRows,
  postTwilio,
  recordSurveySms,
  seedRequest,
  sendgridEvent,
  sendgridEventKeys,
  settledInboxRows,
  signedSendGridEvents,
  startProbeWorker,
  TWILIO_TOKEN,
  unreachableTemporal,
  waitFor,
  type GatedTemporal,
  type ProbeWorker,
} from './webhookApp';

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
    expect(result.statusCode).toBe(200);
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
    const body = emailReplyBody(token);
    const { result, ms } = await timed(() =>
      app.inject({ method: 'POST', url: `/webhooks/sendgrid/inbound/${INBOUND_SECRET}`, headers: { 'content-type': body.contentType }, payload: body.payload }),
    );
    expect(result.statusCode).toBe(202);
    expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await inboxRows(pool, req.requestId)).toMatchObject([{ source: 'sendgrid-inbound', status: 'pending' }]);
  });
});

/** An email reply to a request's survey as Inbound Parse posts it. */
function emailReplyBody(replyToken: string, text = '5 thanks') {
  const fields = { to: `reply+${replyToken}@${INBOUND_DOMAIN}`, from: 'minji@mail.example.test', subject: 'Re: survey', text, headers: `Message-ID: <${randomBytes(6).toString('hex')}@mail.example.test>` };
  return inboundParseBody(fields);
}

describe('providers answered while Temporal hangs; the workflow gets each event once when Temporal answers', () => {
  let pool: Pool;
  let probe: ProbeWorker;
  let gate: GatedTemporal;
  let app: FastifyInstance;
  const eventKeys = sendgridEventKeys();
  // Far longer than any answer may take: an answer that waited for its signal could not be in time,
  // and the signal that hangs is still under way (not yet left to the relay) when Temporal answers.
  const SIGNAL_DEADLINE_MS = 15_000;

  beforeAll(async () => {
    pool = testPool();
    probe = await startProbeWorker(inject('temporalAddress'));
    gate = await gatedTemporal(inject('temporalAddress'));
    app = await buildTestServer(pool, gate.client, gate.connection, {
      signalTimeoutMs: SIGNAL_DEADLINE_MS,
      providers: { twilioAuthToken: TWILIO_TOKEN, sendgridInboundSecret: INBOUND_SECRET, sendgridEventPublicKey: eventKeys.publicKey, inboundEmailDomain: INBOUND_DOMAIN },
    });
  });
  afterAll(async () => {
    gate?.open();
    await app?.close();
    await gate?.close();
    await probe?.stop();
    await pool?.end();
  });

  /** The request's workflow (the probe) runs; the webhook server's Temporal then stops answering. */
  async function requestWithHungTemporal(options: Parameters<typeof seedRequest>[1] = {}) {
    const req = await seedRequest(pool, options);
    await probe.probe(req.requestId);
    gate.hold();
    return req;
  }

  /** What the provider sends, answered in time although the signal hangs. */
  async function answeredInTime<T>(send: () => Promise<T>): Promise<T> {
    const { result, ms } = await timed(send);
    expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    return result;
  }

  /** The one row of this kind is stored and pending; Temporal answers; the workflow has its signal, once. */
  async function signalledOnceTemporalAnswers(requestId: string, kind: string) {
    const stored = (await inboxRows(pool, requestId)).filter((r) => r.kind === kind);
    expect(stored).toMatchObject([{ status: 'pending' }]);
    expect(await probe.signals(requestId)).toEqual([]);
    gate.open();
    const settled = (await settledInboxRows(pool, requestId)).filter((r) => r.kind === kind);
    expect(settled).toMatchObject([{ id: stored[0]!.id, status: 'delivered' }]);
    const signals = await probe.waitForSignals(requestId, 1);
    expect(signals).toHaveLength(1);
    return { inboxId: Number(stored[0]!.id), signal: signals[0]! };
  }

  it('SendGrid Event Webhook: a bounced survey email is answered 200, then the delivery-failed signal', async () => {
    const req = await requestWithHungTemporal();
    const bounce = sendgridEvent(req.requestId, { event: 'bounce', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 user unknown' });
    const body = signedSendGridEvents([bounce], eventKeys.privateKey);
    for (const delivery of ['first', 'SendGrid retrying']) {
      const res = await answeredInTime(() => app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: body.headers, payload: body.payload }));
      expect(res.statusCode, delivery).toBe(200);
      expect(res.json()).toEqual({ received: 1, acted: 1 });
    }
    const { signal } = await signalledOnceTemporalAnswers(req.requestId, 'delivery-failed');
    expect(signal).toEqual({ signal: 'surveyDeliveryFailed', payload: { eventId: `sendgrid-event:${bounce.sg_event_id}`, channel: 'email', reason: 'email bounce: 550 5.1.1 user unknown' } });
  });

  it('SendGrid Inbound Parse: an email reply is answered 202 stored, then signalled', async () => {
    const req = await requestWithHungTemporal();
    const replyToken = await issueToken(pool, 'email-reply', req.requestId, req.customerId, new Date(Date.now() + 86_400_000));
    const body = emailReplyBody(replyToken, '4 good');
    for (const delivery of ['first', 'SendGrid retrying']) {
      const res = await answeredInTime(() =>
        app.inject({ method: 'POST', url: `/webhooks/sendgrid/inbound/${INBOUND_SECRET}`, headers: { 'content-type': body.contentType }, payload: body.payload }),
      );
      expect(res.statusCode, delivery).toBe(202);
      expect(res.json()).toMatchObject({ status: 'stored' });
    }
    const { inboxId, signal } = await signalledOnceTemporalAnswers(req.requestId, 'survey-reply');
    expect(signal).toEqual({ signal: 'surveyReply', payload: { eventId: expect.stringMatching(/^sendgrid-inbound:</), channel: 'email', inboxId, rating: 4, at: expect.any(String) } });
  });

  it('Twilio survey call: a keypad rating is answered with the thanks, then the call-outcome signal', async () => {
    const req = await requestWithHungTemporal({ language: 'en' });
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    await pool.query('INSERT INTO call_attempts (call_sid, request_id) VALUES ($1, $2)', [callSid, req.requestId]);
    const params = { CallSid: callSid, AccountSid: 'ACtest', Digits: '5', CallStatus: 'in-progress', Direction: 'outbound-api' };
    for (const delivery of ['first', 'Twilio retrying']) {
      const res = await answeredInTime(() => postTwilio(app, '/webhooks/twilio/voice/gather', params));
      expect(res.statusCode, delivery).toBe(200);
      expect(res.body).toContain(`${render('en', 'ivrThanks', {})}</Say><Hangup/>`);
    }
    const { signal } = await signalledOnceTemporalAnswers(req.requestId, 'call-outcome');
    expect(signal).toEqual({ signal: 'callOutcome', payload: { eventId: `twilio-voice:${callSid}:gather`, callSid, outcome: 'answered', rating: 5, at: expect.any(String) } });
  });

  it('Twilio survey call: the call status is answered 204, then the call-outcome signal', async () => {
    const req = await requestWithHungTemporal();
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    // The signed callback URL names the request (the call's row may not be written yet).
    const path = `/webhooks/twilio/voice/status?requestId=${req.requestId}`;
    for (const delivery of ['first', 'Twilio retrying']) {
      const res = await answeredInTime(() => postTwilio(app, path, { CallSid: callSid, AccountSid: 'ACtest', CallStatus: 'no-answer', Direction: 'outbound-api' }));
      expect(res.statusCode, delivery).toBe(204);
    }
    const { signal } = await signalledOnceTemporalAnswers(req.requestId, 'call-outcome');
    expect(signal).toEqual({ signal: 'callOutcome', payload: { eventId: `twilio-voice:${callSid}:status`, callSid, outcome: 'no_answer', at: expect.any(String) } });
  });

  it("the customer's call to the centre: a keypad rating is answered with the message prompt, then the survey-reply signal", async () => {
    const req = await requestWithHungTemporal();
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const step = { AccountSid: 'ACtest', CallSid: callSid, From: req.mobile, To: '+82215880002', CallStatus: 'in-progress', Direction: 'inbound', Digits: '3' };
    for (const delivery of ['first', 'Twilio retrying']) {
      const res = await answeredInTime(() => postTwilio(app, `${INBOUND_CALL_PATH}/menu?requestId=${req.requestId}&attempt=1`, step));
      expect(res.statusCode, delivery).toBe(200);
      expect(res.body).toContain('<Record');
    }
    const { inboxId, signal } = await signalledOnceTemporalAnswers(req.requestId, 'survey-reply');
    expect(signal).toEqual({ signal: 'surveyReply', payload: { eventId: `twilio-voice-inbound:${callSid}:rating`, channel: 'voice', inboxId, rating: 3, at: expect.any(String) } });
  });

  it("the customer's call to the centre: a message alone is answered with the thanks, then the survey-reply signal", async () => {
    const req = await requestWithHungTemporal({ language: 'en' });
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const recordingSid = `RE${randomBytes(16).toString('hex')}`;
    const step = {
      AccountSid: 'ACtest', CallSid: callSid, From: req.mobile, To: '+82215880002', CallStatus: 'in-progress', Direction: 'inbound',
      RecordingSid: recordingSid, RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/${recordingSid}`, RecordingDuration: '9', Digits: '#',
    };
    for (const delivery of ['first', 'Twilio retrying']) {
      const res = await answeredInTime(() => postTwilio(app, `${INBOUND_CALL_PATH}/recording?requestId=${req.requestId}`, step));
      expect(res.statusCode, delivery).toBe(200);
      expect(res.body).toContain(`${render('en', 'ivrInboundMessageThanks', {})}</Say><Hangup/>`);
    }
    const { inboxId, signal } = await signalledOnceTemporalAnswers(req.requestId, 'survey-reply');
    expect(signal).toEqual({ signal: 'surveyReply', payload: { eventId: `twilio-voice-inbound:${callSid}:message`, channel: 'voice', inboxId, at: expect.any(String) } });
  });

  it('the choice page: the update is not accepted in time, the page says the choice is being booked, then the technicianChosen signal', async () => {
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1 });
    const { requestId, customerId } = await createRequest(pool, net);
    const [candidate] = await createAssignmentActivities(activityDeps(pool)).findTechnicianCandidates({ requestId });
    const token = await issueToken(pool, 'choice', requestId, customerId, new Date(Date.now() + 3_600_000));
    // A probe without an update handler: only the signal that follows the page can reach it.
    await probe.probe(requestId);
    gate.hold();
    const res = await answeredInTime(() =>
      app.inject({ method: 'POST', url: `/choose/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `technicianId=${candidate!.technicianId}` }),
    );
    expect(res.statusCode).toBe(202);
    const { signal } = await signalledOnceTemporalAnswers(requestId, 'technician-chosen');
    expect(signal).toEqual({ signal: 'technicianChosen', payload: { eventId: `choice:${hashToken(token)}`, technicianId: candidate!.technicianId } });
  });

  it('the web survey form: the customer is thanked once the answer is stored, then the survey-reply signal', async () => {
    const req = await requestWithHungTemporal({ language: 'en' });
    const token = await issueToken(pool, 'survey', req.requestId, req.customerId, new Date(Date.now() + 86_400_000));
    const post = () => app.inject({ method: 'POST', url: `/survey/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'overall=4&comment=on+time' });
    const res = await answeredInTime(post);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(text('en', 'thanks'));
    expect((await post()).statusCode).toBe(409); // the link is single-use: sent again, nothing more is stored
    const { inboxId, signal } = await signalledOnceTemporalAnswers(req.requestId, 'survey-reply');
    expect(signal).toEqual({ signal: 'surveyReply', payload: { eventId: expect.stringMatching(/^web-form:/), channel: 'web', inboxId, rating: 4, at: expect.any(String) } });
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
