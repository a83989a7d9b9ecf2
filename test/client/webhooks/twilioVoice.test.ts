import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { render } from '../../../domain/messageTemplates';
import type { Pool } from '../../../db/pool';
import { TWILIO_CONNECTION_OVERRIDES, twilioCallbackUrl } from '../../../providers/twilioCallbackUrl';
import { twilioSignatureFor } from '../../../providers/twilioSignature';
import { inboxRows, postTwilio, PUBLIC_BASE_URL, seedRequest, settledInboxRows, TWILIO_TOKEN, type ProbeWorker, probedWebhookApp } from './webhookApp';

describe('Twilio voice webhooks', () => {
  let pool: Pool;
  let probe: ProbeWorker;
  let app: FastifyInstance;
  probedWebhookApp((built) => ({ pool, probe, app } = built));

  async function surveyCall(language: 'ko' | 'en' = 'ko') {
    const req = await seedRequest(pool, { language });
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    await pool.query('INSERT INTO call_attempts (call_sid, request_id) VALUES ($1, $2)', [callSid, req.requestId]);
    await probe.probe(req.requestId);
    return { ...req, callSid };
  }
  const callParams = (callSid: string, extra: Record<string, string>) => ({ CallSid: callSid, AccountSid: 'ACtest', From: '+82215880001', To: '+821012345678', Direction: 'outbound-api', ApiVersion: '2010-04-01', ...extra });

  it('a keypad rating is the answered outcome, once, and the caller hears thanks in their language', async () => {
    const call = await surveyCall('en');
    const params = callParams(call.callSid, { Digits: '5', CallStatus: 'in-progress', FinishedOnKey: '' });
    const res = await postTwilio(app, '/webhooks/twilio/voice/gather', params);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<Say language="en-US">${render('en', 'ivrThanks', {})}</Say><Hangup/>`);
    await postTwilio(app, '/webhooks/twilio/voice/gather', params); // Twilio retrying
    // The call then ends; its final status must not override the answer.
    const done = await postTwilio(app, '/webhooks/twilio/voice/status', callParams(call.callSid, { CallStatus: 'completed', CallDuration: '31' }));
    expect(done.statusCode).toBe(204);

    // Signalled after the answer: once the row is passed on, the workflow has exactly one outcome.
    expect(await settledInboxRows(pool, call.requestId)).toMatchObject([{ kind: 'call-outcome', status: 'delivered' }]);
    const signals = await probe.waitForSignals(call.requestId, 1);
    expect(signals).toEqual([{ signal: 'callOutcome', payload: { eventId: `twilio-voice:${call.callSid}:gather`, callSid: call.callSid, outcome: 'answered', rating: 5, at: expect.any(String) } }]);
    const { rows } = await pool.query('SELECT outcome, rating FROM call_attempts WHERE call_sid = $1', [call.callSid]);
    expect(rows).toEqual([{ outcome: 'answered', rating: 5 }]);
    expect(await inboxRows(pool, call.requestId)).toHaveLength(1);
  });

  it('0 asks for a call back; another key asks again without deciding anything', async () => {
    const call = await surveyCall('ko');
    const again = await postTwilio(app, '/webhooks/twilio/voice/gather', callParams(call.callSid, { Digits: '9' }));
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('<Gather');
    expect(again.body).toContain('language="ko-KR"');
    expect(await inboxRows(pool, call.requestId)).toHaveLength(0);
    const res = await postTwilio(app, '/webhooks/twilio/voice/gather', callParams(call.callSid, { Digits: '0' }));
    expect(res.body).toContain(render('ko', 'ivrCallback', {}));
    const signals = await probe.waitForSignals(call.requestId, 1);
    expect(signals[0]!.payload).toMatchObject({ outcome: 'callback_requested', callSid: call.callSid });
    expect(signals[0]!.payload.rating).toBeUndefined();
  });

  it.each([
    [{ CallStatus: 'busy' }, 'busy'],
    [{ CallStatus: 'no-answer' }, 'no_answer'],
    [{ CallStatus: 'failed' }, 'failed'],
    [{ CallStatus: 'completed' }, 'refused'],
    [{ CallStatus: 'completed', AnsweredBy: 'machine_end_beep' }, 'machine'],
  ])('status %j is the %s outcome', async (extra, outcome) => {
    const call = await surveyCall();
    const res = await postTwilio(app, '/webhooks/twilio/voice/status', callParams(call.callSid, extra as Record<string, string>));
    expect(res.statusCode).toBe(204);
    const signals = await probe.waitForSignals(call.requestId, 1);
    expect(signals[0]).toMatchObject({ signal: 'callOutcome', payload: { outcome, callSid: call.callSid } });
  });

  it('ignores progress statuses and a human verdict', async () => {
    const call = await surveyCall();
    for (const extra of [{ CallStatus: 'ringing' }, { CallStatus: 'in-progress' }, { AnsweredBy: 'human' }] as Record<string, string>[]) {
      expect((await postTwilio(app, '/webhooks/twilio/voice/status', callParams(call.callSid, extra))).statusCode).toBe(204);
    }
    expect(await inboxRows(pool, call.requestId)).toHaveLength(0);
  });

  it('refuses unsigned or wrongly signed callbacks and unknown calls', async () => {
    const call = await surveyCall();
    const params = callParams(call.callSid, { Digits: '3' });
    expect((await postTwilio(app, '/webhooks/twilio/voice/gather', params, 'unsigned')).statusCode).toBe(401);
    expect((await postTwilio(app, '/webhooks/twilio/voice/gather', params, 'wrong')).statusCode).toBe(403);
    expect((await postTwilio(app, '/webhooks/twilio/voice/status', { ...params, CallStatus: 'busy' }, 'wrong')).statusCode).toBe(403);
    const { rows } = await pool.query('SELECT outcome FROM call_attempts WHERE call_sid = $1', [call.callSid]);
    expect(rows).toEqual([{ outcome: null }]);
    expect(await inboxRows(pool, call.requestId)).toHaveLength(0);
    const unknown = await postTwilio(app, '/webhooks/twilio/voice/gather', callParams('CAunknown', { Digits: '3' }));
    expect(unknown.statusCode).toBe(404);
  });

  it('a status callback that arrives before the call is recorded finds its request through the signed URL', async () => {
    const req = await seedRequest(pool);
    await probe.probe(req.requestId);
    const callSid = `CA${randomBytes(16).toString('hex')}`; // no call_attempts row yet: placeSurveyCall has not returned
    const res = await postTwilio(app, `/webhooks/twilio/voice/status?requestId=${req.requestId}`, callParams(callSid, { CallStatus: 'no-answer' }));
    expect(res.statusCode).toBe(204);
    const signals = await probe.waitForSignals(req.requestId, 1);
    expect(signals[0]).toMatchObject({ signal: 'callOutcome', payload: { outcome: 'no_answer', callSid } });
    expect((await pool.query('SELECT request_id, outcome FROM call_attempts WHERE call_sid = $1', [callSid])).rows).toEqual([{ request_id: req.requestId, outcome: 'no_answer' }]);
    // The activity's own insert afterwards changes nothing.
    await pool.query('INSERT INTO call_attempts (call_sid, request_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [callSid, req.requestId]);
    expect((await pool.query('SELECT outcome FROM call_attempts WHERE call_sid = $1', [callSid])).rows).toEqual([{ outcome: 'no_answer' }]);
  });

  it('an asynchronous machine verdict decides nothing until the call ends: then it is the machine outcome', async () => {
    const call = await surveyCall();
    // The asynchronous AMD callback carries the verdict without a call status.
    const amd = await postTwilio(app, '/webhooks/twilio/voice/status', { CallSid: call.callSid, AccountSid: 'ACtest', AnsweredBy: 'machine_end_beep', MachineDetectionDuration: '4120' });
    expect(amd.statusCode).toBe(204);
    expect(await inboxRows(pool, call.requestId)).toHaveLength(0);
    await postTwilio(app, '/webhooks/twilio/voice/status', callParams(call.callSid, { CallStatus: 'completed', CallDuration: '27' }));
    const signals = await probe.waitForSignals(call.requestId, 1);
    expect(signals[0]).toMatchObject({ signal: 'callOutcome', payload: { eventId: `twilio-voice:${call.callSid}:status`, outcome: 'machine' } });
  });

  it('a keypad rating after an answering-machine verdict is the answer, stored and signalled', async () => {
    const call = await surveyCall('en');
    const amd = await postTwilio(app, '/webhooks/twilio/voice/status', { CallSid: call.callSid, AccountSid: 'ACtest', AnsweredBy: 'machine_start', MachineDetectionDuration: '2310' });
    expect(amd.statusCode).toBe(204);
    const gather = await postTwilio(app, '/webhooks/twilio/voice/gather', callParams(call.callSid, { Digits: '4', CallStatus: 'in-progress' }));
    expect(gather.body).toContain(render('en', 'ivrThanks', {}));
    // The call's end afterwards does not undo the answer.
    await postTwilio(app, '/webhooks/twilio/voice/status', callParams(call.callSid, { CallStatus: 'completed' }));
    expect(await settledInboxRows(pool, call.requestId)).toMatchObject([{ kind: 'call-outcome', status: 'delivered' }]);
    const signals = await probe.waitForSignals(call.requestId, 1);
    expect(signals).toEqual([{ signal: 'callOutcome', payload: { eventId: `twilio-voice:${call.callSid}:gather`, callSid: call.callSid, outcome: 'answered', rating: 4, at: expect.any(String) } }]);
    expect((await pool.query('SELECT outcome, rating, answered_by FROM call_attempts WHERE call_sid = $1', [call.callSid])).rows).toEqual([{ outcome: 'answered', rating: 4, answered_by: 'machine_start' }]);
    expect(await inboxRows(pool, call.requestId)).toHaveLength(1);
  });

  it('accepts callbacks signed (by the Twilio SDK) over the URL as we gave it, connection overrides included, and asks again with them', async () => {
    const call = await surveyCall('ko');
    const given = twilioCallbackUrl(PUBLIC_BASE_URL, '/webhooks/twilio/voice/gather', { requestId: call.requestId });
    expect(given).toBe(`${PUBLIC_BASE_URL}/webhooks/twilio/voice/gather?requestId=${call.requestId}#${TWILIO_CONNECTION_OVERRIDES}`);
    expect(TWILIO_CONNECTION_OVERRIDES).toMatch(/(^|&)rp=[^&]*5xx/);
    const params = callParams(call.callSid, { Digits: '7' });
    const path = `/webhooks/twilio/voice/gather?requestId=${call.requestId}`;
    for (const signedUrl of [given, given.split('#')[0]!]) {
      const res = await app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignatureFor(TWILIO_TOKEN, signedUrl, params) },
        payload: new URLSearchParams(params).toString(),
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`action="${given.replace(/&/g, '&amp;')}"`);
    }
  });
});
