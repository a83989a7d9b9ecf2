import { Client, Connection } from '@temporalio/client';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { dataConverterFor } from '../../client/codec/dataConverter';
import { loadConfig } from '../../config';
import { startEmbeddedPostgres } from '../../db/embeddedPostgres';
import { migrateToLatest } from '../../db/migrate';
import { createPool, type Pool } from '../../db/pool';
import { seedDemoData } from '../../scripts/demo/demoData';
import { seedBenchCrew } from './benchCrew';
import { stopChild } from '../../scripts/stack/childProcess';
import { startTemporalDevServer } from '../../scripts/stack/temporalDevServer';
import { until } from './report';
import { freePort } from '../../scripts/stack/ports';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Where BENCH_PROFILE's CPU profiles go (not committed: they are large and machine-specific). */
const PROFILE_DIR = path.join(ROOT, 'benchmarks/results/profiles');

export interface BenchStack {
  pool: Pool;
  /** A client with the deployment's payload codec, as every product client has. */
  temporal: Client;
  /** A client without a codec, for the ceiling workflow (Temporal with nothing of ours). */
  plainTemporal: Client;
  baseUrl: string;
  publicBaseUrl: string;
  secrets: { PII_SEALING_KEY: string; TWILIO_WEBHOOK_AUTH_TOKEN: string; SENDGRID_INBOUND_SECRET: string; TECHNICIAN_TOKEN_SECRET: string; PAYLOAD_ENCRYPTION_KEYS: string };
  /** The environment the product's processes run with (config/index.ts reads it). */
  env: NodeJS.ProcessEnv;
  taskQueue: string;
  /** Process ids to charge CPU and memory to. */
  pids: { temporal: number; worker: number; webhooks: number };
  /** PostgreSQL: the postmaster and its backends. */
  postgresPids(): number[];
  /** Starts another process of the project (e.g. the ceiling worker) with the stack's environment. */
  spawnNode(name: string, entry: string, extraEnv?: NodeJS.ProcessEnv): Promise<ChildProcess>;
  stop(): Promise<void>;
}

/**
 * The product as `make up` runs it, in a temporary folder: the Temporal dev server on a SQLite file
 * with the stack's own pragmas, an embedded PostgreSQL (or DATABASE_URL), the worker and the webhook
 * server as separate processes, the demo network with slots for `days` days. Nothing is left behind.
 */
export async function startBenchStack(options: { days?: number; extraEnv?: NodeJS.ProcessEnv } = {}): Promise<BenchStack> {
  const log = pino({ level: 'warn' });
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const c of cleanups.splice(0)) await c().catch(() => undefined);
  };
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-stack-'));
    cleanups.unshift(() => rm(dir, { recursive: true, force: true }));

    let databaseUrl = process.env.DATABASE_URL;
    let postgresDataDir: string | undefined;
    if (!databaseUrl) {
      postgresDataDir = path.join(dir, 'pg');
      const db = await startEmbeddedPostgres({ dataDir: postgresDataDir, port: await freePort(), log });
      cleanups.unshift(() => db.stop());
      databaseUrl = db.url;
    }
    await migrateToLatest(databaseUrl, log);

    const cli = process.env.TEMPORAL_CLI ?? temporalCli();
    const temporalPort = await freePort();
    // BENCH_SQLITE_PRAGMAS (comma-separated) replaces the stack's pragmas, to compare settings.
    const sqlitePragmas = process.env.BENCH_SQLITE_PRAGMAS?.split(',').filter(Boolean);
    // BENCH_DEV_SERVER_PARTITIONS=N runs the dev server with N task queue partitions (its default is 4), to compare.
    const partitions = process.env.BENCH_DEV_SERVER_PARTITIONS;
    const dynamicConfig = partitions ? { 'matching.numTaskqueueReadPartitions': partitions, 'matching.numTaskqueueWritePartitions': partitions } : undefined;
    const server = await startTemporalDevServer({ cli, port: temporalPort, dbFile: path.join(dir, 'temporal.sqlite'), sqlitePragmas, dynamicConfig });
    cleanups.unshift(() => server.stop());

    const secrets = {
      PII_SEALING_KEY: randomBytes(32).toString('base64'),
      TWILIO_WEBHOOK_AUTH_TOKEN: randomBytes(16).toString('hex'),
      SENDGRID_INBOUND_SECRET: randomBytes(16).toString('hex'),
      TECHNICIAN_TOKEN_SECRET: randomBytes(32).toString('hex'),
      // Payloads are encrypted as in every deployment: the product pays for its codec.
      PAYLOAD_ENCRYPTION_KEYS: `bench-1:${randomBytes(32).toString('base64')}`,
    };
    const webhookPort = await freePort();
    const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
    const publicBaseUrl = `http://127.0.0.1:${webhookPort}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      DATA_DIR: dir,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WEBHOOK_PORT: String(webhookPort),
      PUBLIC_BASE_URL: publicBaseUrl,
      CONTACT_HOURS_START: '00:00',
      CONTACT_HOURS_END: '24:00',
      DEMO_SIMULATOR: 'false',
      // No settle time before the survey: the benchmarks measure the work, not a deliberate wait.
      SURVEY_SETTLE_TIME: '0s',
      // The worker's cache bound, when a run sets it (e.g. small, to measure eviction and replay).
      ...(process.env.WORKER_MAX_CACHED_WORKFLOWS ? { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS } : {}),
      ...secrets,
      ...options.extraEnv,
    };

    const children: ChildProcess[] = [];
    // BENCH_PROFILE=webhooks,worker writes a V8 CPU profile of those processes when the stack stops
    // (benchmarks/results/profiles/<name>/, one file per thread; open it in Chrome DevTools or speedscope).
    const profiled = new Set((process.env.BENCH_PROFILE ?? '').split(',').filter(Boolean));
    const spawnNode = async (name: string, entry: string, extraEnv: NodeJS.ProcessEnv = {}) => {
      // One folder per process: node writes one profile per thread (tsx's loader runs on its own).
      const profile = profiled.has(name) ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE_DIR, name)}`] : [];
      // `node --import tsx` keeps one process per component, so its CPU and memory can be read; a
      // compiled entry (dist/…js, the production build) runs on node alone.
      const loader = entry.endsWith('.js') ? [] : ['--import', 'tsx'];
      const child = spawn(process.execPath, [...profile, ...loader, entry], { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'inherit'] });
      child.once('exit', (code, signal) => {
        if (!stopping) process.stderr.write(`bench: ${name} exited (${code ?? signal})\n`);
      });
      children.push(child);
      return child;
    };
    let stopping = false;
    cleanups.unshift(async () => {
      stopping = true;
      await Promise.all(children.map((c) => stopChild(c, 10_000)));
    });

    // BENCH_WORKER=build: the worker as the production image runs it (`npm run build`, then node on
    // dist/ with the workflow code bundled beforehand: no tsx, no bundling at start).
    const worker =
      process.env.BENCH_WORKER === 'build'
        ? await buildThen(() => spawnNode('worker', 'dist/worker/main.js', { WORKFLOW_BUNDLE_PATH: path.join(ROOT, 'dist/workflow-bundle.js') }))
        : await spawnNode('worker', 'worker/main.ts');
    const webhooks = await spawnNode('webhooks', 'client/webhooks/main.ts');
    await until('the webhook server to be ready', () => fetch(`${publicBaseUrl}/health/ready`).then((r) => r.ok, () => false), 120_000, 200);

    if (process.env.BENCH_NICE) for (const pid of [worker.pid!, server.process.pid!]) os.setPriority(pid, Number(process.env.BENCH_NICE));
    const pool = createPool(databaseUrl, 8);
    cleanups.unshift(() => pool.end());
    const seededAt = new Date();
    await seedDemoData(pool, { now: seededAt, technicianSecret: secrets.TECHNICIAN_TOKEN_SECRET, days: options.days ?? 3 });
    // BENCH_CREW colleagues per demo technician (default 9: 50 technicians), see benchCrew.ts.
    await seedBenchCrew(pool, { copies: Number(process.env.BENCH_CREW ?? 9), now: seededAt, days: options.days ?? 3, technicianSecret: secrets.TECHNICIAN_TOKEN_SECRET });

    const connection = await Connection.connect({ address: server.address });
    cleanups.unshift(() => connection.close());
    const temporal = new Client({ connection, dataConverter: dataConverterFor(loadConfig(env)) });
    const plainTemporal = new Client({ connection });

    return {
      pool,
      temporal,
      plainTemporal,
      baseUrl: publicBaseUrl,
      publicBaseUrl,
      secrets,
      env,
      taskQueue,
      pids: { temporal: server.process.pid!, worker: worker.pid!, webhooks: webhooks.pid! },
      postgresPids: () => (postgresDataDir ? postgresProcesses(postgresDataDir) : []),
      spawnNode,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The Temporal CLI as `make up` finds it (scripts/ensure-temporal.sh: the one on PATH, else the
 * project's own build, else built from the Go module proxy once), so a benchmark runs in a fresh clone.
 */
function temporalCli(): string {
  return execFileSync('bash', [path.join(ROOT, 'scripts/ensure-temporal.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** Runs the production build (scripts/build.ts) into dist/, then start. */
async function buildThen<T>(start: () => Promise<T>): Promise<T> {
  const build = spawn(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
  if (code !== 0) throw new Error(`the production build failed (exit ${code})`);
  return start();
}

/** The postmaster (first line of postmaster.pid) and every process it started. */
function postgresProcesses(dataDir: string): number[] {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

