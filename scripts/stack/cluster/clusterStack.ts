import path from 'node:path';
import { clusterToolsFromEnv, defaultClusterPorts, startTemporalCluster } from './temporalCluster';
import { startUiServer } from './uiServer';

/** `make up` runs the dev server; `make up STACK=cluster` the production topology. */
export type StackKind = 'dev' | 'cluster';

export function stackKind(env: NodeJS.ProcessEnv = process.env): StackKind {
  const value = (env.STACK ?? '').trim() || 'dev';
  if (value !== 'dev' && value !== 'cluster') throw new Error(`STACK must be "dev" (the default) or "cluster", not "${value}"`);
  return value;
}

/**
 * The worker processes of a stack: the cluster runs two, sharing the task queue, as a deployment
 * would. Each serves its SDK metrics on a port of its own (9464, 9465: Prometheus' convention).
 */
export function workerProcesses(stack: StackKind): { name: string; env: NodeJS.ProcessEnv }[] {
  const count = stack === 'cluster' ? 2 : 1;
  return Array.from({ length: count }, (_, i) => ({
    name: count > 1 ? `worker-${i + 1}` : 'worker',
    env: { WORKER_METRICS_ADDRESS: `127.0.0.1:${9464 + i}` },
  }));
}

/**
 * The cluster half of `make up STACK=cluster`: the Temporal server on the stack's PostgreSQL
 * (schemas, namespace and search attributes set up on the way) and the Web UI server in front of
 * it. Its configuration lives in the data folder, beside the embedded database.
 */
export async function startClusterTemporal(options: {
  databaseUrl: string;
  dataDir: string;
  frontendPort: number;
  uiPort: number;
  namespace: string;
  codecEndpoint?: string;
}): Promise<{ address: string; uiUrl: string; metricsUrl: string; stop(): Promise<void> }> {
  const tools = clusterToolsFromEnv();
  if (!tools) throw new Error('The cluster programs are not set (TEMPORAL_SERVER, ...): start the stack with `make up STACK=cluster`');
  const prefixed = (name: string) => (chunk: string) =>
    process.stdout.write(
      chunk
        .split('\n')
        .filter(Boolean)
        .map((l) => `[${name}] ${l}\n`)
        .join(''),
    );
  const cluster = await startTemporalCluster({
    tools,
    databaseUrl: options.databaseUrl,
    workDir: path.join(options.dataDir, 'temporal-cluster'),
    ports: defaultClusterPorts(options.frontendPort),
    namespace: options.namespace,
    projectRoot: process.cwd(),
    output: prefixed('temporal'),
  });
  try {
    const ui = await startUiServer({
      uiServer: tools.uiServer,
      workDir: path.join(options.dataDir, 'temporal-ui'),
      temporalAddress: cluster.address,
      port: options.uiPort,
      namespace: options.namespace,
      codecEndpoint: options.codecEndpoint,
      output: prefixed('temporal-ui'),
    });
    return {
      address: cluster.address,
      uiUrl: ui.url,
      metricsUrl: cluster.metricsUrl,
      stop: async () => {
        await ui.stop();
        await cluster.stop();
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
