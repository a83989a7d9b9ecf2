import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embeddedPostgres';
import { supervise, typescriptEntry, type SupervisedProcess } from '../../scripts/stack/supervisor';
import { waitFor } from '../client/webhooks/probeHarness';
import { freePort } from '../support/ports';

/**
 * The webhook server as its own process, against a PostgreSQL that is not there yet, then there,
 * then killed with SIGKILL and brought back: the process never exits, answers fast throughout,
 * and says whether it is ready.
 */
describe('the webhook server process when PostgreSQL comes and goes', () => {
  let dataDir: string;
  let database: EmbeddedDatabase | undefined;
  let server: SupervisedProcess | undefined;
  const output: string[] = [];

  afterAll(async () => {
    await server?.stop();
    await database?.stop().catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const timed = async (url: string, init?: RequestInit) => {
    const started = Date.now();
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    const body = await res.text();
    return { status: res.status, ms: Date.now() - started, body };
  };

  it('starts without the database, answers 5xx fast and 503 on readiness, and recovers by itself after a kill -9', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sfe-resilience-'));
    const pgPort = await freePort();
    const webPort = await freePort();
    const base = `http://127.0.0.1:${webPort}`;
    server = supervise('webhooks', ...typescriptEntry('client/webhooks/main.ts'), {
      PATH: process.env.PATH,
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${pgPort}/service_followup`,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      WEBHOOK_PORT: String(webPort),
      WEBHOOK_HOST: '127.0.0.1',
      TWILIO_WEBHOOK_AUTH_TOKEN: 'resilience-token',
      LOG_LEVEL: 'warn',
    }, { output: (text) => output.push(text) });

    // Down from the start: the process listens anyway.
    await waitFor('the server to listen', async () => ((await timed(`${base}/health/live`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
    const notReady = await timed(`${base}/health/ready`);
    expect(notReady).toMatchObject({ status: 503 });
    expect(JSON.parse(notReady.body)).toMatchObject({ checks: { postgres: false } });
    expect(notReady.ms).toBeLessThan(2000);
    const refused = await timed(`${base}/choose/some-token`);
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(refused.ms).toBeLessThan(2000);

    // The database appears: migrations run and the server becomes ready without a restart.
    database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: pgPort, log: pino({ level: 'silent' }) });
    await waitFor('readiness', async () => ((await timed(`${base}/health/ready`)).status === 200 ? true : undefined), 60_000);
    expect(await timed(`${base}/choose/unknown-token`)).toMatchObject({ status: 404 });

    // kill -9 of the postmaster and its backends, with pooled connections open.
    const postmaster = Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const backends = (await readFile(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').catch(() => '')).split(/\s+/).filter(Boolean).map(Number);
    for (const pid of [postmaster, ...backends]) process.kill(pid, 'SIGKILL');
    await waitFor('the database to be gone', async () => ((await timed(`${base}/health/ready`)).status === 503 ? true : undefined), 20_000);
    for (let i = 0; i < 5; i++) {
      const during = await timed(`${base}/choose/unknown-token`);
      expect(during.status).toBeGreaterThanOrEqual(500);
      expect(during.ms).toBeLessThan(2000);
    }
    database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: pgPort, log: pino({ level: 'silent' }) });
    await waitFor('readiness again', async () => ((await timed(`${base}/health/ready`)).status === 200 ? true : undefined), 60_000);
    expect(await timed(`${base}/choose/unknown-token`)).toMatchObject({ status: 404 });

    expect(server.exits, output.join('')).toEqual([]);
  }, 180_000);
});
