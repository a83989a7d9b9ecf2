import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { issueToken } from '../../../db/queries/accessTokens';
import type { Pool } from '../../../db/pool';
import { testPool } from '../../support/db';
import {
  buildTestServer,
  INBOUND_DOMAIN,
  INBOUND_SECRET,
  inboundParseBody,
  inboxRows,
  seedRequest,
  sendgridEvent,
  sendgridEventKeys,
  settledInboxRows,
  signedSendGridEvents,
  startProbeWorker,
  type ProbeWorker,
} from './webhookApp';

describe('SendGrid webhooks', () => {
  let pool: Pool;
  let probe: ProbeWorker;
  let app: FastifyInstance;
  const { privateKey, publicKey } = sendgridEventKeys();

  beforeAll(async () => {
    pool = testPool();
    probe = await startProbeWorker(inject('temporalAddress'));
    app = await buildTestServer(pool, probe.client, probe.connection, {
      providers: { sendgridInboundSecret: INBOUND_SECRET, sendgridEventPublicKey: publicKey, inboundEmailDomain: INBOUND_DOMAIN },
    });
  });
  afterAll(async () => {
    await app?.close();
    await probe?.stop();
    await pool?.end();
  });

  async function emailSurvey(options: { closed?: boolean } = {}) {
    const req = await seedRequest(pool, options);
    const token = await issueToken(pool, 'email-reply', req.requestId, req.customerId, new Date(Date.now() + 86_400_000));
    return { ...req, token, address: `reply+${token}@${INBOUND_DOMAIN}` };
  }
  const parseFields = (to: string, text: string, messageId = `<${randomBytes(6).toString('hex')}@mail.example.test>`) => ({
    headers: `Received: by mx.sendgrid.net\nMessage-ID: ${messageId}\nFrom: Kim Minji <minji@mail.example.test>\nTo: ${to}\nSubject: Re: How was your repair?`,
    dkim: '{@mail.example.test : pass}',
    to,
    from: 'Kim Minji <minji@mail.example.test>',
    subject: 'Re: How was your repair?',
    text,
    sender_ip: '203.0.113.5',
    envelope: JSON.stringify({ to: [to], from: 'minji@mail.example.test' }),
    attachments: '0',
    charsets: JSON.stringify({ to: 'UTF-8', subject: 'UTF-8', text: 'UTF-8', from: 'UTF-8' }),
    SPF: 'pass',
    spam_score: '0.1',
  });
  const postInbound = (secret: string, body: ReturnType<typeof inboundParseBody>) =>
    app.inject({ method: 'POST', url: `/webhooks/sendgrid/inbound/${secret}`, headers: { 'content-type': body.contentType }, payload: body.payload });

  it('stores the visible text of an email reply (quote and signature cut) and signals it once', async () => {
    const s = await emailSurvey();
    await probe.probe(s.requestId);
    const text = '5 - 기사님이 정말 친절하셨어요.\n\nSent from my iPhone\n\n2026년 11월 3일 (화) 오후 2:10, Gangnam Service <service@centre.example>님이 작성:\n> 수리는 어떠셨나요?\n> 1-5점으로 답해 주세요';
    const body = inboundParseBody(parseFields(s.address, text), [{ name: 'attachment1', filename: 'photo.jpg', type: 'image/jpeg', content: 'JPEGDATA' }]);
    const res = await postInbound(INBOUND_SECRET, body);
    // Answered once stored; the signal goes after the answer.
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'stored' });

    const rows = await settledInboxRows(pool, s.requestId);
    expect(rows).toMatchObject([{ status: 'delivered' }]);
    expect(rows[0]!.payload).toMatchObject({ text: '5 - 기사님이 정말 친절하셨어요.', rating: 5, raw: { subject: 'Re: How was your repair?', attachmentFiles: 1 } });
    const retried = await postInbound(INBOUND_SECRET, body); // SendGrid retrying
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'delivered', inboxId: Number(rows[0]!.id) });
    expect(await inboxRows(pool, s.requestId)).toHaveLength(1);
    const signals = await probe.waitForSignals(s.requestId, 1);
    expect(signals).toEqual([{ signal: 'surveyReply', payload: { eventId: expect.stringMatching(/^sendgrid-inbound:</), channel: 'email', inboxId: Number(rows[0]!.id), rating: 5, at: expect.any(String) } }]);
  });

  it('refuses a wrong secret (nothing stored) and a non-multipart body', async () => {
    const s = await emailSurvey();
    const wrong = await postInbound('not-the-secret', inboundParseBody(parseFields(s.address, '5')));
    expect(wrong.statusCode).toBe(403);
    expect(await inboxRows(pool, s.requestId)).toHaveLength(0);
    const json = await app.inject({ method: 'POST', url: `/webhooks/sendgrid/inbound/${INBOUND_SECRET}`, headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(json.statusCode).toBe(415);
  });

  // SendGrid retries a 5xx and drops anything else for good: whatever it delivers is stored and answered 2xx.
  const storedByMessageId = async (messageId: string) =>
    (await pool.query(`SELECT request_id, status, payload FROM inbox WHERE source = 'sendgrid-inbound' AND event_id = $1`, [messageId])).rows;

  it('keeps a reply to an unknown reply address unmatched, for a person to read', async () => {
    const messageId = `<${randomBytes(6).toString('hex')}@mail.example.test>`;
    const unknown = await postInbound(INBOUND_SECRET, inboundParseBody(parseFields(`reply+${'A'.repeat(22)}@${INBOUND_DOMAIN}`, '5 great', messageId)));
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toMatchObject({ status: 'unmatched' });
    expect(await storedByMessageId(messageId)).toMatchObject([{ request_id: null, status: 'unmatched', payload: { text: '5 great', unknownReplyToken: true } }]);
    const noAddress = `<${randomBytes(6).toString('hex')}@mail.example.test>`;
    expect((await postInbound(INBOUND_SECRET, inboundParseBody(parseFields('someone@else.example', 'hello', noAddress)))).statusCode).toBe(202);
    expect(await storedByMessageId(noAddress)).toMatchObject([{ status: 'unmatched' }]);
  });

  it('stores a reply with a 3 MB photo attached, skipping the photo (never a size error)', async () => {
    const s = await emailSurvey();
    await probe.probe(s.requestId);
    const photo = 'J'.repeat(3 * 1024 * 1024);
    const res = await postInbound(INBOUND_SECRET, inboundParseBody(parseFields(s.address, '4 see the photo'), [{ name: 'attachment1', filename: 'fridge.jpg', type: 'image/jpeg', content: photo }]));
    expect(res.statusCode).toBe(202);
    const [row] = await inboxRows(pool, s.requestId);
    expect(row!.payload).toMatchObject({ text: '4 see the photo', rating: 4, attachments: [{ field: 'attachment1', filename: 'fridge.jpg', type: 'image/jpeg', truncated: true }] });
    expect(await probe.waitForSignals(s.requestId, 1)).toHaveLength(1);
  });

  it('stores an oversized text cut at the limit, and a body without a text part all the same', async () => {
    const s = await emailSurvey();
    await probe.probe(s.requestId);
    const res = await postInbound(INBOUND_SECRET, inboundParseBody(parseFields(s.address, `3 ${'x'.repeat(80 * 1024)}`)));
    expect(res.statusCode).toBe(202);
    const [row] = await inboxRows(pool, s.requestId);
    expect(row!.payload).toMatchObject({ rating: 3, truncatedFields: ['text'] });

    const bare = await emailSurvey();
    await probe.probe(bare.requestId);
    const fields: Record<string, string> = parseFields(bare.address, 'unused');
    delete fields.text;
    const noText = await postInbound(INBOUND_SECRET, inboundParseBody(fields));
    expect(noText.statusCode).toBe(202);
    expect(await settledInboxRows(pool, bare.requestId)).toMatchObject([{ kind: 'survey-reply', status: 'delivered' }]);
  });

  it('keeps a reply to a closed request as late; a repeat of it is answered with a note', async () => {
    const s = await emailSurvey({ closed: true });
    const body = inboundParseBody(parseFields(s.address, '3 okay'));
    expect((await postInbound(INBOUND_SECRET, body)).statusCode).toBe(202);
    expect(await settledInboxRows(pool, s.requestId)).toMatchObject([{ status: 'late' }]);
    const stored = await pool.query('SELECT channel, rating, late FROM survey_replies WHERE request_id = $1', [s.requestId]);
    expect(stored.rows).toEqual([{ channel: 'email', rating: 3, late: true }]);
    const repeated = await postInbound(INBOUND_SECRET, body);
    expect(repeated.statusCode).toBe(200);
    expect(repeated.json()).toMatchObject({ status: 'late', note: expect.stringContaining('closed') });
  });

  describe('Event Webhook', () => {
    const signed = (events: unknown[], key = privateKey, at = Date.now()) => signedSendGridEvents(events, key, at);
    const event = sendgridEvent;

    it('a bounced survey email withdraws email consent and becomes the delivery-failed signal, once', async () => {
      const s = await emailSurvey();
      await probe.probe(s.requestId);
      const bounce = event(s.requestId, { event: 'bounce', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 user unknown' });
      const body = signed([event(s.requestId, { event: 'processed' }), bounce, event(s.requestId, { event: 'delivered', response: '250 OK' })]);
      const res = await app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: body.headers, payload: body.payload });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ received: 3, acted: 1 });
      expect((await app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: body.headers, payload: body.payload })).statusCode).toBe(200);
      expect(await settledInboxRows(pool, s.requestId)).toMatchObject([{ kind: 'delivery-failed', status: 'delivered' }]);
      const signals = await probe.waitForSignals(s.requestId, 1);
      expect(signals).toEqual([{ signal: 'surveyDeliveryFailed', payload: { eventId: `sendgrid-event:${bounce.sg_event_id}`, channel: 'email', reason: 'email bounce: 550 5.1.1 user unknown' } }]);
      const optOut = await pool.query(`SELECT channel FROM contact_opt_outs WHERE customer_id = $1`, [s.customerId]);
      expect(optOut.rows).toEqual([{ channel: 'email' }]);
      expect(await inboxRows(pool, s.requestId)).toHaveLength(1);
    });

    it('a spam report withdraws consent without a fallback', async () => {
      const s = await emailSurvey();
      const body = signed([event(s.requestId, { event: 'spamreport' })]);
      const res = await app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: body.headers, payload: body.payload });
      expect(res.statusCode).toBe(200);
      expect((await pool.query(`SELECT reason FROM contact_opt_outs WHERE customer_id = $1`, [s.customerId])).rows).toEqual([{ reason: 'email spamreport: spamreport' }]);
      expect(await inboxRows(pool, s.requestId)).toHaveLength(0);
    });

    it('refuses unsigned, wrongly signed and tampered batches and changes nothing', async () => {
      const s = await emailSurvey();
      const events = [event(s.requestId, { event: 'dropped', reason: 'Bounced Address' })];
      const body = signed(events);
      const unsigned = await app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: { 'content-type': 'application/json' }, payload: body.payload });
      expect(unsigned.statusCode).toBe(401);
      const otherKey = sendgridEventKeys().privateKey;
      const wrong = signed(events, otherKey);
      expect((await app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: wrong.headers, payload: wrong.payload })).statusCode).toBe(403);
      const tampered = await app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: body.headers, payload: body.payload.replace('dropped', 'bounce') });
      expect(tampered.statusCode).toBe(403);
      expect((await pool.query(`SELECT 1 FROM contact_opt_outs WHERE customer_id = $1`, [s.customerId])).rowCount).toBe(0);
      expect(await inboxRows(pool, s.requestId)).toHaveLength(0);
    });

    it('refuses a correctly signed batch whose timestamp is older than the tolerance (a replay), and changes nothing', async () => {
      const s = await emailSurvey();
      const events = [event(s.requestId, { event: 'dropped', reason: 'Bounced Address' })];
      const replayed = signed(events, privateKey, Date.now() - 11 * 60_000);
      const res = await app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: replayed.headers, payload: replayed.payload });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toBe('event webhook timestamp is more than 600 s away from now');
      expect((await pool.query(`SELECT 1 FROM contact_opt_outs WHERE customer_id = $1`, [s.customerId])).rowCount).toBe(0);
      const recent = signed(events, privateKey, Date.now() - 60_000);
      expect((await app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: recent.headers, payload: recent.payload })).statusCode).toBe(200);
    });

    it('answers 400 for a signed body that is not an event array', async () => {
      const body = signed({ event: 'bounce' } as unknown as unknown[]);
      const res = await app.inject({ method: 'POST', url: '/webhooks/sendgrid/events', headers: body.headers, payload: body.payload });
      expect(res.statusCode).toBe(400);
    });
  });
});
