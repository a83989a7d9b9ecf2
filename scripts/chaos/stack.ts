import { readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embeddedPostgres';
import { migrateToLatest } from '../../db/migrate';
import { freePort } from '../stack/ports';
import { supervise, typescriptEntry, type SupervisedProcess } from '../stack/supervisor';
import { startTemporalDevServer, type DevServer } from '../stack/temporalDevServer';

/** Why a process went away: we killed it (the fault), or it exited on its own (a violation). */
export interface ProcessExit {
  process: string;
  pid: number | undefined;
  killedByUs: boolean;
  code: number | null;
  signal: string | null;
  at: Date;
}

/**
 * The system as it runs in production, one OS process each: the Temporal dev server (state in a
 * SQLite file, so it survives kill -9), PostgreSQL (embedded, on disk), two workers and the
 * webhook server (restarted by the stack supervisor when they die). Every process can be killed
 * with SIGKILL and brought back; every exit is recorded with whether it was one we caused.
 */
export async function startChaosStack(options: { dataDir: string; temporalCli: string; env: NodeJS.ProcessEnv; logFile: string }) {
  const logStream = createWriteStream(options.logFile, { flags: 'a' });
  const output = (text: string) => logStream.write(text);
  const quiet = pino({ level: 'warn' }, logStream);
  const exits: ProcessExit[] = [];
  const killed = new Set<number>();
  const recordExit = (name: string, pid: number | undefined, code: number | null, signal: string | null) =>
    exits.push({ process: name, pid, killedByUs: pid !== undefined && killed.has(pid), code, signal, at: new Date() });

  const temporalPort = await freePort();
  const postgresPort = await freePort();
  const webhookPort = await freePort();
  const dbFile = path.join(options.dataDir, 'temporal.sqlite');
  const pgDir = path.join(options.dataDir, 'postgres');

  let stopping = false;
  let temporal: DevServer | undefined;
  const startTemporal = async () => {
    temporal = await startTemporalDevServer({ cli: options.temporalCli, port: temporalPort, dbFile, log: output });
    const child = temporal.process;
    child.once('exit', (code, signal) => !stopping && recordExit('temporal', child.pid, code, signal));
  };
  let postgres: EmbeddedDatabase | undefined;
  let postgresPid: number | undefined;
  const startPostgres = async () => {
    postgres = await startEmbeddedPostgres({ dataDir: pgDir, port: postgresPort, log: quiet });
    postgresPid = Number((await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  };

  await startTemporal();
  await startPostgres();
  const databaseUrl = postgres!.url;
  await migrateToLatest(databaseUrl);

  const env: NodeJS.ProcessEnv = {
    ...options.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    WEBHOOK_HOST: '127.0.0.1',
    WEBHOOK_PORT: String(webhookPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${webhookPort}`,
  };
  const supervised: SupervisedProcess[] = [];
  const start = (name: string, entry: string) => {
    const p = supervise(name, ...typescriptEntry(entry), env, { firstPauseMs: 500, maxPauseMs: 5000, output, onExit: (exit) => recordExit(name, exit.pid, exit.code, exit.signal) });
    supervised.push(p);
    return p;
  };
  const workers = [start('worker-1', 'scripts/chaos/worker.ts'), start('worker-2', 'scripts/chaos/worker.ts')];
  const webhooks = start('webhooks', 'client/webhooks/main.ts');

  /** SIGKILL, as a crash or an OOM kill would; the supervisor (or the caller) brings it back. */
  const kill = (pid: number | undefined) => {
    if (!pid) return;
    killed.add(pid);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };

  return {
    env,
    databaseUrl,
    webhookUrl: `http://127.0.0.1:${webhookPort}`,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    exits,
    workers,
    webhooks,
    async killWorker(index: number) {
      const before = workers[index]!.exits.length;
      kill(workers[index]!.current().pid);
      await workers[index]!.restarted(before);
    },
    async killWebhooks() {
      const before = webhooks.exits.length;
      kill(webhooks.current().pid);
      await webhooks.restarted(before);
    },
    /** kill -9 the dev server; it comes back on the same SQLite file after the outage. */
    async killTemporal(outageMs: number) {
      const child = temporal!.process;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      kill(child.pid);
      await gone;
      await sleep(outageMs);
      await startTemporal();
    },
    /** kill -9 the postmaster and every backend (the whole server dies at once), then restart it. */
    async killPostgres(outageMs: number) {
      const backends = await childrenOf(postgresPid);
      for (const pid of [postgresPid, ...backends]) kill(pid);
      await waitUntilGone([postgresPid!, ...backends]);
      await sleep(outageMs);
      await startPostgres();
    },
    async stop() {
      stopping = true;
      for (const p of supervised.reverse()) await p.stop();
      await temporal?.stop();
      await postgres?.stop();
      await new Promise((resolve) => logStream.end(resolve));
    },
  };
}
export type ChaosStack = Awaited<ReturnType<typeof startChaosStack>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function childrenOf(pid: number | undefined): Promise<number[]> {
  if (!pid) return [];
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

async function waitUntilGone(pids: number[], timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
}
