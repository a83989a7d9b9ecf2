import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startInboxRelay } from '../../../client/webhooks/inbox/relay';
import { createPool, type Pool } from '../../../db/pool';
import { startTemporalDevServer, type DevServer } from '../../../scripts/stack/temporalDevServer';
import { serviceRequestWorkflowId } from '../../../workflows/messages';
import { testPool } from '../../support/db';
import { freePort } from '../../support/ports';
import { PROBE_PATH } from './probeHarness';
import { buildTestServer, inboxRows, postTwilio, recordSurveySms, seedRequest, waitFor } from './webhookApp';

describe('durable inbox', () => {
  let pool: Pool;
  let dir: string;
  let server: DevServer | undefined;

  beforeAll(async () => {
    pool = testPool();
    dir = await mkdtemp(path.join(os.tmpdir(), 'sfe-inbox-'));
  });
  afterAll(async () => {
    await server?.stop();
    await pool?.end();
    await rm(dir, { recursive: true, force: true });
  });

  it('a reply accepted while Temporal is stopped is signalled by the relay after it starts again', async () => {
    const port = await freePort();
    const dbFile = path.join(dir, 'temporal.db');
    server = await startTemporalDevServer({ cli: inject('temporalCli'), port, dbFile });
    // As the webhook server connects (client/temporal.ts): without gRPC-level retries, whose timers
    // would re-send a signal after its deadline had passed and the relay had taken over.
    const connection = await Connection.connect({ address: server.address, interceptors: [] });
    const client = new Client({ connection });
    const app = await buildTestServer(pool, client, connection, { signalTimeoutMs: 1500 });
    const req = await seedRequest(pool);
    await recordSurveySms(pool, req.requestId, req.mobile);
    const taskQueue = `inbox-${randomBytes(4).toString('hex')}`;
    // The request's workflow exists before the outage; no worker needs to run yet.
    await client.workflow.start('signalProbe', { taskQueue, workflowId: serviceRequestWorkflowId(req.requestId) });

    await server.stop();
    const messageSid = `SM${randomBytes(16).toString('hex')}`;
    const params = { MessageSid: messageSid, From: req.mobile, To: '+82215880001', Body: '5 thank you', AccountSid: 'ACtest' };
    const res = await postTwilio(app, '/webhooks/twilio/sms', params);
    expect(res.statusCode).toBe(200); // stored: Twilio must not retry, nothing is lost
    const [row] = await inboxRows(pool, req.requestId);
    expect(row).toMatchObject({ status: 'pending', event_id: messageSid });
    // The signal is tried after the answer; it fails and leaves the row to the relay.
    const attempts = await waitFor('the signal after the answer to fail', async () => {
      const found = (await pool.query('SELECT attempts, last_error FROM inbox WHERE id = $1', [row!.id])).rows[0];
      return found.attempts > 0 ? found : undefined;
    });
    expect(attempts.attempts).toBe(1);
    expect(attempts.last_error).toBeTruthy();
    expect((await inboxRows(pool, req.requestId))[0]).toMatchObject({ status: 'pending' });

    server = await startTemporalDevServer({ cli: inject('temporalCli'), port, dbFile });
    const relay = startInboxRelay({ pool, temporal: client, log: pino({ level: 'silent' }), signalTimeoutMs: 3000 }, { intervalMs: 100 });
    try {
      await waitFor('the relay to deliver the stored reply', async () => {
        const { rows } = await pool.query('SELECT status FROM inbox WHERE id = $1', [row!.id]);
        return rows[0]?.status === 'delivered' ? true : undefined;
      }, 45_000);
    } finally {
      await relay.stop();
    }
    const probe = await startProbeWorkerOn(server.address, taskQueue);
    try {
      const signals = await waitFor('the probe to report the signal', async () => {
        const got = await client.workflow.getHandle(serviceRequestWorkflowId(req.requestId)).query<{ signal: string; payload: Record<string, unknown> }[]>('probeSignals');
        return got.length > 0 ? got : undefined;
      }, 30_000);
      expect(signals).toEqual([{ signal: 'surveyReply', payload: { eventId: `twilio-sms:${messageSid}`, channel: 'sms', inboxId: Number(row!.id), rating: 5, at: expect.any(String) } }]);
    } finally {
      await client.workflow.getHandle(serviceRequestWorkflowId(req.requestId)).signal('probeStop').catch(() => undefined);
      await probe.stop();
      await app.close();
      await connection.close();
    }
  }, 120_000);

  it('answers 5xx when PostgreSQL is unreachable, so the provider retries', async () => {
    const deadPool = createPool(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`, 1);
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const app = await buildTestServer(deadPool, new Client({ connection }), connection);
    try {
      const res = await postTwilio(app, '/webhooks/twilio/sms', { MessageSid: 'SMdead', From: '+821012345678', To: '+82215880001', Body: '5' });
      expect(res.statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await app.close();
      await connection.close();
      await deadPool.end();
    }
  });
});

/** The probe worker on a given task queue (the workflow was started before the worker existed). */
async function startProbeWorkerOn(address: string, taskQueue: string) {
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowsPath: PROBE_PATH });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
    },
  };
}
