import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createContactActivities } from '../../../activities/contact';
import { createSurveyActivities } from '../../../activities/survey';
import { render } from '../../../domain/messageTemplates';
import type { Pool } from '../../../db/pool';
import { ensureReplyCode } from '../../../db/queries/replyCodes';
import { storeSurveyReply } from '../../../db/queries/surveyReplies';
import { testPool } from '../../support/db';
import { activityDeps } from '../../activities/assignmentFixtures';
import { buildTestServer, inboxRows, postTwilio, PUBLIC_BASE_URL, seedAnotherRequest, seedRequest, settledInboxRows, unreachableTemporal, type ProbeWorker, type SeededRequest, probedWebhookApp } from './webhookApp';

const INCOMING = '/webhooks/twilio/voice/incoming';
const hex = (n: number) => randomBytes(n).toString('hex');

/** The URL a TwiML verb sends Twilio to next (action, or a <Redirect>), as the path Twilio will post to. */
function next(twiml: string, verb: 'Gather' | 'Record' | 'Redirect' | 'recordingStatusCallback'): string {
  const pattern =
    verb === 'Redirect' ? /<Redirect[^>]*>([^<]+)<\/Redirect>/ : verb === 'recordingStatusCallback' ? /recordingStatusCallback="([^"]+)"/ : new RegExp(`<${verb}[^>]* action="([^"]+)"`);
  const found = pattern.exec(twiml)?.[1];
  if (!found) throw new Error(`no ${verb} URL in ${twiml}`);
  const url = found.replace(/&amp;/g, '&').split('#')[0]!;
  expect(url.startsWith(PUBLIC_BASE_URL)).toBe(true);
  return url.slice(PUBLIC_BASE_URL.length);
}

describe('Twilio voice webhooks: the customer calls the centre back', () => {
  let pool: Pool;
  let probe: ProbeWorker;
  let app: FastifyInstance;
  probedWebhookApp((built) => ({ pool, probe, app } = built));

  /** The centre's own line, unique to this test's centre. */
  async function centreLine(req: SeededRequest): Promise<string> {
    const line = `+82215${String(100_000 + Math.floor(Math.random() * 899_999))}`;
    await pool.query('UPDATE service_centres SET reply_phone = $2 WHERE id = $1', [req.centreId, line]);
    return line;
  }
  /** Twilio's parameters for an inbound call, as it posts them on every step of the call. */
  const callFrom = (from: string, to: string) => {
    const callSid = `CA${hex(16)}`;
    const base = { AccountSid: 'ACtest', ApiVersion: '2010-04-01', CallSid: callSid, CallStatus: 'ringing', Direction: 'inbound', From: from, Caller: from, To: to, Called: to, FromCountry: 'KR', ToCountry: 'KR' };
    return { callSid, base, step: (extra: Record<string, string> = {}) => ({ ...base, CallStatus: 'in-progress', ...extra }) };
  };
  const recordingParams = (sid: string) => ({ RecordingSid: sid, RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/${sid}`, RecordingDuration: '12', Digits: '#' });
  const stepRows = async (callSid: string) =>
    (await pool.query(`SELECT event_id, kind, status, request_id FROM inbox WHERE source = 'twilio-voice-inbound' AND event_id LIKE $1 ORDER BY id`, [`${callSid}:%`])).rows;

  it('a known caller hears the menu in their language, rates by keypad, leaves a message: one reply, signalled, with its recording', async () => {
    const req = await seedRequest(pool, { language: 'ko' });
    const line = await centreLine(req);
    await probe.probe(req.requestId);
    const call = callFrom(req.mobile, line);

    const incoming = await postTwilio(app, INCOMING, call.base);
    expect(incoming.statusCode).toBe(200);
    expect(incoming.headers['content-type']).toContain('text/xml');
    expect(incoming.body).toContain(`<Say language="ko-KR">${render('ko', 'ivrInboundMenu', { centre: 'Gangnam Service Centre' })}</Say>`);
    expect(incoming.body).toContain('numDigits="1"');

    const menuPath = next(incoming.body, 'Gather');
    const rated = await postTwilio(app, menuPath, call.step({ Digits: '4', FinishedOnKey: '' }));
    expect(rated.statusCode).toBe(200);
    expect(rated.body).toContain('<Record');
    await postTwilio(app, menuPath, call.step({ Digits: '4', FinishedOnKey: '' })); // Twilio retrying
    // The workflow may store the reply before the message is recorded: the recording joins it there too.
    const ratingRow = (await inboxRows(pool, req.requestId)).find((r) => r.kind === 'survey-reply')!;
    await storeSurveyReply(pool, req.requestId, { eventId: `twilio-voice-inbound:${call.callSid}:rating`, channel: 'voice', inboxId: Number(ratingRow.id), rating: 4, receivedAt: new Date().toISOString() }, false);

    const recordingSid = `RE${hex(16)}`;
    const recorded = await postTwilio(app, next(rated.body, 'Record'), call.step(recordingParams(recordingSid)));
    expect(recorded.statusCode).toBe(200);
    expect(recorded.body).toContain(`${render('ko', 'ivrInboundMessageThanks', {})}</Say><Hangup/>`);
    const status = await postTwilio(app, next(rated.body, 'recordingStatusCallback'), {
      AccountSid: 'ACtest', CallSid: call.callSid, RecordingSid: recordingSid, RecordingUrl: recordingParams(recordingSid).RecordingUrl,
      RecordingStatus: 'completed', RecordingDuration: '12', RecordingChannels: '1', RecordingSource: 'RecordVerb', RecordingStartTime: new Date().toUTCString(),
    });
    expect(status.statusCode).toBe(204);

    // The rating is signalled after Twilio's answer: once passed on, the workflow has it exactly once.
    const replies = (await settledInboxRows(pool, req.requestId)).filter((r) => r.kind === 'survey-reply');
    const signals = await probe.waitForSignals(req.requestId, 1);
    expect(signals).toEqual([{ signal: 'surveyReply', payload: { eventId: `twilio-voice-inbound:${call.callSid}:rating`, channel: 'voice', inboxId: expect.any(Number), rating: 4, at: expect.any(String) } }]);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ status: 'delivered', payload: { rating: 4, recording: { sid: recordingSid, durationSeconds: 12, status: 'completed' } } });
    expect(await stepRows(call.callSid)).toEqual([
      { event_id: `${call.callSid}:incoming`, kind: 'call-step', status: 'recorded', request_id: req.requestId },
      { event_id: `${call.callSid}:rating`, kind: 'survey-reply', status: 'delivered', request_id: req.requestId },
      { event_id: `${call.callSid}:recording:${recordingSid}`, kind: 'call-step', status: 'recorded', request_id: req.requestId },
    ]);
    const statusRow = await pool.query(`SELECT status FROM inbox WHERE source = 'twilio-voice-inbound' AND event_id = $1`, [`${recordingSid}:completed`]);
    expect(statusRow.rows).toEqual([{ status: 'recorded' }]);
    const stored = await pool.query('SELECT channel, rating, recording FROM survey_replies WHERE request_id = $1', [req.requestId]);
    expect(stored.rows).toEqual([{ channel: 'voice', rating: 4, recording: expect.objectContaining({ sid: recordingSid, status: 'completed' }) }]);
    // The classifier cannot hear: the message gets a listener, though the rating alone was clear.
    const review = await pool.query(`SELECT kind, summary FROM agent_tasks WHERE request_id = $1`, [req.requestId]);
    expect(review.rows).toEqual([{ kind: 'review_classification', summary: expect.stringContaining(`(spoken message: ${recordingParams(recordingSid).RecordingUrl})`) }]);
  });

  it('a message alone (8) is the reply, stored with its recording reference', async () => {
    const req = await seedRequest(pool, { language: 'en' });
    const line = await centreLine(req);
    await probe.probe(req.requestId);
    const call = callFrom(req.mobile, line);
    const incoming = await postTwilio(app, INCOMING, call.base);
    expect(incoming.body).toContain('<Say language="en-US">');
    const chose = await postTwilio(app, next(incoming.body, 'Gather'), call.step({ Digits: '8' }));
    expect(chose.body).toContain(`${render('en', 'ivrInboundRecord', {})}</Say><Record`);
    const recordingSid = `RE${hex(16)}`;
    expect((await postTwilio(app, next(chose.body, 'Record'), call.step(recordingParams(recordingSid)))).statusCode).toBe(200);

    const replies = (await settledInboxRows(pool, req.requestId)).filter((r) => r.kind === 'survey-reply');
    const signals = await probe.waitForSignals(req.requestId, 1);
    expect(signals).toMatchObject([{ signal: 'surveyReply', payload: { eventId: `twilio-voice-inbound:${call.callSid}:message`, channel: 'voice' } }]);
    expect(signals[0]!.payload).not.toHaveProperty('rating');
    expect(replies).toMatchObject([{ status: 'delivered', payload: { recording: { sid: recordingSid, url: recordingParams(recordingSid).RecordingUrl } } }]);
    // Stored as the reply (the workflow's store step), the recording reference goes with it.
    await storeSurveyReply(pool, req.requestId, { eventId: `twilio-voice-inbound:${call.callSid}:message`, channel: 'voice', inboxId: Number(replies[0]!.id), receivedAt: new Date().toISOString() }, false);
    const stored = await pool.query('SELECT channel, rating, recording FROM survey_replies WHERE request_id = $1', [req.requestId]);
    expect(stored.rows).toEqual([{ channel: 'voice', rating: null, recording: { sid: recordingSid, url: recordingParams(recordingSid).RecordingUrl, durationSeconds: 12 } }]);
    const review = await pool.query(`SELECT kind, summary FROM agent_tasks WHERE request_id = $1`, [req.requestId]);
    expect(review.rows).toEqual([{ kind: 'review_classification', summary: expect.stringContaining(`(spoken message: ${recordingParams(recordingSid).RecordingUrl})`) }]);
  });

  it('0 opens a call-back task for the agent; 9 is a voice opt-out the survey call honours', async () => {
    const req = await seedRequest(pool, { language: 'ko' });
    const line = await centreLine(req);
    const first = callFrom(req.mobile, line);
    const menu = next((await postTwilio(app, INCOMING, first.base)).body, 'Gather');
    const callback = await postTwilio(app, menu, first.step({ Digits: '0' }));
    expect(callback.body).toContain(`${render('ko', 'ivrCallback', {})}</Say><Hangup/>`);
    const tasks = await pool.query(`SELECT kind, service_centre_id, inbox_id IS NOT NULL AS about_the_call FROM agent_tasks WHERE request_id = $1`, [req.requestId]);
    expect(tasks.rows).toEqual([{ kind: 'callback', service_centre_id: req.centreId, about_the_call: true }]);

    const { contactOptions } = createContactActivities(activityDeps(pool));
    expect((await contactOptions({ requestId: req.requestId })).voice).toBe(true);
    const second = callFrom(req.mobile, line);
    const menu2 = next((await postTwilio(app, INCOMING, second.base)).body, 'Gather');
    const optOut = await postTwilio(app, menu2, second.step({ Digits: '9' }));
    expect(optOut.body).toContain(`${render('ko', 'ivrInboundNoCalls', {})}</Say><Hangup/>`);
    const consent = await pool.query(`SELECT channel FROM contact_opt_outs WHERE customer_id = $1`, [req.customerId]);
    expect(consent.rows).toEqual([{ channel: 'voice' }]);
    // The phone stage skips the call; SMS and email stay open.
    expect(await contactOptions({ requestId: req.requestId })).toMatchObject({ voice: false, sms: true, email: true });
    // An opt-out that lands while the phone stage waits for contact hours: the call is never placed.
    await expect(createSurveyActivities(activityDeps(pool)).placeSurveyCall({ requestId: req.requestId, attempt: 1 })).rejects.toThrow(/no consent for calls/);
    expect((await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE request_id = $1 AND channel = 'voice'`, [req.requestId])).rows[0].n).toBe(0);
    expect(await stepRows(second.callSid)).toEqual([
      expect.objectContaining({ event_id: `${second.callSid}:incoming`, status: 'recorded' }),
      expect.objectContaining({ event_id: `${second.callSid}:no-calls`, status: 'recorded' }),
    ]);
  });

  it('a caller with several open requests keys the reply code; an unknown number with a valid code reaches its request', async () => {
    const req = await seedRequest(pool, { language: 'en' });
    const other = await seedAnotherRequest(pool, req);
    const line = await centreLine(req);
    await probe.probe(other.requestId);
    const code = await ensureReplyCode(pool, other.requestId);

    const known = callFrom(req.mobile, line);
    const asked = await postTwilio(app, INCOMING, known.base);
    expect(asked.body).toContain(`<Say language="en-US">${render('en', 'ivrInboundAskCode', { centre: 'Gangnam Service Centre' })}</Say>`);
    expect(asked.body).toContain('finishOnKey="#"');
    const menu = await postTwilio(app, next(asked.body, 'Gather'), known.step({ Digits: code }));
    expect(menu.body).toContain(render('en', 'ivrInboundMenu', { centre: 'Gangnam Service Centre' }));
    await postTwilio(app, next(menu.body, 'Gather'), known.step({ Digits: '5' }));
    expect((await probe.waitForSignals(other.requestId, 1))[0]).toMatchObject({ signal: 'surveyReply', payload: { channel: 'voice', rating: 5 } });

    const stranger = callFrom('+14155550123', line);
    const bilingual = await postTwilio(app, INCOMING, stranger.base);
    expect(bilingual.body).toContain('<Say language="ko-KR">');
    expect(bilingual.body).toContain('<Say language="en-US">');
    const strangerMenu = await postTwilio(app, next(bilingual.body, 'Gather'), stranger.step({ Digits: `${code}` }));
    expect(strangerMenu.body).toContain('numDigits="1"');
    expect(next(strangerMenu.body, 'Gather')).toContain(`requestId=${other.requestId}`);
  });

  it('an unknown number without a valid code is asked twice, then kept for a person (agent task of the called centre)', async () => {
    const req = await seedRequest(pool);
    const line = await centreLine(req);
    const stranger = callFrom('+821099990000', line);
    const asked = await postTwilio(app, INCOMING, stranger.base);
    const again = await postTwilio(app, next(asked.body, 'Gather'), stranger.step({ Digits: '000000' }));
    expect(again.body).toContain(render('ko', 'ivrInboundCodeAgain', {}));
    // Silence: Twilio follows the <Redirect> after the <Gather>, without Digits.
    const gaveUp = await postTwilio(app, next(again.body, 'Redirect'), stranger.step());
    expect(gaveUp.body).toContain(`${render('ko', 'ivrInboundForAPerson', {})}</Say><Hangup/>`);

    const rows = await stepRows(stranger.callSid);
    expect(rows.map((r) => [r.event_id.slice(stranger.callSid.length + 1), r.status, r.request_id])).toEqual([
      ['incoming', 'recorded', null],
      ['code:1', 'recorded', null],
      ['code:2', 'recorded', null],
    ]);
    const tasks = await pool.query(
      `SELECT t.kind, t.request_id, t.service_centre_id, i.payload->'raw'->>'From' AS caller FROM agent_tasks t JOIN inbox i ON i.id = t.inbox_id WHERE i.event_id = $1`,
      [`${stranger.callSid}:code:2`],
    );
    expect(tasks.rows).toEqual([{ kind: 'unknown_caller', request_id: null, service_centre_id: req.centreId, caller: '+821099990000' }]);
  });

  it('refuses unsigned or wrongly signed calls and stores nothing', async () => {
    const call = callFrom('+821099990001', '+82215880002');
    expect((await postTwilio(app, INCOMING, call.base, 'unsigned')).statusCode).toBe(401);
    expect((await postTwilio(app, INCOMING, call.base, 'wrong')).statusCode).toBe(403);
    expect(await stepRows(call.callSid)).toEqual([]);
    const noSid = await postTwilio(app, INCOMING, { From: '+821099990001', To: '+82215880002' });
    expect(noSid.statusCode).toBe(400);
  });
});

describe('the customer calls back while Temporal hangs', () => {
  it('the rating is stored (pending, for the relay) and the caller answered within 2 s', async () => {
    const pool = testPool();
    const temporal = await unreachableTemporal('hung');
    const app = await buildTestServer(pool, temporal.client, temporal.connection, { signalTimeoutMs: undefined });
    try {
      const req = await seedRequest(pool);
      const callSid = `CA${hex(16)}`;
      const params = { AccountSid: 'ACtest', CallSid: callSid, From: req.mobile, To: '+82215880002', CallStatus: 'in-progress', Direction: 'inbound' };
      const incoming = await postTwilio(app, INCOMING, params);
      const started = Date.now();
      const rated = await postTwilio(app, next(incoming.body, 'Gather'), { ...params, Digits: '3' });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(rated.statusCode).toBe(200);
      expect(rated.body).toContain('<Record');
      expect((await inboxRows(pool, req.requestId)).filter((r) => r.kind === 'survey-reply')).toMatchObject([{ status: 'pending', payload: { rating: 3 } }]);
    } finally {
      await app.close();
      await temporal.close();
      await pool.end();
    }
  });
});
