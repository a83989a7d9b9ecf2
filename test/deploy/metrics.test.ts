import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool, type Pool } from '../../db/pool';
import { installWorkerRuntime } from '../../worker/runtime';
import { buildTestServer, waitFor } from '../client/webhooks/webhookApp';
import { freePort } from '../support/ports';

/**
 * What Prometheus scrapes (deploy/prometheus/prometheus.yml): the webhook server's /metrics, each
 * worker's SDK metrics and the Temporal server's own. Each endpoint is scraped for real and its
 * key series must be there, or the Grafana dashboard would draw empty panels.
 */

/** The series names in a Prometheus text exposition (labels and values dropped). */
function seriesNames(exposition: string): Set<string> {
  return new Set(
    exposition
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(/[{\s]/)[0]!),
  );
}

describe('webhook server /metrics', () => {
  const token = randomBytes(12).toString('hex');
  let pool: Pool;
  let connection: Connection;
  let app: FastifyInstance;

  beforeAll(async () => {
    pool = createPool(inject('databaseUrl'), 2);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    app = await buildTestServer(pool, new Client({ connection }), connection, {
      settings: { publicBaseUrl: 'https://hooks.example.test', bodyLimitBytes: 64 * 1024, taskQueue: 'unused', operatorAccessToken: token },
    });
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await pool?.end();
  });

  it('answers operators only', async () => {
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
  });

  it('has request latency by route pattern and the inbox, relay and outbox figures', async () => {
    await app.inject({ method: 'GET', url: '/health/live' });
    await app.inject({ method: 'GET', url: `/choose/${randomBytes(8).toString('hex')}` });
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const names = seriesNames(res.body);
    for (const name of [
      'service_followup_http_request_duration_seconds_bucket',
      'service_followup_inbox_pending_events',
      'service_followup_inbox_oldest_pending_age_seconds',
      'service_followup_relay_lag_seconds',
      'service_followup_inbox_signals_failed_events',
      'service_followup_outbox_pending_messages',
      'service_followup_webhooks_process_resident_memory_bytes',
    ]) {
      expect(names, name).toContain(name);
    }
    // Routes are labelled by their pattern: a token in the path never becomes a label value.
    expect(res.body).toMatch(/service_followup_http_request_duration_seconds_count\{method="GET",route="\/choose\/:token",status_code="\d+"\} 1/);
    expect(res.body).not.toMatch(/route="\/choose\/[0-9a-f]{16}"/);
    for (const gauge of ['service_followup_inbox_pending_events', 'service_followup_outbox_pending_messages']) {
      const value = Number(new RegExp(`^${gauge} (\\S+)$`, 'm').exec(res.body)?.[1]);
      expect(value, gauge).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('worker runtime', () => {
  const lines: { msg?: string; component?: string; sdkComponent?: string }[] = [];
  let metricsUrl: string;
  let connection: NativeConnection;
  let worker: Worker;
  let run: Promise<void>;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
        done();
      },
    });
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    // This file runs in a process of its own (vitest forks), so the runtime is this test's.
    installWorkerRuntime(pino({ level: 'info' }, sink), { metricsBindAddress: `127.0.0.1:${port}` });
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    worker = await Worker.create({ connection, taskQueue: `metrics-${randomBytes(4).toString('hex')}`, activities: { ping: async () => 'pong' } });
    run = worker.run();
  });

  afterAll(async () => {
    if (worker) {
      worker.shutdown();
      await run;
    }
    await connection?.close();
  });

  it('serves the SDK metrics for Prometheus', async () => {
    const names = await waitFor('the worker metrics', async () => {
      const text = await fetch(metricsUrl).then((r) => (r.ok ? r.text() : ''), () => '');
      const found = seriesNames(text);
      return found.has('temporal_worker_task_slots_available') && found.has('temporal_num_pollers') ? found : undefined;
    });
    expect(names).toContain('temporal_request');
  });

  it('sends the SDK logs to pino', async () => {
    const stateChange = await waitFor('an SDK log line in pino', async () => lines.find((l) => l.msg === 'Worker state changed'));
    expect(stateChange).toMatchObject({ component: 'temporal-sdk', sdkComponent: 'worker' });
  });
});

describe('Temporal server metrics (cluster stack)', () => {
  const url = inject('clusterMetricsUrl');
  it.skipIf(!url)('serves the service and persistence series', async () => {
    const text = await fetch(url).then((r) => r.text());
    const names = seriesNames(text);
    for (const name of ['service_requests', 'persistence_requests', 'service_latency_bucket']) expect(names, name).toContain(name);
  });
});
