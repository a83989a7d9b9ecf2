import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { startEmbeddedPostgres } from './embeddedPostgres';
import { migrateToLatest } from './migrate';

/**
 * The database the stack uses: the external one named by DATABASE_URL, or the embedded one in the
 * project's data folder. Either way the schema is brought to the latest migration.
 */
export async function provideDatabase(config: Config, log: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const database = config.DATABASE_URL
    ? { url: config.DATABASE_URL, stop: async () => undefined }
    : await startEmbeddedPostgres({
        dataDir: path.join(config.DATA_DIR, 'postgres'),
        port: config.EMBEDDED_POSTGRES_PORT,
        log,
      });
  const applied = await migrateToLatest(database.url, log);
  log.info({ applied }, applied.length ? 'database migrated' : 'database schema is current');
  return database;
}
