import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { grantOptIn, optInsOf } from '../../../db/queries/consent';
import type { Pool } from '../../../db/pool';
import { whatsappSessionOpen } from '../../../db/queries/whatsapp';
import { render } from '../../../domain/messageTemplates';
import { serviceRequestWorkflowId } from '../../../workflows/messages';
import { ensureReplyCode } from '../../../db/queries/replyCodes';
import { inboxRows, postTwilio, seedAnotherRequest, seedRequest, settledInboxRows, type ProbeWorker, probedWebhookApp } from './webhookApp';

const sid = () => `SM${randomBytes(16).toString('hex')}`;

/** Records that the survey went out on WhatsApp for a request, as the outbox does. */
async function recordSurveyWhatsapp(pool: Pool, requestId: string, recipient: string, providerId = sid()) {
  await pool.query(
    `INSERT INTO outbox (idempotency_key, request_id, channel, purpose, recipient, sender, body, mode, status, provider_message_id, sent_at)
     VALUES ($1, $2, 'whatsapp', 'survey', $3, '+82215880003', '{}', 'live', 'sent', $4, now())`,
    [`${serviceRequestWorkflowId(requestId)}:survey-whatsapp:1`, requestId, recipient, providerId],
  );
  return providerId;
}

describe('Twilio WhatsApp webhooks', () => {
  let pool: Pool;
  let probe: ProbeWorker;
  let app: FastifyInstance;
  probedWebhookApp((built) => ({ pool, probe, app } = built));

  // What Twilio posts for an incoming WhatsApp message.
  const inbound = (mobile: string, body: string, messageSid = sid()) => ({
    MessageSid: messageSid, SmsMessageSid: messageSid, SmsSid: messageSid, AccountSid: 'ACtest', MessagingServiceSid: '', From: `whatsapp:${mobile}`, To: 'whatsapp:+82215880003',
    Body: body, NumMedia: '0', NumSegments: '1', SmsStatus: 'received', ProfileName: 'Minji', WaId: mobile.slice(1), MessageType: 'text', ApiVersion: '2010-04-01',
  });

  it('a signed reply becomes one survey-reply signal on the whatsapp channel and opens the 24-hour session', async () => {
    const req = await seedRequest(pool);
    await recordSurveyWhatsapp(pool, req.requestId, req.mobile);
    await probe.probe(req.requestId);
    const params = inbound(req.mobile, '5 아주 좋았어요');
    const first = await postTwilio(app, '/webhooks/twilio/whatsapp', params);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('text/xml');
    await postTwilio(app, '/webhooks/twilio/whatsapp', params); // Twilio's retry

    const rows = await settledInboxRows(pool, req.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'twilio-whatsapp', event_id: params.MessageSid, kind: 'survey-reply', status: 'delivered' });
    expect(rows[0]!.payload).toMatchObject({ text: '5 아주 좋았어요', rating: 5 });
    const signals = await probe.waitForSignals(req.requestId, 1);
    expect(signals[0]).toEqual({ signal: 'surveyReply', payload: { eventId: `twilio-whatsapp:${params.MessageSid}`, channel: 'whatsapp', inboxId: Number(rows[0]!.id), rating: 5, at: expect.any(String) } });
    expect(await whatsappSessionOpen(pool, req.customerId, new Date())).toBe(true);
    expect(await whatsappSessionOpen(pool, req.customerId, new Date(Date.now() + 25 * 3_600_000))).toBe(false);
  });

  it('a reply to a closed request is stored as a late WhatsApp reply, classified like an SMS', async () => {
    const req = await seedRequest(pool, { closed: true });
    await recordSurveyWhatsapp(pool, req.requestId, req.mobile);
    await postTwilio(app, '/webhooks/twilio/whatsapp', inbound(req.mobile, '2 still broken'));
    const rows = await settledInboxRows(pool, req.requestId);
    expect(rows.map((r) => r.status)).toEqual(['late']);
    const stored = await pool.query('SELECT channel, rating, category, late FROM survey_replies WHERE inbox_id = $1', [rows[0]!.id]);
    expect(stored.rows).toEqual([{ channel: 'whatsapp', rating: 2, category: 'repeat_failure', late: true }]);
  });

  it('with two WhatsApp surveys open, the reply code decides, and a reply without one goes to a person, never to a guess', async () => {
    const first = await seedRequest(pool);
    const second = await seedAnotherRequest(pool, first);
    for (const r of [first, second]) {
      await recordSurveyWhatsapp(pool, r.requestId, r.mobile);
      await probe.probe(r.requestId);
    }
    const secondCode = await ensureReplyCode(pool, second.requestId);
    expect((await postTwilio(app, '/webhooks/twilio/whatsapp', inbound(first.mobile, `4 #${secondCode}`))).statusCode).toBe(200);
    const toSecond = await settledInboxRows(pool, second.requestId);
    expect(toSecond).toEqual([expect.objectContaining({ status: 'delivered', payload: expect.objectContaining({ text: '4', rating: 4, replyCode: secondCode }) })]);

    const messageSid = sid();
    expect((await postTwilio(app, '/webhooks/twilio/whatsapp', inbound(first.mobile, '5 great', messageSid))).statusCode).toBe(200);
    const { rows } = await pool.query(`SELECT id, status, request_id FROM inbox WHERE source = 'twilio-whatsapp' AND event_id = $1`, [messageSid]);
    expect(rows).toEqual([{ id: expect.any(String), status: 'unmatched', request_id: null }]);
    const tasks = await pool.query(`SELECT kind, summary FROM agent_tasks WHERE inbox_id = $1`, [rows[0].id]);
    expect(tasks.rows).toEqual([{ kind: 'match_reply', summary: expect.stringContaining('a WhatsApp reply') }]);
    expect(await inboxRows(pool, first.requestId)).toHaveLength(0);
  });

  it('rejects unsigned and wrongly signed requests, and a From that is not a whatsapp: address', async () => {
    const req = await seedRequest(pool);
    expect((await postTwilio(app, '/webhooks/twilio/whatsapp', inbound(req.mobile, '5'), 'unsigned')).statusCode).toBe(401);
    expect((await postTwilio(app, '/webhooks/twilio/whatsapp', inbound(req.mobile, '5'), 'wrong')).statusCode).toBe(403);
    expect((await postTwilio(app, '/webhooks/twilio/whatsapp', { ...inbound(req.mobile, '5'), From: req.mobile })).statusCode).toBe(400);
    expect(await inboxRows(pool, req.requestId)).toHaveLength(0);
  });

  it('STOP ends WhatsApp and advertisements, START opts back in to WhatsApp, 광고거부 ends advertisements only; all answered by us', async () => {
    const req = await seedRequest(pool, { language: 'ko' });
    await grantOptIn(pool, req.customerId, 'whatsapp', 'test');
    await grantOptIn(pool, req.customerId, 'marketing', 'test');

    const ads = await postTwilio(app, '/webhooks/twilio/whatsapp', inbound(req.mobile, '광고거부'));
    expect(ads.body).toContain(`<Message>${render('ko', 'marketingStopped', {})}</Message>`);
    expect(await optInsOf(pool, req.customerId)).toEqual(new Set(['whatsapp']));

    await grantOptIn(pool, req.customerId, 'marketing', 'test');
    const stop = await postTwilio(app, '/webhooks/twilio/whatsapp', inbound(req.mobile, 'STOP'));
    expect(stop.body).toContain(`<Message>${render('ko', 'whatsappStopped', {})}</Message>`);
    expect(await optInsOf(pool, req.customerId)).toEqual(new Set());
    // SMS consent is another channel's: untouched.
    expect((await pool.query('SELECT 1 FROM contact_opt_outs WHERE customer_id = $1', [req.customerId])).rowCount).toBe(0);

    const start = await postTwilio(app, '/webhooks/twilio/whatsapp', inbound(req.mobile, 'START'));
    expect(start.body).toContain(`<Message>${render('ko', 'whatsappStarted', {})}</Message>`);
    expect(await optInsOf(pool, req.customerId)).toEqual(new Set(['whatsapp']));
    expect(await inboxRows(pool, req.requestId)).toHaveLength(0);
  });

  it('keeps a message from an unknown number as unmatched', async () => {
    const messageSid = sid();
    expect((await postTwilio(app, '/webhooks/twilio/whatsapp', inbound('+821099990001', '5', messageSid))).statusCode).toBe(200);
    const { rows } = await pool.query(`SELECT status, request_id FROM inbox WHERE source = 'twilio-whatsapp' AND event_id = $1`, [messageSid]);
    expect(rows).toEqual([{ status: 'unmatched', request_id: null }]);
  });

  it('an undelivered WhatsApp survey becomes the delivery-failed signal on the whatsapp channel', async () => {
    const req = await seedRequest(pool);
    const messageSid = await recordSurveyWhatsapp(pool, req.requestId, req.mobile);
    await probe.probe(req.requestId);
    const params = { MessageSid: messageSid, SmsSid: messageSid, MessageStatus: 'undelivered', SmsStatus: 'undelivered', ErrorCode: '63016', ChannelPrefix: 'whatsapp', AccountSid: 'ACtest', To: `whatsapp:${req.mobile}`, From: 'whatsapp:+82215880003', ApiVersion: '2010-04-01' };
    const res = await postTwilio(app, `/webhooks/twilio/whatsapp/status?requestId=${req.requestId}&purpose=survey`, params);
    expect(res.statusCode).toBe(204);
    const signals = await probe.waitForSignals(req.requestId, 1);
    expect(signals[0]).toEqual({ signal: 'surveyDeliveryFailed', payload: { eventId: `twilio-whatsapp-status:${messageSid}:undelivered`, channel: 'whatsapp', reason: 'whatsapp undelivered (twilio 63016)' } });
    expect((await postTwilio(app, '/webhooks/twilio/whatsapp/status', { ...params, MessageStatus: 'read', ErrorCode: '' })).statusCode).toBe(204);
    expect(await inboxRows(pool, req.requestId)).toHaveLength(1);
  });
});
