import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import type { Config } from '../config';
import { bootstrap, untilConnected } from '../config/bootstrap';
import { createGateways } from '../providers';
import type { Gateways } from '../providers/ports';
import { payloadCodecFor } from '../client/codec/dataConverter';
import { activitySettings } from './settings';
import { createServiceWorker } from './createWorker';
import { installWorkerRuntime } from './runtime';

export interface WorkerProcessOptions {
  /** The message providers; by default live where credentials are configured, else the sandbox. */
  gateways?: (config: Config, log: Logger) => Gateways;
}

/**
 * The worker process: runs the service-request workflows and their activities. It waits for
 * PostgreSQL and Temporal at start, whichever comes up last. SIGINT/SIGTERM stop it gracefully:
 * running activities finish, then the connection and the pool close.
 */
export async function runWorkerProcess(options: WorkerProcessOptions = {}): Promise<void> {
  const runtime = await bootstrap({
    name: 'worker',
    schema: 'wait',
    connectTemporal: (config, log) => {
      // The SDK's runtime (its logs into pino, Prometheus metrics) must exist before any connection.
      installWorkerRuntime(log, { metricsBindAddress: config.WORKER_METRICS_ADDRESS });
      return untilConnected(
        'temporal',
        () => NativeConnection.connect({ address: config.TEMPORAL_ADDRESS, tls: config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY), apiKey: config.TEMPORAL_API_KEY }),
        log,
      );
    },
  });
  const { config, log, pool, temporal: connection } = runtime;
  runtime.onShutdown('temporal connection', () => connection.close());
  const gateways = (options.gateways ?? createGateways)(config, log);
  const activities = createActivities({ pool, gateways, clock: () => new Date(), log, settings: activitySettings(config) });
  const worker = await createServiceWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities,
    payloadCodec: payloadCodecFor(config),
    workflowBundlePath: config.WORKFLOW_BUNDLE_PATH,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker started');
  // Worker.run() installs its own SIGINT/SIGTERM handlers and drains before resolving.
  await worker.run();
  await runtime.shutdown('worker drained');
}
