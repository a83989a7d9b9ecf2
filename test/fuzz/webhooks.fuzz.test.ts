import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions } from 'fastify';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueToken } from '../../db/queries/accessTokens';
import { migrateToLatest } from '../../db/migrate';
import { createPool, type Pool } from '../../db/pool';
import { buildTestServer, INBOUND_DOMAIN, INBOUND_SECRET, PUBLIC_BASE_URL, recordSurveySms, seedRequest, TWILIO_TOKEN, twilioSignature } from '../client/webhooks/webhookApp';
import { freePort } from '../support/ports';

/**
 * Property-based fuzzing of every route: malformed, oversized, unsigned, wrongly signed, replayed
 * and reordered requests. FUZZ_RUNS sets the number of requests (`npm run fuzz` sends 10,000; the
 * suite a smaller number). The server runs on a database of its own, so "nothing changed" means
 * nothing changed anywhere.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const OPERATOR_TOKEN = 'operator-token-for-fuzzing';

const TWILIO_ROUTES = [
  '/webhooks/twilio/sms',
  '/webhooks/twilio/sms/status',
  '/webhooks/twilio/whatsapp',
  '/webhooks/twilio/whatsapp/status',
  '/webhooks/twilio/voice/gather',
  '/webhooks/twilio/voice/status',
  '/webhooks/twilio/voice/incoming',
  '/webhooks/twilio/voice/incoming/code?attempt=2',
  '/webhooks/twilio/voice/incoming/menu?requestId=00000000-0000-4000-8000-000000000000',
  '/webhooks/twilio/voice/incoming/menu?requestId=not-a-uuid',
  '/webhooks/twilio/voice/incoming/recording?requestId=00000000-0000-4000-8000-000000000000&ratingReply=1',
  '/webhooks/twilio/voice/incoming/recording-status',
  '/webhooks/twilio/voice/incoming/recording-status?requestId=00000000-0000-4000-8000-000000000000',
];
const TWILIO_KEYS = ['MessageSid', 'SmsSid', 'CallSid', 'AccountSid', 'From', 'To', 'Body', 'ChannelPrefix', 'Digits', 'CallStatus', 'MessageStatus', 'AnsweredBy', 'ErrorCode', 'NumMedia', 'RecordingSid', 'RecordingUrl', 'RecordingStatus'];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '%', '%%', '../../etc/passwd', '<script>', "' OR 1=1 --", '+821012345678', 'whatsapp:+821012345678', '5', '-1', '99999999999999999999', 'NaN', '{}', '[]'),
);
const formParams = fc.dictionary(fc.oneof(fc.constantFrom(...TWILIO_KEYS), fc.string({ maxLength: 12 })), text, { maxKeys: 8 });
const jsonValue = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.array(fc.dictionary(fc.constantFrom('event', 'sg_event_id', 'requestId', 'purpose', 'email', 'timestamp', 'reason'), fc.jsonValue({ maxDepth: 1 })), { maxLength: 5 }));
const anyBody = fc.oneof(
  text.map((payload) => ({ payload, contentType: 'text/plain' })),
  formParams.map((p) => ({ payload: new URLSearchParams(p).toString(), contentType: 'application/x-www-form-urlencoded' })),
  jsonValue.map((v) => ({ payload: JSON.stringify(v), contentType: 'application/json' })),
  fc.constantFrom('{', '{"a":', '[[[[[[[[[[', 'null', '\u0000\u0001').map((payload) => ({ payload, contentType: 'application/json' })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ payload: Buffer.from(bytes), contentType: 'application/octet-stream' })),
  fc.tuple(fc.string({ maxLength: 12 }), text).map(([boundary, part]) => ({ payload: `--${boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n${part}\r\n--x--`, contentType: `multipart/form-data; boundary=${boundary || 'b'}` })),
  fc.constantFrom(70_000, 300_000).map((size) => ({ payload: 'x'.repeat(size), contentType: 'application/x-www-form-urlencoded' })),
  fc.constant({ payload: '', contentType: undefined as string | undefined }),
);
const token = fc.oneof(fc.string({ minLength: 1, maxLength: 60 }).map(encodeURIComponent), fc.constant(randomBytes(24).toString('base64url')));

/** Requests nobody may act on: no or wrong signature, secret or token. None may change state. */
const invalidRequest: fc.Arbitrary<InjectOptions> = fc.oneof(
  fc.tuple(fc.constantFrom(...TWILIO_ROUTES), formParams, fc.constantFrom('none', 'other-token', 'other-params', 'garbage')).map(([url, params, signing]) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (signing === 'other-token') headers['x-twilio-signature'] = twilioSignature('not-the-token', `${PUBLIC_BASE_URL}${url}`, params);
    if (signing === 'other-params') headers['x-twilio-signature'] = twilioSignature(TWILIO_TOKEN, `${PUBLIC_BASE_URL}${url}`, { ...params, Extra: 'tampered' });
    if (signing === 'garbage') headers['x-twilio-signature'] = 'AAAA';
    return { method: 'POST' as const, url, headers, payload: new URLSearchParams(params).toString() };
  }),
  fc.tuple(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== INBOUND_SECRET), anyBody).map(([secret, body]) => ({
    method: 'POST' as const, url: `/webhooks/sendgrid/inbound/${encodeURIComponent(secret)}`, headers: body.contentType ? { 'content-type': body.contentType } : {}, payload: body.payload,
  })),
  fc.tuple(jsonValue, fc.constantFrom('none', 'other-key', 'tampered')).map(([events, signing]) => sendgridEvents(events, signing)),
  fc.tuple(fc.constantFrom('/survey/', '/choose/', '/unsubscribe/'), token, fc.constantFrom('GET', 'POST'), anyBody).map(([route, t, method, body]) => ({
    method: method as 'GET' | 'POST', url: `${route}${t}`, headers: method === 'POST' && body.contentType ? { 'content-type': body.contentType } : {}, payload: method === 'POST' ? body.payload : undefined,
  })),
  fc.tuple(fc.constantFrom('/technicians/jobs/00000000-0000-4000-8000-000000000000/progress', '/technicians/slots', '/technicians/slots/1'), fc.constantFrom('GET', 'POST', 'DELETE'), fc.option(text), anyBody).map(([url, method, bearer, body]) => ({
    method: method as 'GET' | 'POST' | 'DELETE', url, headers: { ...(bearer === null ? {} : { authorization: `Bearer ${bearer}x` }), ...(method === 'POST' && body.contentType ? { 'content-type': body.contentType } : {}) }, payload: method === 'POST' ? body.payload : undefined,
  })),
  fc.tuple(fc.constantFrom('/stats', '/stats/data.json'), fc.option(text)).map(([url, t]) => ({ method: 'GET' as const, url: t === null ? url : `${url}?token=${encodeURIComponent(`${t}x`)}` })),
  fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), fc.webPath(), anyBody).map(([method, path, body]) => ({
    method: method as 'GET', url: path.startsWith('/') ? path : `/${path}`, headers: body.contentType ? { 'content-type': body.contentType } : {}, payload: method === 'GET' || method === 'HEAD' ? undefined : body.payload,
  })),
);

const eventKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const otherKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

function sendgridEvents(events: unknown, signing: 'valid' | 'none' | 'other-key' | 'tampered'): InjectOptions {
  const payload = JSON.stringify(events);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signing !== 'none') {
    const signed = signing === 'tampered' ? `${payload} ` : payload;
    headers['x-twilio-email-event-webhook-signature'] = sign('sha256', Buffer.from(timestamp + signed), signing === 'other-key' ? otherKeys.privateKey : eventKeys.privateKey).toString('base64');
    headers['x-twilio-email-event-webhook-timestamp'] = timestamp;
  }
  return { method: 'POST', url: '/webhooks/sendgrid/events', headers, payload };
}

function signedTwilio(url: string, params: Record<string, string>): InjectOptions {
  return { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TWILIO_TOKEN, `${PUBLIC_BASE_URL}${url}`, params) }, payload: new URLSearchParams(params).toString() };
}

/** Every row of every table, hashed: any insert, update or delete changes it. */
async function fingerprint(pool: Pool): Promise<Record<string, string>> {
  const { rows: tables } = await pool.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await pool.query<{ digest: string | null }>(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${name}" t`);
    out[name] = rows[0]!.digest ?? '';
  }
  return out;
}

const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

describe('webhook fuzzing', () => {
  let admin: pg.Client;
  let database: string;
  let pool: Pool;
  let connection: Connection;
  let app: FastifyInstance;

  beforeAll(async () => {
    // A database of its own: other test files write to the shared one at the same time.
    const url = new URL(inject('databaseUrl'));
    database = `fuzz_${randomBytes(4).toString('hex')}`;
    admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    url.pathname = `/${database}`;
    await migrateToLatest(url.toString());
    pool = createPool(url.toString(), 5);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    app = await buildTestServer(pool, new Client({ connection }), connection, {
      settings: { publicBaseUrl: PUBLIC_BASE_URL, bodyLimitBytes: 64 * 1024, taskQueue: 'unused', operatorAccessToken: OPERATOR_TOKEN },
      providers: { twilioAuthToken: TWILIO_TOKEN, sendgridInboundSecret: INBOUND_SECRET, sendgridEventPublicKey: eventKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), inboundEmailDomain: INBOUND_DOMAIN },
      signalTimeoutMs: 500,
    });
    // Something to find: a request with a survey SMS, live links and a reply address.
    const request = await seedRequest(pool);
    await recordSurveySms(pool, request.requestId, request.mobile);
    for (const purpose of ['survey', 'choice', 'email-reply', 'unsubscribe'] as const) await issueToken(pool, purpose, request.requestId, request.customerId, new Date(Date.now() + 86_400_000));
  });
  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await pool?.end();
    await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
  });

  it(`${Math.round(RUNS * 0.6)} unsigned, wrongly signed, malformed and oversized requests: never a 5xx, nothing changes, memory stays flat`, async () => {
    const before = await fingerprint(pool);
    const runs = Math.round(RUNS * 0.6);
    const statuses = new Map<number, number>();
    let heapAtWarm = 0;
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(invalidRequest, async (request) => {
        const res = await app.inject(request);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (++sent === Math.round(runs / 5)) {
          collectGarbage();
          heapAtWarm = process.memoryUsage().heapUsed;
        }
        expect(res.statusCode, `${request.method} ${request.url} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: runs },
    );
    collectGarbage();
    const growthMb = (process.memoryUsage().heapUsed - heapAtWarm) / 1_048_576;
    expect(await fingerprint(pool)).toEqual(before);
    expect(growthMb, `heap grew ${growthMb.toFixed(1)} MB over ${runs} requests`).toBeLessThan(48);
    // The generator reaches the refusals it is meant to: bad signatures, unknown tokens, bad bodies.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([401, 404]));
  }, 600_000);

  it(`${Math.round(RUNS * 0.3)} correctly signed requests with malformed content: never a 5xx`, async () => {
    const signedMalformed = fc.oneof(
      fc.tuple(fc.constantFrom(...TWILIO_ROUTES), formParams).map(([url, params]) => signedTwilio(url, params)),
      jsonValue.map((events) => sendgridEvents(events, 'valid')),
      anyBody.map((body) => ({ method: 'POST' as const, url: `/webhooks/sendgrid/inbound/${INBOUND_SECRET}`, headers: body.contentType ? { 'content-type': body.contentType } : {}, payload: body.payload })),
    );
    await fc.assert(
      fc.asyncProperty(signedMalformed, async (request) => {
        const res = await app.inject(request);
        expect(res.statusCode, `${request.method} ${request.url} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: Math.round(RUNS * 0.3) },
    );
  }, 600_000);

  it('replayed and reordered provider events are each stored once, in any order', async () => {
    const request = await seedRequest(pool);
    const sid = await recordSurveySms(pool, request.requestId, request.mobile);
    const batches = Math.max(5, Math.round(RUNS / 100));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('reply', 'status'), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 8 }),
        async (events) => {
          const batch = randomBytes(4).toString('hex');
          const requests = events.flatMap(([kind, n, copies]) => {
            const one =
              kind === 'reply'
                ? signedTwilio('/webhooks/twilio/sms', { From: request.mobile, To: '+82215880002', Body: `${n + 3} fine`, MessageSid: `SM${batch}${n}`, AccountSid: 'AC0' })
                : signedTwilio('/webhooks/twilio/sms/status', { MessageSid: sid, MessageStatus: ['sent', 'delivered', 'undelivered'][n]!, ErrorCode: n === 2 ? '30003' : '' });
            return Array.from({ length: copies }, () => one);
          });
          const answers = await Promise.all(fc.sample(fc.shuffledSubarray(requests, { minLength: requests.length }), 1)[0]!.map((r) => app.inject(r)));
          for (const a of answers) expect(a.statusCode).toBeLessThan(500);
          const distinctReplies = new Set(events.filter(([k]) => k === 'reply').map(([, n]) => n)).size;
          const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE source = 'twilio-sms' AND event_id LIKE $1`, [`SM${batch}%`]);
          expect(rows[0]!.n).toBe(distinctReplies);
        },
      ),
      { numRuns: batches },
    );
    const { rows } = await pool.query<{ event_id: string; n: number }>(`SELECT event_id, count(*)::int AS n FROM inbox GROUP BY source, event_id HAVING count(*) > 1`);
    expect(rows).toEqual([]);
  }, 600_000);

  it('with the database down, every route still answers at once, and the process stays up', async () => {
    const deadPool = createPool(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`, 2);
    const downApp = await buildTestServer(deadPool, new Client({ connection }), connection, { signalTimeoutMs: 500 });
    try {
      const sample = fc.sample(fc.oneof(invalidRequest, fc.tuple(fc.constantFrom(...TWILIO_ROUTES), formParams).map(([url, params]) => signedTwilio(url, params))), Math.max(50, Math.round(RUNS / 10)));
      for (const request of sample) {
        const started = Date.now();
        const res = await downApp.inject(request);
        expect(res.statusCode).toBeGreaterThanOrEqual(200);
        expect(Date.now() - started, `${request.method} ${request.url}`).toBeLessThan(2000);
      }
      const ready = await downApp.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ checks: { postgres: false } });
    } finally {
      await downApp.close();
      await deadPool.end();
    }
  }, 300_000);
});
