import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrateWhenReachable } from '../db/migrate';
import { createPool, type Pool } from '../db/pool';
import { loadConfig, type Config } from './index';
import { createLogger } from './logger';

/** What every long-running process of the system is built on, in this order, once. */
export interface Runtime<Temporal> {
  config: Config;
  log: Logger;
  pool: Pool;
  temporal: Temporal;
  /** Settles when the schema is current (at once for a process that waited for it). */
  schemaReady: Promise<void>;
  /** Registers what to close on the way out; closed in reverse order of registration. */
  onShutdown(name: string, close: () => Promise<unknown>): void;
  /** Closes everything registered, logging (not throwing) what fails. */
  shutdown(reason: string): Promise<void>;
}

export interface BootstrapOptions<Temporal> {
  /** The process's name in its log lines. */
  name: string;
  /** Builds the process's Temporal connection; called once, after the database is set up. */
  connectTemporal: (config: Config, log: Logger) => Promise<Temporal>;
  /**
   * 'wait': nothing else starts before the schema is current (the worker has nothing to do
   * without it). 'background': the process starts serving at once and migrates as soon as
   * PostgreSQL answers (the webhook server answers 5xx and readiness 503 meanwhile).
   */
  schema: 'wait' | 'background';
  poolSize?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * config → logger → database → Temporal connection, for the worker and the webhook server alike.
 * A dependency that is down at start is waited for, never a reason to exit: the processes come up
 * in any order and heal by themselves. A configuration error is final and is thrown.
 */
export async function bootstrap<Temporal>(options: BootstrapOptions<Temporal>): Promise<Runtime<Temporal>> {
  const config = loadConfig(options.env);
  const log = createLogger(config.LOG_LEVEL, options.name);
  keepRunningOnStrayRejections(log);
  if (!config.DATABASE_URL) throw new Error(`DATABASE_URL is required for the ${options.name} (the stack script sets it for the embedded database)`);
  const databaseUrl = config.DATABASE_URL;

  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  const stopWaiting = new AbortController();
  closers.push({ name: 'startup', close: async () => stopWaiting.abort() });

  // Either process may start first; the migrations run under a lock, so both may ask for them.
  const migrated = migrateWhenReachable(databaseUrl, log, { signal: stopWaiting.signal }).then((applied) => {
    log.info({ applied }, applied.length ? 'database migrated' : 'database schema is current');
  });
  if (options.schema === 'wait') await migrated;
  else
    migrated.catch((err: Error) => {
      if (stopWaiting.signal.aborted) return;
      // A migration that fails for another reason than an unreachable database needs a person.
      log.fatal({ err: err.message }, 'database migration failed');
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });

  const pool = createPool(databaseUrl, options.poolSize, (err) => log.warn({ err: err.message }, 'database connection lost; reconnecting on next use'));
  closers.push({ name: 'database pool', close: () => pool.end() });
  const temporal = await options.connectTemporal(config, log);

  return {
    config,
    log,
    pool,
    temporal,
    schemaReady: migrated,
    onShutdown: (name, close) => closers.push({ name, close }),
    async shutdown(reason) {
      log.info({ reason }, `${options.name} stopping`);
      for (const { name, close } of closers.splice(0).reverse()) {
        await close().catch((err: Error) => log.warn({ err: err.message }, `closing ${name} failed`));
      }
      log.info(`${options.name} stopped`);
    },
  };
}

/**
 * Calls connect until it succeeds, pausing longer after each failure (up to maxPauseMs), so a
 * process started before its dependency simply waits for it.
 */
export async function untilConnected<T>(what: string, connect: () => Promise<T>, log: Logger, maxPauseMs = 5000): Promise<T> {
  let pauseMs = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (err) {
      log.warn({ attempt, err: (err as Error).message }, `${what} unreachable; trying again`);
      await sleep(pauseMs);
      pauseMs = Math.min(pauseMs * 2, maxPauseMs);
    }
  }
}

let strayRejectionsHandled = false;

/**
 * A promise nobody awaited that rejects (a dropped connection's late error, say) is logged, not
 * fatal: the work it belonged to has its own retry. A synchronous exception nobody caught leaves
 * the process in an unknown state, so it is logged and the process exits for its supervisor to
 * restart it.
 */
function keepRunningOnStrayRejections(log: Logger) {
  if (strayRejectionsHandled) return;
  strayRejectionsHandled = true;
  process.on('unhandledRejection', (reason) => log.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection (process keeps running)'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception; exiting for the supervisor to restart');
    process.exit(1);
  });
}
