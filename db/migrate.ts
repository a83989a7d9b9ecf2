import { runner } from 'node-pg-migrate';
import path from 'node:path';
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
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
