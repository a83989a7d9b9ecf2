import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { createPool } from '../db/pool';
import { migrateToLatest } from '../db/migrate';
import { createGateways } from '../providers';
import { activitySettings } from './settings';
import { createServiceWorker } from './createWorker';
import { installWorkerRuntime } from './runtime';
import { payloadCodecFor } from '../client/codec/dataConverter';

/**
 * The worker process: runs the service-request workflows and their activities. SIGINT/SIGTERM
 * stop it gracefully: running activities finish, then the connection and the pool close.
 */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'worker');
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required for the worker (the stack script sets it for the embedded database)');
  await migrateToLatest(config.DATABASE_URL, log);
  const pool = createPool(config.DATABASE_URL);
  installWorkerRuntime(log, { metricsBindAddress: config.WORKER_METRICS_ADDRESS });
  const connection = await NativeConnection.connect({
    address: config.TEMPORAL_ADDRESS,
    tls: config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY),
    apiKey: config.TEMPORAL_API_KEY,
  });
  const activities = createActivities({ pool, gateways: createGateways(config, log), clock: () => new Date(), log, settings: activitySettings(config) });
  const worker = await createServiceWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, activities, payloadCodec: payloadCodecFor(config), workflowBundlePath: config.WORKFLOW_BUNDLE_PATH });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker started');
  // Worker.run() installs its own SIGINT/SIGTERM handlers and drains before resolving.
  await worker.run();
  await connection.close();
  await pool.end();
  log.info('worker stopped');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
