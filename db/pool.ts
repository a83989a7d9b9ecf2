import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** Where the pool reports a lost connection; the processes hand in their logger. */
export type PoolErrorSink = (err: Error) => void;

/**
 * A pool that survives PostgreSQL going away. Every client gets an error listener for its whole
 * life, not only while idle: pg emits 'error' on a client whose connection breaks between queries,
 * and a checked-out client (held across a Temporal call, say) without a listener would take the
 * process down. The broken client is dropped when it is released, and the next query reconnects.
 * Connecting gives up quickly, so a request fails fast (5xx) while the database is unreachable.
 */
export function createPool(databaseUrl: string, max = 10, onError: PoolErrorSink = () => undefined, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 3000,
    keepAlive: true,
    ...(options.waitForDisk === false ? { options: '-c synchronous_commit=off' } : {}),
  });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

export interface PoolOptions {
  /**
   * false: a commit answers before its WAL reaches the disk (synchronous_commit off). A crash can
   * then lose the last commits (never half of one, and always a suffix: a later commit is never kept
   * without the earlier ones). Only for writes that are redone when lost, such as marking an inbox
   * row delivered: the row stays pending and the relay signals it again, which the workflow ignores.
   */
  waitForDisk?: boolean;
}

/** Runs fn in one transaction; rolls back on any error so nothing is half-written. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
    throw err;
  } finally {
    // A client whose rollback failed has a dead connection: it leaves the pool instead of returning.
    client.release(broken);
  }
}
