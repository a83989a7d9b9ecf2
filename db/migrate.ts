import { runner } from 'node-pg-migrate';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_BUSY = 'Another migration is already running';

/**
 * Applies every pending versioned migration in db/migrations, in order. node-pg-migrate holds an
 * advisory lock while it works and refuses (rather than waits) when another process holds it, so
 * processes starting together wait here for the lock and then find the schema current.
 */
export async function migrateToLatest(databaseUrl: string, log?: Logger, waitForLockMs = 120_000): Promise<string[]> {
  const deadline = Date.now() + waitForLockMs;
  for (;;) {
    try {
      const applied = await runner({
        databaseUrl,
        dir: MIGRATIONS_DIR,
        direction: 'up',
        migrationsTable: 'schema_migrations',
        checkOrder: true,
        verbose: false,
        log: (msg) => log?.debug({ component: 'migrations' }, msg),
      });
      return applied.map((m) => m.name);
    } catch (err) {
      if ((err as Error).message !== LOCK_BUSY || Date.now() > deadline) throw err;
      log?.info('another process is migrating the database; waiting for it');
      await sleep(250);
    }
  }
}

/**
 * Migrates as soon as PostgreSQL answers: a process started while the database is down (or
 * restarting) waits here, with a growing pause, instead of exiting. Any other failure (a broken
 * migration, bad credentials) is not going to heal by waiting and is thrown.
 */
export async function migrateWhenReachable(databaseUrl: string, log?: Logger, options: { signal?: AbortSignal; maxPauseMs?: number } = {}): Promise<string[]> {
  let pauseMs = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateToLatest(databaseUrl, log);
    } catch (err) {
      if (!isDatabaseUnreachable(err) || options.signal?.aborted) throw err;
      log?.warn({ attempt, err: (err as Error).message }, 'database unreachable; migrating once it answers');
      await sleep(pauseMs, undefined, { signal: options.signal });
      pauseMs = Math.min(pauseMs * 2, options.maxPauseMs ?? 5000);
    }
  }
}

// 3D000 (database does not exist): a server that has just come up may not have created the
// application's database yet (the embedded one creates it after starting; a provisioner may
// too). Waiting for it is right; the warning each attempt logs shows a misspelt name.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '3D000']);

/**
 * A refused, reset or timed-out connection, a server that is starting or shutting down, or one
 * whose application database is not created yet.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown; message?: unknown; errors?: unknown[] } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
    if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnreachable)) return true;
    if (typeof e.message === 'string' && /Connection terminated|timeout expired|the database system is (starting up|shutting down)/i.test(e.message)) return true;
  }
  return false;
}

let migrationNames: Promise<string[]> | undefined;

/**
 * Whether every migration in db/migrations has been applied: a process that started before the
 * database reports itself ready only once its schema is complete, not when the first table exists.
 */
export async function schemaIsCurrent(pool: { query: (sql: string) => Promise<{ rows: { name: string }[] }> }): Promise<boolean> {
  migrationNames ??= readdir(MIGRATIONS_DIR).then((files) => files.filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')));
  const [expected, { rows }] = await Promise.all([migrationNames, pool.query('SELECT name FROM schema_migrations')]);
  const applied = new Set(rows.map((r) => r.name));
  return expected.every((name) => applied.has(name));
}
