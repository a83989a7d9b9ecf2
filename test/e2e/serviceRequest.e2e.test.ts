import { randomBytes, randomInt } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import { hashToken } from '../../db/queries/accessTokens';
import { startServiceRequest } from '../../client/requests/newRequest';
import { startInboxRelay, type InboxRelay } from '../../client/webhooks/inbox/relay';
import { buildWebhookServer } from '../../client/webhooks/server';
import { loadConfig, type Config } from '../../config';
import { createPool, type Pool } from '../../db/pool';
import { createSandboxGateways } from '../../providers/sandbox';
import { twilioSignatureFor } from '../../providers/twilioSignature';
import { createServiceWorker } from '../../worker/createWorker';
import { cancelRequestSignal, getStateQuery, serviceRequestWorkflowId } from '../../workflows/messages';
import {
  ServiceCustomerIdKey,
  ServiceReplyCategoryKey,
  ServiceRequestStageKey,
  ServiceTechnicianIdKey,
} from '../../workflows/searchAttributes';
import type { serviceRequestWorkflow } from '../../workflows/serviceRequest';
import type { ServiceRequestState, Stage } from '../../workflows/types';
import { EncryptionCodec } from '../../client/codec/encryptionCodec';
import { parseKeyRing } from '../../config/payloadKeys';
import { seedNetwork } from '../support/fixtures';
import type { Payload } from '@temporalio/common';
import { freePort } from '../support/ports';

/**
 * End to end: the real workflow and the real activities on the Temporal dev server and PostgreSQL,
 * the sandbox providers (which only record to the outbox), and the real webhook server on a real
 * port. The test plays the customer and the technician only through the doors the outside world
 * uses: the choice page, the technicians' endpoint, signed Twilio webhooks and SendGrid Inbound
 * Parse. It reads the outbox only to find what a phone or an inbox would have received.
 */

type RequestHandle = WorkflowHandle<typeof serviceRequestWorkflow>;
type Network = Awaited<ReturnType<typeof seedNetwork>>;

const DAY_MS = 86_400_000;
const INBOUND_DOMAIN = 'reply.test';

/**
 * Both Temporal stacks `make up` can run: the dev server, and the cluster (the real server on
 * PostgreSQL with SQL visibility, as deployed) when `make test` has built it.
 */
const stacks = [
  { stack: 'Temporal dev server', address: inject('temporalAddress') },
  ...(inject('clusterTemporalAddress') ? [{ stack: 'Temporal cluster on PostgreSQL', address: inject('clusterTemporalAddress') }] : []),
];

describe.each(stacks)('service request end to end (real activities, PostgreSQL, $stack, webhooks)', ({ address }) => {
  const taskQueue = `e2e-${randomBytes(6).toString('hex')}`;
  const sealingKey = randomBytes(32).toString('base64');
  // Every payload the worker and the clients exchange is encrypted, as in a deployment.
  const payloadKeys = `e2e-1:${randomBytes(32).toString('base64')}`;
  const codec = new EncryptionCodec(parseKeyRing(payloadKeys));
  const twilioAuthToken = randomBytes(16).toString('hex');
  const inboundSecret = randomBytes(16).toString('hex');
  const silent = pino({ level: 'silent' });
  const startedWorkflowIds: string[] = [];

  let pool: Pool;
  let connection: Connection;
  let client: Client;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let workerRun: Promise<void>;
  let app: FastifyInstance;
  let relay: InboxRelay;
  let baseUrl: string;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Already installed in this test process: keep that one.
    }
    pool = createPool(inject('databaseUrl'), 10);
    connection = await Connection.connect({ address });
    client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;

    app = await buildWebhookServer({
      pool,
      temporal: client,
      temporalConnection: connection,
      log: silent,
      clock: () => new Date(),
      settings: { publicBaseUrl: baseUrl, bodyLimitBytes: 1_048_576, taskQueue },
      providers: { twilioAuthToken, sendgridInboundSecret: inboundSecret, inboundEmailDomain: INBOUND_DOMAIN },
      codec: { codec, corsOrigins: ['http://localhost:8233'] },
    });
    await app.listen({ host: '127.0.0.1', port });
    relay = startInboxRelay({ pool, temporal: client, log: silent }, { intervalMs: 500 });

    const activities = createActivities({
      pool,
      gateways: createSandboxGateways(silent),
      clock: () => new Date(),
      log: silent,
      settings: {
        piiSealingKey: sealingKey,
        publicBaseUrl: baseUrl,
        inboundEmailDomain: INBOUND_DOMAIN,
        defaultTimeZone: 'Asia/Seoul',
        contactHours: { start: '00:00', end: '24:00' },
        incentivePoints: 500,
      },
    });
    nativeConnection = await NativeConnection.connect({ address });
    // Bundles the workflow code: seconds, so once for the whole file.
    worker = await createServiceWorker({ connection: nativeConnection, namespace: 'default', taskQueue, activities, payloadCodec: codec });
    workerRun = worker.run();
  });

  afterAll(async () => {
    // A failed scenario must not leave its workflows (or their revisits) running against this worker.
    for (const id of startedWorkflowIds) {
      const handle = client?.workflow.getHandle(id);
      const running = await handle?.describe().then((d) => d.status.name === 'RUNNING').catch(() => false);
      if (running) await handle?.terminate('end-to-end test finished').catch(() => undefined);
    }
    await app?.close();
    await relay?.stop();
    if (worker) {
      worker.shutdown();
      await workerRun;
    }
    await nativeConnection?.close();
    await connection?.close();
    await pool?.end();
  });

  // ---------------------------------------------------------------- configuration and helpers

  /** The config a client script would load, minus process.env: durations are scaled by TIME_SCALE. */
  function configFor(overrides: Record<string, string> = {}): Config {
    return loadConfig({
      LOG_LEVEL: 'silent',
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      PUBLIC_BASE_URL: baseUrl,
      PII_SEALING_KEY: sealingKey,
      PAYLOAD_ENCRYPTION_KEYS: payloadKeys,
      SENDGRID_INBOUND_DOMAIN: INBOUND_DOMAIN,
      SURVEY_CHANNEL_POLICY: 'email',
      INCENTIVE_POINTS: '500',
      // 1/20000: the 7-day reply window lasts about 30 s; 14 days (choice, SLA, call) about 60 s,
      // i.e. long enough that only the test's own actions move these requests on.
      TIME_SCALE: '20000',
      CHOICE_TIMEOUT: '14d',
      COMPLETION_SLA: '14d',
      CALL_OUTCOME_TIMEOUT: '14d',
      REPLY_WINDOW: '7d',
      REPLY_REMINDER_BEFORE_CLOSE: '2d',
      NO_TECHNICIAN_RETRY_INTERVAL: '1h',
      NO_TECHNICIAN_MAX_ATTEMPTS: '3',
      ...overrides,
    });
  }

  /** A network of its own, with a bearer token we know for each technician. */
  async function network(): Promise<Network & { tokenOf: Map<string, string> }> {
    const net = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 2 });
    const tokenOf = new Map<string, string>();
    for (const id of net.technicianIds) {
      const token = randomBytes(24).toString('base64url');
      await pool.query('UPDATE technicians SET access_token_hash = $2 WHERE id = $1', [id, hashToken(token)]);
      tokenOf.set(id, token);
    }
    return { ...net, tokenOf };
  }

  /** A Korean mobile number nobody else in the shared database has, as typed and in E.164. */
  function mobileNumber() {
    const a = randomInt(2000, 10000);
    const b = randomInt(0, 10000).toString().padStart(4, '0');
    return { national: `010-${a}-${b}`, e164: `+8210${a}${b}`, digits: `010${a}${b}` };
  }

  const wantedWindow = () => ({
    start: new Date(Date.now() + 3_600_000).toISOString(),
    end: new Date(Date.now() + 3 * DAY_MS).toISOString(),
  });

  async function startRequest(config: Config, body: unknown) {
    const started = await startServiceRequest(client, config, body);
    startedWorkflowIds.push(started.workflowId);
    return { ...started, handle: client.workflow.getHandle<typeof serviceRequestWorkflow>(started.workflowId) };
  }

  /** Polls until probe answers something truthy (never a fixed sleep). */
  async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function waitForStage(handle: RequestHandle, stage: Stage, timeoutMs = 20_000): Promise<ServiceRequestState> {
    let last: Stage | undefined;
    try {
      return await waitFor(
        `stage ${stage}`,
        async () => {
          const state = await handle.query(getStateQuery);
          last = state.stage;
          return state.stage === stage ? state : undefined;
        },
        timeoutMs,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message} (workflow ${handle.workflowId} is at ${last})`);
    }
  }

  interface OutboxRow {
    id: string;
    channel: string;
    purpose: string;
    recipient: string;
    status: string;
    body: { text: string; subject?: string; replyTo?: string };
    provider_message_id: string | null;
  }

  async function outbox(requestId: string, purpose?: string): Promise<OutboxRow[]> {
    const { rows } = await pool.query<OutboxRow>(
      `SELECT id, channel, purpose, recipient, status, body, provider_message_id FROM outbox
        WHERE request_id = $1 AND ($2::text IS NULL OR purpose = $2) ORDER BY id`,
      [requestId, purpose ?? null],
    );
    return rows;
  }

  const sentMessage = (requestId: string, purpose: string) =>
    waitFor(`a sent '${purpose}' message for ${requestId}`, async () => (await outbox(requestId, purpose)).find((r) => r.status === 'sent'));

  async function purposeCounts(requestId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const row of await outbox(requestId)) counts[row.purpose] = (counts[row.purpose] ?? 0) + 1;
    return counts;
  }

  async function post(path: string, body: URLSearchParams | FormData | string, headers: Record<string, string> = {}) {
    const res = await fetch(`${baseUrl}${path}`, { method: 'POST', body, headers });
    return { status: res.status, text: await res.text() };
  }

  /** As Twilio posts: form-encoded, signed over the public URL with the account's auth token. */
  const postTwilio = (path: string, params: Record<string, string>) =>
    post(path, new URLSearchParams(params), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignatureFor(twilioAuthToken, `${baseUrl}${path}`, params),
    });

  /** As SendGrid Inbound Parse posts (parsed mode): multipart, one field per part. */
  function postInboundEmail(fields: Record<string, string>) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    return post(`/webhooks/sendgrid/inbound/${inboundSecret}`, form);
  }

  /** The customer opens the link from the choice message and picks a technician on the page. */
  async function chooseOnPage(requestId: string, pick: 'first' | 'last'): Promise<{ technicianId: string; token: string }> {
    const message = await sentMessage(requestId, 'technician-choice');
    const token = message.body.text.match(/\/choose\/([\w-]+)/)?.[1];
    expect(token, 'the choice message carries the page link').toBeDefined();
    const page = await fetch(`${baseUrl}/choose/${token}`);
    expect(page.status).toBe(200);
    const { rows } = await pool.query<{ technician_id: string }>('SELECT technician_id FROM candidate_offers WHERE request_id = $1 ORDER BY rank', [requestId]);
    expect(rows.length).toBeGreaterThan(0);
    const technicianId = (pick === 'first' ? rows[0] : rows[rows.length - 1])!.technician_id;
    expect(await page.text()).toContain(technicianId);
    const chosen = await post(`/choose/${token}`, new URLSearchParams({ technicianId }), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(chosen.status).toBe(200);
    return { technicianId, token: token! };
  }

  async function reportProgress(requestId: string, token: string, status: 'en_route' | 'arrived' | 'working' | 'completed', eventId: string) {
    const res = await post(
      `/technicians/jobs/${requestId}/progress`,
      JSON.stringify({ eventId, status, ...(status === 'completed' ? { resolved: true } : {}) }),
      { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    );
    return { status: res.status, body: JSON.parse(res.text) as { signalled?: boolean; duplicate?: boolean } };
  }

  async function callSidOf(requestId: string): Promise<string> {
    // The call_attempts row is written after the provider accepted the call: then the webhook knows it.
    const sid = await waitFor(`the survey call of ${requestId}`, async () => {
      const { rows } = await pool.query<{ call_sid: string }>('SELECT call_sid FROM call_attempts WHERE request_id = $1', [requestId]);
      return rows[0]?.call_sid;
    });
    return sid;
  }

  /** Every string in a Temporal proto message, with payload bytes decoded, as one searchable text. */
  /**
   * Every payload in a message (history, description) as Temporal stores it, but search
   * attributes (the server must read them to index them, so no codec touches them; they carry
   * ids and stages only) and the SDK's own patch markers (a patch id, written by the SDK core).
   */
  function payloadsIn(message: unknown): Payload[] {
    const found: Payload[] = [];
    const walk = (v: unknown): void => {
      if (v === null || v === undefined || typeof v !== 'object' || v instanceof Uint8Array) return;
      if (Array.isArray(v)) return v.forEach(walk);
      const o = v as Record<string, unknown>;
      if (o.markerName === 'core_patch') return;
    // A local activity's marker: core reads its own bookkeeping ('data') in clear; the result is ours.
    if (o.markerName === 'core_local_activity') return walk((o.details as Record<string, unknown> | undefined)?.result);
      if (o.data instanceof Uint8Array && o.metadata && typeof o.metadata === 'object') found.push(o as Payload);
      else for (const [key, value] of Object.entries(o)) if (key !== 'searchAttributes') walk(value);
    };
    walk(message);
    return found;
  }

  /** The text of a message with its payloads decrypted, as an operator with the codec sees it. */
  async function decodedTextOf(message: unknown): Promise<string> {
    const decoded = await codec.decode(payloadsIn(message));
    return `${textOf(message)}\n${textOf(decoded)}`;
  }

  function textOf(message: unknown): string {
    const parts: string[] = [];
    const walk = (v: unknown): void => {
      if (v === null || v === undefined) return;
      if (typeof v === 'string') parts.push(v);
      else if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
      else if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(message);
    return parts.join('\n');
  }

  async function requestRow(requestId: string) {
    const { rows } = await pool.query('SELECT status, close_reason, completion_result, revisit_of FROM service_requests WHERE id = $1', [requestId]);
    return rows[0];
  }

  async function bookings(requestId: string) {
    const { rows } = await pool.query<{ technician_id: string; status: string }>('SELECT technician_id, status FROM bookings WHERE request_id = $1 ORDER BY id', [requestId]);
    return rows;
  }

  async function grants(requestId: string) {
    const { rows } = await pool.query<{ customer_id: string; points: number }>(
      `SELECT customer_id, points FROM loyalty_ledger WHERE request_id = $1 AND kind = 'survey_reply_grant'`,
      [requestId],
    );
    return rows;
  }

  // ---------------------------------------------------------------- scenarios

  it('A: choice page → technician reports → unanswered call → email survey → email reply: answered, stored, rewarded once, no PII in history', async () => {
    const net = await network();
    const s = net.suffix;
    const name = `Kim Minji ${s}`;
    const email = `minji.${s}@mail.example.test`;
    const mobile = mobileNumber();
    const { requestId, customerId, handle } = await startRequest(configFor(), {
      customer: { name, email, mobile: mobile.national, areaCode: net.areaCode, language: 'ko' },
      product: { field: net.field, model: 'RF-9000', fault: '냉장이 안 돼요' },
      wantedWindow: wantedWindow(),
    });

    // 2. The customer picks the lower-ranked technician, so the booking proves the choice counted.
    const { technicianId, token: choiceToken } = await chooseOnPage(requestId, 'last');
    const assigned = await waitForStage(handle, 'awaiting_completion');
    expect(assigned.technicianId).toBe(technicianId);
    expect(await bookings(requestId)).toEqual([{ technician_id: technicianId, status: 'active' }]);
    // The link is single-use.
    const again = await post(`/choose/${choiceToken}`, new URLSearchParams({ technicianId }), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(again.status).toBe(409);
    expect((await outbox(requestId, 'dispatch')).map((r) => r.recipient)).toEqual(['+821012340000']);
    expect(await outbox(requestId, 'visit-notice')).toHaveLength(1);

    // 3. Progress and completion from the technician's app; the app retrying completion changes nothing.
    const techToken = net.tokenOf.get(technicianId)!;
    const other = net.technicianIds.find((id) => id !== technicianId)!;
    const notTheirs = await reportProgress(requestId, net.tokenOf.get(other)!, 'en_route', `e2e-${s}-intruder`);
    expect(notTheirs.status).toBe(403);
    for (const status of ['en_route', 'arrived', 'working', 'completed'] as const) {
      const res = await reportProgress(requestId, techToken, status, `e2e-${s}-${status}`);
      expect(res.status).toBe(201);
      expect(res.body.signalled).toBe(true);
    }
    const retried = await reportProgress(requestId, techToken, 'completed', `e2e-${s}-completed`);
    expect(retried).toMatchObject({ status: 200, body: { duplicate: true } });

    // 4. The survey call: nobody answers (Twilio's status callback, retried once by Twilio).
    const callSid = await callSidOf(requestId);
    const call = await sentMessage(requestId, 'survey-call');
    expect(call.provider_message_id).toBe(callSid);
    expect(call.recipient).toBe(mobile.e164);
    const noAnswer = { AccountSid: 'ACe2e', CallSid: callSid, CallStatus: 'no-answer', Direction: 'outbound-api', To: mobile.e164, From: '+82215880002', ApiVersion: '2010-04-01' };
    expect((await postTwilio('/webhooks/twilio/voice/status', noAnswer)).status).toBe(204);
    expect((await postTwilio('/webhooks/twilio/voice/status', noAnswer)).status).toBe(204);

    // 5-6. The survey goes by email (both on file, policy email); the customer replies to it.
    const survey = await sentMessage(requestId, 'survey');
    expect(survey).toMatchObject({ channel: 'email', recipient: email });
    const replyTo = survey.body.replyTo!;
    expect(replyTo).toMatch(new RegExp(`^reply\\+[\\w-]+@${INBOUND_DOMAIN.replace('.', '\\.')}$`));
    const waiting = await waitForStage(handle, 'awaiting_reply');
    expect(waiting.callOutcome).toBe('no_answer');
    expect(waiting.channelsTried).toEqual(['voice', 'email']);

    const ownWords = '5 - 기사님이 정말 친절하셨어요. 감사합니다!';
    // The quoted survey would read as a repeated failure if it were not cut off.
    const text = [
      ownWords,
      '',
      '-- ',
      name,
      '',
      'On Tue, 3 Nov 2026 at 14:10, Gangnam Service <service@centre.example> wrote:',
      '> 수리 후 또 고장이 났나요? 다시 방문이 필요하면 알려 주세요.',
      '> How was your repair? Reply 1 (poor) to 5 (excellent).',
      '',
    ].join('\n');
    const fields = {
      headers: `Received: by mx.sendgrid.net\nMessage-ID: <e2e-${s}@mail.example.test>\nFrom: ${name} <${email}>\nTo: ${replyTo}\nSubject: Re: ${survey.body.subject ?? ''}`,
      to: replyTo,
      from: `${name} <${email}>`,
      subject: `Re: ${survey.body.subject ?? ''}`,
      text,
      envelope: JSON.stringify({ to: [replyTo], from: email }),
      SPF: 'pass',
      dkim: '{@mail.example.test : pass}',
      spam_score: '0.1',
      attachments: '0',
      charsets: JSON.stringify({ to: 'UTF-8', subject: 'UTF-8', text: 'UTF-8', from: 'UTF-8' }),
    };
    // SendGrid is answered once the reply is stored; the workflow is signalled after the answer.
    const replied = await postInboundEmail(fields);
    expect(replied.status).toBe(202);
    expect(JSON.parse(replied.text)).toMatchObject({ status: 'stored' });

    // 7. Classified, stored, rewarded, closed.
    const result = await handle.result();
    expect(result).toEqual({ requestId, closeReason: 'answered', replyCategory: 'delighted', incentivePoints: 500 });

    const replies = await pool.query('SELECT id, channel, rating, text, category, late, inbox_id FROM survey_replies WHERE request_id = $1', [requestId]);
    expect(replies.rows).toHaveLength(1);
    expect(replies.rows[0]).toMatchObject({ channel: 'email', rating: 5, text: ownWords, category: 'delighted', late: false });
    const items = await pool.query('SELECT item, rating FROM survey_reply_items WHERE reply_id = $1', [replies.rows[0].id]);
    expect(items.rows).toEqual([{ item: 'overall', rating: 5 }]);
    const inbox = await waitFor('every inbox row to be passed on', async () => {
      const found = await pool.query('SELECT source, status FROM inbox WHERE request_id = $1 ORDER BY id', [requestId]);
      return found.rows.every((r) => r.status !== 'pending') ? found : undefined;
    });
    // Every inbound event went through the inbox: the choice, the four technician reports, the call, the email.
    expect(inbox.rows).toEqual([
      { source: 'choice', status: 'delivered' },
      ...Array.from({ length: 4 }, () => ({ source: 'technician', status: 'delivered' })),
      { source: 'twilio-voice', status: 'delivered' },
      { source: 'sendgrid-inbound', status: 'delivered' },
    ]);
    // SendGrid retrying the same message: told it was delivered; same inbox row, no second reply, no second grant.
    const emailRetried = await postInboundEmail(fields);
    expect(emailRetried.status).toBe(200);
    expect(JSON.parse(emailRetried.text)).toMatchObject({ status: 'delivered' });
    expect((await pool.query('SELECT 1 FROM inbox WHERE request_id = $1', [requestId])).rowCount).toBe(inbox.rowCount);
    expect((await pool.query('SELECT 1 FROM survey_replies WHERE request_id = $1', [requestId])).rowCount).toBe(1);
    expect(await grants(requestId)).toEqual([{ customer_id: customerId, points: 500 }]);
    expect(await requestRow(requestId)).toMatchObject({ status: 'closed', close_reason: 'answered', completion_result: 'resolved', revisit_of: null });
    expect(await bookings(requestId)).toEqual([{ technician_id: technicianId, status: 'completed' }]);
    const progress = await pool.query(
      `SELECT p.technician_id, p.status, p.resolved, i.status = 'delivered' AS signalled FROM technician_progress p
         JOIN inbox i ON i.source = 'technician' AND 'technician:' || i.event_id = p.event_id WHERE p.request_id = $1 ORDER BY p.id`,
      [requestId],
    );
    expect(progress.rows).toEqual([
      { technician_id: technicianId, status: 'en_route', resolved: null, signalled: true },
      { technician_id: technicianId, status: 'arrived', resolved: null, signalled: true },
      { technician_id: technicianId, status: 'working', resolved: null, signalled: true },
      { technician_id: technicianId, status: 'completed', resolved: true, signalled: true },
    ]);
    const counts = await purposeCounts(requestId);
    expect(counts).toMatchObject({ 'technician-choice': 1, dispatch: 1, 'visit-notice': 1, 'survey-call': 1, survey: 1 });
    expect((await outbox(requestId)).every((r) => r.status === 'sent')).toBe(true);
    expect(await pool.query('SELECT outcome FROM call_attempts WHERE request_id = $1', [requestId]).then((r) => r.rows)).toEqual([{ outcome: 'no_answer' }]);

    const finalState = await handle.query(getStateQuery);
    expect(finalState.progress.map((p) => p.status)).toEqual(['en_route', 'arrived', 'working', 'completed']);
    expect(finalState).toMatchObject({ stage: 'closed', replyChannel: 'email', replyCategory: 'delighted', incentivePoints: 500, closeReason: 'answered' });

    // The operator's view: filterable search attributes (a visibility query by stage finds the
    // request); no contact details anywhere in Temporal.
    const listed = await waitFor('the request in a visibility query by stage', async () => {
      const ids: string[] = [];
      for await (const w of client.workflow.list({ query: `ServiceRequestStage = "closed" AND WorkflowId = "${handle.workflowId}"` })) ids.push(w.workflowId);
      return ids.length > 0 ? ids : undefined;
    });
    expect(listed).toEqual([handle.workflowId]);
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.typedSearchAttributes.get(ServiceRequestStageKey)).toBe('closed');
    expect(description.typedSearchAttributes.get(ServiceReplyCategoryKey)).toBe('delighted');
    expect(description.typedSearchAttributes.get(ServiceTechnicianIdKey)).toBe(technicianId);
    expect(description.typedSearchAttributes.get(ServiceCustomerIdKey)).toBe(customerId);
    const history = await handle.fetchHistory();
    // As stored: every payload encrypted, so not even the area code or the fault is readable.
    const stored = payloadsIn(history);
    expect(stored.length).toBeGreaterThan(10);
    for (const payload of stored) expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const storedText = `${textOf(history)}\n${textOf(description.raw)}`;
    for (const plain of [net.areaCode, '냉장이 안 돼요', 'RF-9000']) expect(storedText, `Temporal stores "${plain}" in clear`).not.toContain(plain);
    // The Web UI's and the CLI's codec endpoint decodes them.
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const viaEndpoint = await fetch(`${baseUrl}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
      body: JSON.stringify({ payloads: [{ metadata: { encoding: Buffer.from(started!.metadata!.encoding!).toString('base64'), 'encryption-key-id': Buffer.from(started!.metadata!['encryption-key-id']!).toString('base64') }, data: Buffer.from(started!.data!).toString('base64') }] }),
    }).then((r) => r.json() as Promise<{ payloads: { metadata: Record<string, string>; data: string }[] }>);
    expect(Buffer.from(viaEndpoint.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(Buffer.from(viaEndpoint.payloads[0]!.data, 'base64').toString()).toContain(net.areaCode);
    const temporalText = `${await decodedTextOf(history)}\n${await decodedTextOf(description.raw)}`;
    // The walk does see decoded payloads: the area code is only in the input, the stage only in a search attribute.
    expect(temporalText).toContain(net.areaCode);
    expect(temporalText).toContain('awaiting_reply');
    expect(temporalText).toContain(customerId);
    for (const secret of [email, `minji.${s}`, name, mobile.e164, mobile.national, mobile.digits, mobile.e164.slice(1), ownWords, '친절하셨어요']) {
      expect(temporalText, `Temporal must not hold "${secret}"`).not.toContain(secret);
    }
  });

  it('B: an SMS reply reporting a repeated failure starts a linked revisit, which a cancellation closes and releases', async () => {
    const net = await network();
    const s = net.suffix;
    const mobile = mobileNumber();
    const { requestId, customerId, handle } = await startRequest(configFor(), {
      customer: { name: `Lee Jiho ${s}`, email: `jiho.${s}@mail.example.test`, mobile: mobile.national, areaCode: net.areaCode, language: 'ko', preferredChannel: 'sms' },
      product: { field: net.field, fault: '세탁기 탈수가 안 돼요' },
      wantedWindow: wantedWindow(),
    });

    const { technicianId } = await chooseOnPage(requestId, 'first');
    await waitForStage(handle, 'awaiting_completion');
    expect((await reportProgress(requestId, net.tokenOf.get(technicianId)!, 'completed', `e2e-${s}-done`)).status).toBe(201);

    const callSid = await callSidOf(requestId);
    expect((await postTwilio('/webhooks/twilio/voice/status', { AccountSid: 'ACe2e', CallSid: callSid, CallStatus: 'busy', ApiVersion: '2010-04-01' })).status).toBe(204);

    // The customer prefers SMS: the survey goes by SMS and the answer comes back by SMS.
    const survey = await sentMessage(requestId, 'survey');
    expect(survey).toMatchObject({ channel: 'sms', recipient: mobile.e164 });
    await waitForStage(handle, 'awaiting_reply');
    const messageSid = `SM${randomBytes(16).toString('hex')}`;
    const sms = { AccountSid: 'ACe2e', MessageSid: messageSid, SmsMessageSid: messageSid, From: mobile.e164, To: '+82215880001', Body: '2 또 고장났어요 다시 와주세요', NumMedia: '0', ApiVersion: '2010-04-01' };
    const replied = await postTwilio('/webhooks/twilio/sms', sms);
    expect(replied.status).toBe(200);
    expect(replied.text).toContain('<Response');

    const result = await handle.result();
    expect(result).toMatchObject({ requestId, closeReason: 'answered', replyCategory: 'repeat_failure', incentivePoints: 500 });
    const revisitId = result.followUpRequestId!;
    expect(revisitId).toMatch(/^[0-9a-f-]{36}$/);
    startedWorkflowIds.push(serviceRequestWorkflowId(revisitId));

    const stored = await pool.query('SELECT channel, rating, text, category, late FROM survey_replies WHERE request_id = $1', [requestId]);
    expect(stored.rows).toEqual([{ channel: 'sms', rating: 2, text: '2 또 고장났어요 다시 와주세요', category: 'repeat_failure', late: false }]);
    expect(await grants(requestId)).toEqual([{ customer_id: customerId, points: 500 }]);
    expect(await requestRow(requestId)).toMatchObject({ status: 'closed', close_reason: 'answered' });

    // The revisit: its own request row linked to the original, and its own running workflow.
    // The revisit's workflow records its row with its first activity, which may still be running.
    const linked = await waitFor('the revisit row', async () => {
      const { rows } = await pool.query('SELECT id, customer_id FROM service_requests WHERE revisit_of = $1', [requestId]);
      return rows.length > 0 ? rows : undefined;
    });
    expect(linked).toEqual([{ id: revisitId, customer_id: customerId }]);
    const revisit: RequestHandle = client.workflow.getHandle<typeof serviceRequestWorkflow>(serviceRequestWorkflowId(revisitId));
    expect((await revisit.describe()).status.name).toBe('RUNNING');

    // The customer books the revisit, then calls it off before the visit.
    const { technicianId: revisitTechnician } = await chooseOnPage(revisitId, 'first');
    await waitForStage(revisit, 'awaiting_completion');
    expect(await bookings(revisitId)).toEqual([{ technician_id: revisitTechnician, status: 'active' }]);
    await revisit.signal(cancelRequestSignal, { eventId: `e2e-cancel-${revisitId}`, reason: 'customer fixed it themselves' });

    const revisitResult = await revisit.result();
    expect(revisitResult).toEqual({ requestId: revisitId, closeReason: 'cancelled', incentivePoints: 0 });
    expect(await requestRow(revisitId)).toMatchObject({ status: 'closed', close_reason: 'cancelled', revisit_of: requestId });
    expect(await bookings(revisitId)).toEqual([{ technician_id: revisitTechnician, status: 'released' }]);
    expect(await grants(revisitId)).toEqual([]);
    const revisitCounts = await purposeCounts(revisitId);
    expect(revisitCounts['survey-call']).toBeUndefined();
    expect(revisitCounts.survey).toBeUndefined();
    expect(await purposeCounts(requestId)).toMatchObject({ 'survey-call': 1, survey: 1 });
  });

  it('C: no reply closes the request after the scaled window with one reminder and no points; a late SMS is kept as late', async () => {
    const net = await network();
    const s = net.suffix;
    const mobile = mobileNumber();
    // 1/60000 here keeps the file short: the 7-day window lasts about 10 s, the reminder goes about
    // 3 s before it closes; the choice (4 h) and the call (15 m) time out at the 1 s floor, so this
    // customer ignores everything until the window has closed.
    const config = configFor({ TIME_SCALE: '60000', CHOICE_TIMEOUT: '4h', CALL_OUTCOME_TIMEOUT: '15m', COMPLETION_SLA: '14d' });
    const { requestId, customerId, handle } = await startRequest(config, {
      customer: { name: `Park Seoyeon ${s}`, mobile: mobile.national, areaCode: net.areaCode, language: 'ko' },
      product: { field: net.field, fault: '에어컨 바람이 약해요' },
      wantedWindow: wantedWindow(),
    });

    // Nobody chose: after the choice timeout the best candidate is booked for the customer.
    const assigned = await waitForStage(handle, 'awaiting_completion');
    expect(assigned.technicianId).toBeDefined();
    expect((await reportProgress(requestId, net.tokenOf.get(assigned.technicianId!)!, 'completed', `e2e-${s}-done`)).status).toBe(201);

    const result = await handle.result();
    expect(result).toEqual({ requestId, closeReason: 'no_reply', incentivePoints: 0 });
    const state = await handle.query(getStateQuery);
    expect(state).toMatchObject({ callOutcome: 'no_answer', channelsTried: ['voice', 'sms'], reminderSent: true, closeReason: 'no_reply' });

    const reminders = await outbox(requestId, 'reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ channel: 'sms', recipient: mobile.e164, status: 'sent' });
    expect(await purposeCounts(requestId)).toMatchObject({ 'survey-call': 1, survey: 1, reminder: 1 });
    expect(await grants(requestId)).toEqual([]);
    expect((await pool.query('SELECT 1 FROM survey_replies WHERE request_id = $1', [requestId])).rowCount).toBe(0);
    expect(await requestRow(requestId)).toMatchObject({ status: 'closed', close_reason: 'no_reply' });
    const historyLength = (await handle.describe()).historyLength;
    const outboxBefore = (await outbox(requestId)).length;

    // The answer comes after all: accepted, kept as late, nothing reopens and nothing is granted.
    const messageSid = `SM${randomBytes(16).toString('hex')}`;
    const late = await postTwilio('/webhooks/twilio/sms', { AccountSid: 'ACe2e', MessageSid: messageSid, From: mobile.e164, To: '+82215880001', Body: '5 좋았어요', ApiVersion: '2010-04-01' });
    expect(late.status).toBe(200);
    // The SMS route answers once the reply is stored and passes it on after the answer.
    const inbox = await waitFor('the late reply to be settled', async () => {
      const found = await pool.query(`SELECT status FROM inbox WHERE source = 'twilio-sms' AND event_id = $1`, [messageSid]);
      return found.rows[0]?.status !== 'pending' ? found : undefined;
    });
    expect(inbox.rows).toEqual([{ status: 'late' }]);
    const stored = await pool.query('SELECT channel, rating, text, late FROM survey_replies WHERE request_id = $1', [requestId]);
    expect(stored.rows).toEqual([{ channel: 'sms', rating: 5, text: '5 좋았어요', late: true }]);
    expect(await grants(requestId)).toEqual([]);
    expect(await requestRow(requestId)).toMatchObject({ status: 'closed', close_reason: 'no_reply' });
    const after = await handle.describe();
    expect(after.status.name).toBe('COMPLETED');
    expect(after.historyLength).toBe(historyLength);
    expect((await outbox(requestId)).length).toBe(outboxBefore);
    expect((await pool.query('SELECT 1 FROM loyalty_ledger WHERE customer_id = $1', [customerId])).rowCount).toBe(0);
  });
});
