import { createHmac, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Pool } from '../../../db/pool';
import { buildWebhookServer, type WebhookDeps } from '../../../client/webhooks/server';
import { serviceRequestWorkflowId } from '../../../workflows/messages';
import { seedNetwork } from '../../support/fixtures';
import { freePort } from '../../support/ports';
import { testPool } from '../../support/db';
import { afterAll, beforeAll, inject } from 'vitest';

export const PUBLIC_BASE_URL = 'https://hooks.example.test';
export const TWILIO_TOKEN = 'test-twilio-auth-token';
export const INBOUND_SECRET = 'inbound-secret-for-tests';
export const INBOUND_DOMAIN = 'reply.example.test';

import { startProbeWorker, waitFor, type ProbeWorker } from './probeHarness';
export { startProbeWorker, waitFor, type ProbeWorker } from './probeHarness';

/** What a describe block that drives the webhook server against a signal probe works with. */
export interface ProbedWebhookApp {
  pool: Pool;
  probe: ProbeWorker;
  app: FastifyInstance;
}

/**
 * Registers, in the calling describe block, the setup most webhook tests share: a pool, a signal
 * probe on the test Temporal server and the full webhook server on it; closed in reverse order.
 * `ready` hands them over once built (tests keep them in their own variables).
 */
export function probedWebhookApp(ready: (built: ProbedWebhookApp) => void, overrides: Partial<WebhookDeps> = {}): void {
  let built: Partial<ProbedWebhookApp> = {};
  beforeAll(async () => {
    const pool = testPool();
    built = { pool };
    const probe = await startProbeWorker(inject('temporalAddress'));
    built.probe = probe;
    built.app = await buildTestServer(pool, probe.client, probe.connection, overrides);
    ready(built as ProbedWebhookApp);
  });
  afterAll(async () => {
    await built.app?.close();
    await built.probe?.stop();
    await built.pool?.end();
  });
}

/**
 * The one webhook-app fixture: the full server as main.ts builds it, with test secrets and a
 * public URL, on the given Temporal client (a signal probe's, or an unreachable one).
 */
export async function buildTestServer(pool: Pool, temporal: Client, temporalConnection: Connection, overrides: Partial<WebhookDeps> = {}): Promise<FastifyInstance> {
  return buildWebhookServer({
    pool,
    temporal,
    temporalConnection,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    clock: () => new Date(),
    settings: { publicBaseUrl: PUBLIC_BASE_URL, bodyLimitBytes: 64 * 1024, taskQueue: 'unused' },
    providers: { twilioAuthToken: TWILIO_TOKEN, sendgridInboundSecret: INBOUND_SECRET, inboundEmailDomain: INBOUND_DOMAIN },
    signalTimeoutMs: 3000,
    ...overrides,
  });
}

/**
 * A Temporal that cannot help: 'refused' is a port nobody listens on; 'hung' accepts connections
 * and never answers (a frozen frontend, a black-holed network), so a lazy connection keeps dialling.
 */
export async function unreachableTemporal(kind: 'refused' | 'hung' = 'refused') {
  let server: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  let port: number;
  if (kind === 'hung') {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  } else {
    port = await freePort();
  }
  // As the webhook server connects (client/temporal.ts): lazily, without gRPC-level retries.
  const connection = Connection.lazy({ address: `127.0.0.1:${port}`, interceptors: [] });
  return {
    connection,
    client: new Client({ connection }),
    async close() {
      await connection.close().catch(() => undefined);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

/**
 * A real Temporal server behind a gate. Held, it accepts connections and passes nothing on (a
 * frozen frontend: every call hangs); opened, it passes on everything held, in order, and all
 * that follows, so a signal that hung is delivered once Temporal answers. It can be held again.
 */
export async function gatedTemporal(address: string) {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  let held = true;
  const waiting: { to: net.Socket; chunk: Buffer }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(port, host);
    for (const [from, to] of [[downstream, upstream], [upstream, downstream]] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => (held ? waiting.push({ to, chunk }) : to.write(chunk)));
      from.on('error', () => undefined);
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const connection = Connection.lazy({ address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, interceptors: [] });
  return {
    connection,
    client: new Client({ connection }),
    hold() {
      held = true;
    },
    open() {
      held = false;
      for (const { to, chunk } of waiting.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    async close() {
      await connection.close().catch(() => undefined);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type GatedTemporal = Awaited<ReturnType<typeof gatedTemporal>>;

/** A multipart body laid out like SendGrid Inbound Parse (parsed mode): one part per field, plus files. */
export function inboundParseBody(fields: Record<string, string>, files: { name: string; filename: string; type: string; content: string }[] = []) {
  const boundary = `xYzZY${randomBytes(8).toString('hex')}`;
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  for (const f of files) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n${f.content}\r\n`);
  return { payload: Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8'), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A key pair for the SendGrid Event Webhook, and the public key as the Mail Settings page shows it (base64 DER). */
export function sendgridEventKeys() {
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey: keys.privateKey, publicKey: keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

/** A batch of Event Webhook events signed as SendGrid signs them (ECDSA over timestamp + body). */
export function signedSendGridEvents(events: unknown[], key: KeyObject, at = Date.now()) {
  const payload = JSON.stringify(events);
  const timestamp = String(Math.floor(at / 1000));
  const signature = sign('sha256', Buffer.from(timestamp + payload), key).toString('base64');
  return { payload, headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp } };
}

/** One Event Webhook event about a request's survey email (our custom args come back as fields). */
export function sendgridEvent(requestId: string, fields: Record<string, unknown>) {
  return {
    email: 'minji@mail.example.test', timestamp: Math.floor(Date.now() / 1000), 'smtp-id': '<x@sendgrid>', sg_event_id: randomBytes(12).toString('base64url'), sg_message_id: 'sg-msg-0001.filter', requestId, purpose: 'survey', ...fields,
  };
}

/** The full server for routes that never signal (statistics): Temporal is simply not there. */
export async function buildTestServerWithoutTemporal(pool: Pool, overrides: Omit<Partial<WebhookDeps>, 'settings'> & { settings?: Partial<WebhookDeps['settings']> } = {}): Promise<FastifyInstance> {
  const temporal = await unreachableTemporal();
  const { settings, ...rest } = overrides;
  const app = await buildTestServer(pool, temporal.client, temporal.connection, {
    settings: { publicBaseUrl: PUBLIC_BASE_URL, bodyLimitBytes: 64 * 1024, taskQueue: 'unused', ...settings },
    ...rest,
  });
  app.addHook('onClose', () => temporal.close());
  return app;
}

export interface SeededRequest {
  requestId: string;
  customerId: string;
  mobile: string;
  email: string | null;
  centreId: string;
}

/** A customer and a service request of their own (random ids, never shared with another test). */
export async function seedRequest(
  pool: Pool,
  options: { language?: 'ko' | 'en'; email?: string | null; emailRequested?: boolean; closed?: boolean; network?: Awaited<ReturnType<typeof seedNetwork>> } = {},
): Promise<SeededRequest> {
  const network = options.network ?? (await seedNetwork(pool, { technicians: 0 }));
  const customerId = `cust-${randomBytes(5).toString('hex')}`;
  const mobile = `+8210${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
  const email = options.email === undefined ? `${customerId}@mail.example.test` : options.email;
  await pool.query(
    `INSERT INTO customers (id, name, email, mobile, language, time_zone, area_code, sensitivity_class, email_requested)
     VALUES ($1, 'Kim Minji', $2, $3, $4, 'Asia/Seoul', $5, 'standard', $6)`,
    [customerId, email, mobile, options.language ?? 'ko', network.areaCode, options.emailRequested ?? false],
  );
  const requestId = randomUUID();
  await pool.query(
    `INSERT INTO service_requests (id, workflow_id, customer_id, product_field, fault_description, area_code, service_centre_id, wanted_during, status)
     VALUES ($1, $2, $3, $4, 'Not cooling', $5, $6, tstzrange(now(), now() + interval '1 day'), $7)`,
    [requestId, serviceRequestWorkflowId(requestId), customerId, network.field, network.areaCode, network.centreId, options.closed ? 'closed' : 'open'],
  );
  return { requestId, customerId, mobile, email, centreId: network.centreId };
}

/** One more open request of an already seeded customer (a second repair with the same centre). */
export async function seedAnotherRequest(pool: Pool, of: SeededRequest): Promise<SeededRequest> {
  const requestId = randomUUID();
  await pool.query(
    `INSERT INTO service_requests (id, workflow_id, customer_id, product_field, fault_description, area_code, service_centre_id, wanted_during)
     SELECT $1, $2, customer_id, product_field, 'Noisy', area_code, service_centre_id, wanted_during FROM service_requests WHERE id = $3`,
    [requestId, serviceRequestWorkflowId(requestId), of.requestId],
  );
  return { ...of, requestId };
}

/** Records that the survey SMS went out for a request, as the outbox does. */
export async function recordSurveySms(pool: Pool, requestId: string, recipient: string, providerId = `SM${randomBytes(16).toString('hex')}`) {
  await pool.query(
    `INSERT INTO outbox (idempotency_key, request_id, channel, purpose, recipient, body, mode, status, provider_message_id, sent_at)
     VALUES ($1, $2, 'sms', 'survey', $3, '{}', 'live', 'sent', $4, now())`,
    [`${serviceRequestWorkflowId(requestId)}:survey-sms:${randomBytes(3).toString('hex')}`, requestId, recipient, providerId],
  );
  return providerId;
}

/** X-Twilio-Signature as Twilio computes it: HMAC-SHA1 over the URL and the sorted parameters. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** Posts form parameters the way Twilio does, signed (or not, or wrongly). */
export function postTwilio(app: FastifyInstance, path: string, params: Record<string, string>, signing: 'signed' | 'unsigned' | 'wrong' = 'signed') {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', host: 'internal-host:3000' };
  if (signing === 'signed') headers['x-twilio-signature'] = twilioSignature(TWILIO_TOKEN, `${PUBLIC_BASE_URL}${path}`, params);
  if (signing === 'wrong') headers['x-twilio-signature'] = twilioSignature('another-token', `${PUBLIC_BASE_URL}${path}`, params);
  return app.inject({ method: 'POST', url: path, headers, payload: new URLSearchParams(params).toString() });
}

export async function inboxRows(pool: Pool, requestId: string) {
  const { rows } = await pool.query('SELECT id, source, event_id, kind, payload, status FROM inbox WHERE request_id = $1 ORDER BY id', [requestId]);
  return rows as { id: string; source: string; event_id: string; kind: string; payload: Record<string, unknown>; status: string }[];
}

/**
 * The request's inbox rows once none is pending: routes that answer before they signal (SMS) pass
 * the row on after the answer, so its outcome is waited for, not expected at once.
 */
export async function settledInboxRows(pool: Pool, requestId: string) {
  return waitFor('the inbox rows to be passed on', async () => {
    const rows = await inboxRows(pool, requestId);
    return rows.length > 0 && rows.every((r) => r.status !== 'pending') ? rows : undefined;
  });
}
