import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendOnce, type OutboxMessage } from '../../activities/messaging/outbox';
import { createSendGridGateway } from '../../providers/sendgrid';
import { createTwilioGateways } from '../../providers/twilio';
import { testPool } from '../support/db';
import { startFakeApi, type FakeAnswer } from './fakeHttp';
import { LocalRequestClient, TWILIO_TEST_ACCOUNT, TWILIO_TEST_TOKEN } from './localTwilio';

const pool = testPool();
const log = pino({ level: 'silent' });
const SHORT_TIMEOUT_MS = 300;

/**
 * An activity retry after a provider error: the real SDKs against local fakes of the providers'
 * APIs, through the outbox. Only an answer that proves nothing was created may lead to a second
 * request; after a 5xx or no answer the message may exist, so it is never sent again.
 */
describe('ambiguous provider answers are never sent twice', () => {
  let script: FakeAnswer[] = [];
  let api: Awaited<ReturnType<typeof startFakeApi>>;

  beforeAll(async () => {
    api = await startFakeApi((req) => script.shift() ?? (req.path.includes('/v3/mail/send') ? { status: 202, headers: { 'X-Message-Id': 'sg-ok' } } : { status: 201, body: { sid: 'SM-ok', status: 'queued' } }));
  });
  afterEach(() => {
    script = [];
  });
  afterAll(async () => {
    await api?.close();
    await pool.end();
  });

  const sms = () => createTwilioGateways({ accountSid: TWILIO_TEST_ACCOUNT, authToken: TWILIO_TEST_TOKEN, httpClient: new LocalRequestClient(api.url, SHORT_TIMEOUT_MS) }).sms;
  const email = () => createSendGridGateway({ apiKey: 'SG.fake', baseUrl: api.url, timeoutMs: SHORT_TIMEOUT_MS });
  const outboxRow = async (key: string) => (await pool.query('SELECT status FROM outbox WHERE idempotency_key = $1', [key])).rows[0];
  const message = (channel: 'sms' | 'email'): OutboxMessage => ({ idempotencyKey: `ambiguous:${randomUUID()}`, channel, purpose: 'survey', recipient: 'r', sender: 's', body: {}, mode: 'live' });

  const senders = {
    'Twilio SMS': { channel: 'sms' as const, send: () => sms().sendSms({ to: '+821012345678', from: '+82215880001', body: 'rate us' }) },
    'SendGrid email': {
      channel: 'email' as const,
      send: () => email().sendEmail({ to: 'a@mail.example.test', from: { email: 'c@centre.example', name: 'C' }, replyTo: 'c@centre.example', subject: 's', text: 't', html: '<p>t</p>' }),
    },
  };

  describe.each(Object.entries(senders))('%s', (_name, sender) => {
    /** Two attempts of the same send, as an activity and its retry make them; returns the provider requests made. */
    async function attemptTwice(first: FakeAnswer) {
      const m = message(sender.channel);
      const before = api.requests.length;
      script = [first];
      const firstError = await sendOnce(pool, log, m, sender.send).then(() => undefined, (e: unknown) => e);
      const afterFirst = await outboxRow(m.idempotencyKey);
      const retry = await sendOnce(pool, log, m, sender.send);
      return { firstError, afterFirst, retry, providerRequests: api.requests.length - before };
    }

    it('created, then 504 from a gateway: the send stays pending and the retry does not send again', async () => {
      const r = await attemptTwice({ status: 504, body: 'Gateway Timeout' });
      expect(r.firstError).toBeInstanceOf(Error);
      expect(r.afterFirst).toMatchObject({ status: 'pending' });
      expect(r.retry).toEqual({ providerId: null, alreadySent: true });
      expect(r.providerRequests).toBe(1);
    });

    it('500 from the provider: may have been created, so it is not sent again either', async () => {
      const r = await attemptTwice({ status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500, errors: [{ message: 'internal' }] } });
      expect(r.afterFirst).toMatchObject({ status: 'pending' });
      expect(r.retry.alreadySent).toBe(true);
      expect(r.providerRequests).toBe(1);
    });

    it('no answer before the timeout: pending, never sent again', async () => {
      const r = await attemptTwice({ status: 0, hang: true });
      expect(r.afterFirst).toMatchObject({ status: 'pending' });
      expect(r.retry.alreadySent).toBe(true);
      expect(r.providerRequests).toBe(1);
    });

    it('429 proves nothing was accepted: the retry sends it', async () => {
      const r = await attemptTwice({ status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429, errors: [{ message: 'too many requests' }] } });
      expect(r.afterFirst).toMatchObject({ status: 'retry' });
      expect(r.retry.alreadySent).toBe(false);
      expect(r.retry.providerId).toMatch(/ok$/);
      expect(r.providerRequests).toBe(2);
    });
  });
});
