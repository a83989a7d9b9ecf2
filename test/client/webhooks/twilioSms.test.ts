import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { grantOptIn, optInsOf } from '../../../db/queries/consent';
import { render } from '../../../domain/messageTemplates';
import type { Pool } from '../../../db/pool';
import { ensureReplyCode } from '../../../db/queries/replyCodes';
import { inboxRows, postTwilio, recordSurveySms, seedAnotherRequest, seedRequest, settledInboxRows, type ProbeWorker, probedWebhookApp } from './webhookApp';

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

describe('Twilio SMS webhooks', () => {
  let pool: Pool;
  let probe: ProbeWorker;
  let app: FastifyInstance;
  probedWebhookApp((built) => ({ pool, probe, app } = built));

  const inbound = (from: string, body: string, messageSid = sid('SM')) => ({
    MessageSid: messageSid, SmsMessageSid: messageSid, AccountSid: 'ACtest', From: from, To: '+82215880001', Body: body, NumMedia: '0', NumSegments: '1', SmsStatus: 'received', ApiVersion: '2010-04-01',
  });

  it('turns a signed reply into one survey-reply signal, even when Twilio retries it', async () => {
    const req = await seedRequest(pool);
    await recordSurveySms(pool, req.requestId, req.mobile);
    await probe.probe(req.requestId);
    const params = inbound(req.mobile, '4점 친절했어요');
    const first = await postTwilio(app, '/webhooks/twilio/sms', params);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('text/xml');
    expect(first.body).toContain('<Response');
    const retry = await postTwilio(app, '/webhooks/twilio/sms', params);
    expect(retry.statusCode).toBe(200);

    const rows = await settledInboxRows(pool, req.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'twilio-sms', event_id: params.MessageSid, kind: 'survey-reply', status: 'delivered' });
    expect(rows[0]!.payload).toMatchObject({ text: '4점 친절했어요', rating: 4, raw: { From: req.mobile, MessageSid: params.MessageSid } });
    const signals = await probe.waitForSignals(req.requestId, 1);
    expect(signals[0]).toEqual({ signal: 'surveyReply', payload: { eventId: `twilio-sms:${params.MessageSid}`, channel: 'sms', inboxId: Number(rows[0]!.id), rating: 4, at: expect.any(String) } });
    // No free text in the signal: it stays in PostgreSQL.
    expect(JSON.stringify(signals)).not.toContain('친절');
  });

  it('rejects unsigned and wrongly signed requests and stores nothing', async () => {
    const req = await seedRequest(pool);
    await recordSurveySms(pool, req.requestId, req.mobile);
    const unsigned = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, '5'), 'unsigned');
    expect(unsigned.statusCode).toBe(401);
    const wrong = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, '5'), 'wrong');
    expect(wrong.statusCode).toBe(403);
    // Signed for the local URL instead of the public one: also wrong.
    const params = inbound(req.mobile, '5');
    const { twilioSignature, TWILIO_TOKEN } = await import('./webhookApp');
    const local = await app.inject({
      method: 'POST', url: '/webhooks/twilio/sms',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TWILIO_TOKEN, 'http://localhost:3000/webhooks/twilio/sms', params) },
      payload: new URLSearchParams(params).toString(),
    });
    expect(local.statusCode).toBe(403);
    expect(await inboxRows(pool, req.requestId)).toHaveLength(0);
  });

  it('STOP and 수신거부 opt out, START opts back in, HELP answers; none is a reply', async () => {
    const req = await seedRequest(pool, { language: 'ko' });
    await recordSurveySms(pool, req.requestId, req.mobile);
    const optOuts = async () => (await pool.query(`SELECT reason FROM contact_opt_outs WHERE customer_id = $1 AND channel = 'sms'`, [req.customerId])).rows;

    const stop = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, 'STOP'));
    expect(stop.statusCode).toBe(200);
    expect(stop.body).not.toContain('<Message>'); // Twilio confirms its own keywords
    expect(await optOuts()).toHaveLength(1);

    const start = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, 'start'));
    expect(start.statusCode).toBe(200);
    expect(await optOuts()).toHaveLength(0);

    const korean = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, ' 수신거부 '));
    expect(korean.body).toContain(`<Message>${render('ko', 'smsStopped', {})}</Message>`);
    expect(await optOuts()).toEqual([{ reason: 'sms keyword 수신거부' }]);

    const help = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, 'HELP'));
    expect(help.body).toContain('+82215880002');
    expect(await inboxRows(pool, req.requestId)).toHaveLength(0);
  });

  it('광고거부 and STOP ADS refuse advertisements only; STOP refuses SMS and advertisements both', async () => {
    const req = await seedRequest(pool, { language: 'ko' });
    await recordSurveySms(pool, req.requestId, req.mobile);
    const state = async () => ({
      optIns: await optInsOf(pool, req.customerId),
      smsOptOut: (await pool.query(`SELECT 1 FROM contact_opt_outs WHERE customer_id = $1 AND channel = 'sms'`, [req.customerId])).rowCount,
    });
    await grantOptIn(pool, req.customerId, 'marketing', 'test');
    await grantOptIn(pool, req.customerId, 'marketing_night', 'test');

    const korean = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, '광고거부'));
    expect(korean.body).toContain(`<Message>${render('ko', 'marketingStopped', {})}</Message>`);
    expect(await state()).toEqual({ optIns: new Set(), smsOptOut: 0 });

    await grantOptIn(pool, req.customerId, 'marketing', 'test');
    const english = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, 'Stop ads'));
    expect(english.body).toContain('<Message>');
    expect(await state()).toEqual({ optIns: new Set(), smsOptOut: 0 });

    await grantOptIn(pool, req.customerId, 'marketing', 'test');
    await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, 'STOP'));
    expect(await state()).toEqual({ optIns: new Set(), smsOptOut: 1 });
    const { rows } = await pool.query(`SELECT withdrawal_reason FROM customer_consents WHERE customer_id = $1 AND kind = 'marketing'`, [req.customerId]);
    expect(rows).toEqual([{ withdrawal_reason: 'sms keyword stop' }]);
    expect(await inboxRows(pool, req.requestId)).toHaveLength(0);
  });

  it('stores an email address sent by a customer we asked for one (KR claims 16-17)', async () => {
    const req = await seedRequest(pool, { email: null, emailRequested: true });
    await recordSurveySms(pool, req.requestId, req.mobile);
    const res = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, ' Minji.Kim@Example.com '));
    expect(res.statusCode).toBe(200);
    const { rows } = await pool.query('SELECT email, email_requested FROM customers WHERE id = $1', [req.customerId]);
    expect(rows[0]).toEqual({ email: 'minji.kim@example.com', email_requested: false });
    expect(await inboxRows(pool, req.requestId)).toHaveLength(0);
  });

  it('an address sent in answer to the visit notice (before any survey) is stored and used from then on', async () => {
    const req = await seedRequest(pool, { email: null, emailRequested: true });
    const res = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, 'kim.visit@mail.example'));
    expect(res.statusCode).toBe(200);
    const { rows } = await pool.query('SELECT email, email_requested FROM customers WHERE id = $1', [req.customerId]);
    expect(rows[0]).toEqual({ email: 'kim.visit@mail.example', email_requested: false });
    expect(await inboxRows(pool, req.requestId)).toHaveLength(0);
  });

  it('an answer that also carries the email address we asked for is both stored and answered', async () => {
    const req = await seedRequest(pool, { email: null, emailRequested: true });
    await recordSurveySms(pool, req.requestId, req.mobile);
    const res = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, '4 good job - Minji.Kim@Example.com'));
    expect(res.statusCode).toBe(200);
    const { rows } = await pool.query('SELECT email FROM customers WHERE id = $1', [req.customerId]);
    expect(rows[0]).toEqual({ email: 'minji.kim@example.com' });
    expect(await inboxRows(pool, req.requestId)).toHaveLength(1);
  });

  it('keeps a reply to a closed request as late, stored as a late survey reply', async () => {
    const req = await seedRequest(pool, { closed: true });
    await recordSurveySms(pool, req.requestId, req.mobile);
    const res = await postTwilio(app, '/webhooks/twilio/sms', inbound(req.mobile, '2 still broken'));
    expect(res.statusCode).toBe(200);
    const rows = await settledInboxRows(pool, req.requestId);
    expect(rows.map((r) => r.status)).toEqual(['late']);
    const stored = await pool.query('SELECT channel, rating, late FROM survey_replies WHERE inbox_id = $1', [rows[0]!.id]);
    expect(stored.rows).toEqual([{ channel: 'sms', rating: 2, late: true }]);
  });

  describe('a reply is matched to exactly its request', () => {
    /** A customer with two repairs whose surveys are both open, each with its reply code. */
    async function twoOpenSurveys() {
      const first = await seedRequest(pool);
      const second = await seedAnotherRequest(pool, first);
      for (const r of [first, second]) {
        await recordSurveySms(pool, r.requestId, r.mobile);
        await probe.probe(r.requestId);
      }
      return { first, second, firstCode: await ensureReplyCode(pool, first.requestId), secondCode: await ensureReplyCode(pool, second.requestId) };
    }
    const matchTasks = async (inboxId: string | number) =>
      (await pool.query(`SELECT kind, request_id, service_centre_id, summary FROM agent_tasks WHERE inbox_id = $1`, [inboxId])).rows;

    it('the reply code decides between two open surveys, with or without "#", before or after the score', async () => {
      const { first, second, firstCode, secondCode } = await twoOpenSurveys();
      expect(firstCode).not.toBe(secondCode);
      expect((await postTwilio(app, '/webhooks/twilio/sms', inbound(first.mobile, `#${secondCode} 2 still noisy`))).statusCode).toBe(200);
      expect((await postTwilio(app, '/webhooks/twilio/sms', inbound(first.mobile, `5 ${firstCode}`))).statusCode).toBe(200);

      const toSecond = await settledInboxRows(pool, second.requestId);
      expect(toSecond).toHaveLength(1);
      expect(toSecond[0]).toMatchObject({ status: 'delivered', payload: { text: '2 still noisy', rating: 2, replyCode: secondCode } });
      const toFirst = await settledInboxRows(pool, first.requestId);
      expect(toFirst).toHaveLength(1);
      // The code is never read as the score.
      expect(toFirst[0]).toMatchObject({ status: 'delivered', payload: { text: '5', rating: 5, replyCode: firstCode } });
      expect((await probe.waitForSignals(second.requestId, 1))[0]).toMatchObject({ signal: 'surveyReply', payload: { rating: 2 } });
      expect((await probe.waitForSignals(first.requestId, 1))[0]).toMatchObject({ signal: 'surveyReply', payload: { rating: 5 } });
    });

    it('several open surveys and no code: stored for a person, never credited to a guess', async () => {
      const { first, second } = await twoOpenSurveys();
      const messageSid = sid('SM');
      const params = inbound(first.mobile, '3 ok', messageSid);
      expect((await postTwilio(app, '/webhooks/twilio/sms', params)).statusCode).toBe(200);
      expect((await postTwilio(app, '/webhooks/twilio/sms', params)).statusCode).toBe(200); // Twilio's retry

      const { rows } = await pool.query(`SELECT id, status, request_id FROM inbox WHERE source = 'twilio-sms' AND event_id = $1`, [messageSid]);
      expect(rows).toEqual([{ id: expect.any(String), status: 'unmatched', request_id: null }]);
      const tasks = await matchTasks(rows[0].id);
      expect(tasks).toEqual([{ kind: 'match_reply', request_id: null, service_centre_id: first.centreId, summary: expect.stringContaining('no reply code') }]);
      expect(await inboxRows(pool, first.requestId)).toHaveLength(0);
      expect(await inboxRows(pool, second.requestId)).toHaveLength(0);
    });

    it('several open surveys and a code that is not one of theirs: stored for a person', async () => {
      const { first, firstCode, secondCode } = await twoOpenSurveys();
      const unknown = ['123456', '654321', '111111'].find((c) => c !== firstCode && c !== secondCode)!;
      const messageSid = sid('SM');
      expect((await postTwilio(app, '/webhooks/twilio/sms', inbound(first.mobile, `#${unknown} 4`, messageSid))).statusCode).toBe(200);
      const { rows } = await pool.query(`SELECT id, status FROM inbox WHERE source = 'twilio-sms' AND event_id = $1`, [messageSid]);
      expect(rows).toEqual([{ id: expect.any(String), status: 'unmatched' }]);
      expect(await matchTasks(rows[0].id)).toEqual([expect.objectContaining({ kind: 'match_reply', summary: expect.stringContaining(`unknown code ${unknown}`) })]);
    });

    it('one open survey beside a closed one: the reply without a code is the open one\'s', async () => {
      const closed = await seedRequest(pool, { closed: true });
      await recordSurveySms(pool, closed.requestId, closed.mobile);
      const open = await seedAnotherRequest(pool, closed);
      await recordSurveySms(pool, open.requestId, open.mobile);
      await probe.probe(open.requestId);
      expect((await postTwilio(app, '/webhooks/twilio/sms', inbound(open.mobile, '4'))).statusCode).toBe(200);
      expect((await settledInboxRows(pool, open.requestId)).map((r) => r.status)).toEqual(['delivered']);
      expect(await inboxRows(pool, closed.requestId)).toHaveLength(0);
    });
  });

  it('keeps an SMS from an unknown number as unmatched', async () => {
    const messageSid = sid('SM');
    const res = await postTwilio(app, '/webhooks/twilio/sms', inbound('+821099990000', '5', messageSid));
    expect(res.statusCode).toBe(200);
    const { rows } = await pool.query(`SELECT status, request_id FROM inbox WHERE source = 'twilio-sms' AND event_id = $1`, [messageSid]);
    expect(rows).toEqual([{ status: 'unmatched', request_id: null }]);
  });

  it('answers 400 for a malformed body and 413 for an oversized one', async () => {
    const missing = await postTwilio(app, '/webhooks/twilio/sms', { Body: 'hi' });
    expect(missing.statusCode).toBe(400);
    const huge = await postTwilio(app, '/webhooks/twilio/sms', inbound('+821012345678', 'x'.repeat(70 * 1024)));
    expect(huge.statusCode).toBe(413);
  });

  it('an undelivered survey SMS becomes the delivery-failed signal; 21610 withdraws consent', async () => {
    const req = await seedRequest(pool);
    const messageSid = await recordSurveySms(pool, req.requestId, req.mobile);
    await probe.probe(req.requestId);
    const params = { MessageSid: messageSid, MessageStatus: 'undelivered', ErrorCode: '21610', AccountSid: 'ACtest', To: req.mobile, From: '+82215880001', ApiVersion: '2010-04-01' };
    const res = await postTwilio(app, '/webhooks/twilio/sms/status', params);
    expect(res.statusCode).toBe(204);
    const signals = await probe.waitForSignals(req.requestId, 1);
    expect(signals[0]).toEqual({ signal: 'surveyDeliveryFailed', payload: { eventId: `twilio-sms-status:${messageSid}:undelivered`, channel: 'sms', reason: 'sms undelivered (twilio 21610)' } });
    const { rows } = await pool.query(`SELECT channel FROM contact_opt_outs WHERE customer_id = $1`, [req.customerId]);
    expect(rows).toEqual([{ channel: 'sms' }]);
    const delivered = await postTwilio(app, '/webhooks/twilio/sms/status', { ...params, MessageStatus: 'delivered', ErrorCode: '' });
    expect(delivered.statusCode).toBe(204);
    expect(await inboxRows(pool, req.requestId)).toHaveLength(1);
  });

  it('a failed survey SMS whose status arrives before the outbox has its id finds the request through the signed URL', async () => {
    const req = await seedRequest(pool);
    await probe.probe(req.requestId);
    const messageSid = `SM${randomBytes(16).toString('hex')}`;
    const params = { MessageSid: messageSid, MessageStatus: 'failed', ErrorCode: '30008', AccountSid: 'ACtest', To: req.mobile, From: '+82215880001' };
    const res = await postTwilio(app, `/webhooks/twilio/sms/status?requestId=${req.requestId}&purpose=survey`, params);
    expect(res.statusCode).toBe(204);
    const signals = await probe.waitForSignals(req.requestId, 1);
    expect(signals[0]).toEqual({ signal: 'surveyDeliveryFailed', payload: { eventId: `twilio-sms-status:${messageSid}:failed`, channel: 'sms', reason: 'sms failed (twilio 30008)' } });
  });
});
