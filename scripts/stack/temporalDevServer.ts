import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from './childProcess';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/searchAttributes';

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The SQLite settings of the local stack's dev server (one file, one connection), and what each
 * trades:
 * - journal_mode=WAL: commits append to a log instead of rewriting pages, and readers (the Web UI,
 *   visibility queries) never block the writer; costs a -wal file beside the database, folded back
 *   at checkpoints.
 * - synchronous=NORMAL: with WAL, a commit is not flushed to disk on its own; the log is flushed at
 *   checkpoints. A killed server process loses nothing (the OS has the writes) and the file is never
 *   corrupted; a power cut or an OS crash can roll back the last transactions acknowledged before
 *   it. FULL flushed every commit (every signal, activity result and workflow task) and was the
 *   largest single cost of the server on this stack; a production deployment uses the cluster stack
 *   on PostgreSQL, not this file.
 * - busy_timeout=5000: a briefly locked database makes a query wait up to 5 s instead of failing.
 * - cache_size=-65536: 64 MiB of page cache instead of SQLite's 2 MiB, so histories and task
 *   queues being worked on are read from memory; costs up to that much RSS.
 * - temp_store=MEMORY: the sorts and temporary indexes of visibility queries stay in memory
 *   instead of temporary files; costs memory for the largest of them.
 */
export const DEV_SERVER_SQLITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=NORMAL', 'busy_timeout=5000', 'cache_size=-65536', 'temp_store=MEMORY'];

/**
 * Dynamic configuration the stack's dev server starts with (`--dynamic-config-value`): none. One task
 * queue partition instead of the server's four was measured (2026-12-02, docs/benchmarks.md:
 * BENCH_DEV_SERVER_PARTITIONS=4 against 1) and made no difference beyond the noise to completion →
 * call latency or to a reply to an evicted request, while a data folder written with four partitions
 * would keep the tasks it had stored in partitions 1-3 unread; so the server's default stays.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, string | number> = {};

/**
 * Starts `temporal server start-dev` with the workflow's search attributes registered. With a
 * dbFile its state lives in SQLite (DEV_SERVER_SQLITE_PRAGMAS) and survives restarts.
 */
export async function startTemporalDevServer(options: {
  cli: string;
  port: number;
  uiPort?: number;
  /** Where the Web UI sends payloads to be decoded (the webhook server's /codec). */
  uiCodecEndpoint?: string;
  dbFile?: string;
  /** Replaces DEV_SERVER_SQLITE_PRAGMAS (benchmarks compare settings). */
  sqlitePragmas?: string[];
  /** Replaces DEV_SERVER_DYNAMIC_CONFIG (benchmarks compare settings). */
  dynamicConfig?: Record<string, string | number>;
  log?: (line: string) => void;
}): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  if (options.uiPort && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  else args.push('--headless');
  if (options.dbFile) {
    args.push('--db-filename', options.dbFile);
    for (const pragma of options.sqlitePragmas ?? DEV_SERVER_SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  for (const key of SEARCH_ATTRIBUTE_KEYS) args.push('--search-attribute', `${key.name}=Keyword`);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${key}=${value}`);
  // Activities wait on signals and timers for days; the dev server's default limits are fine, but
  // the UI should show workflow details without the codec.
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => options.log?.(String(d)));
  child.stderr?.on('data', (d) => options.log?.(String(d)));
  const address = `127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal dev server exited early (code ${code}); is port ${options.port} in use?`))),
  );
  await Promise.race([waitUntilServing(address), exited]);
  return {
    address,
    uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
    process: child,
    stop: () => stopChild(child),
  };
}

async function waitUntilServing(address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`temporal dev server at ${address} did not become ready: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
