import { clusterToolsFromEnv, startTemporalCluster, type TemporalCluster } from '../../scripts/stack/cluster/temporalCluster';
import net from 'node:net';
import { freePort } from './ports';

/**
 * The cluster stack's Temporal server for the tests, on free ports and the tests' PostgreSQL, or
 * undefined when its programs are not given (a single test file run by hand; `make test` always
 * gives them). Its own log goes nowhere unless TEST_CLUSTER_LOG is set.
 */
export async function startTestCluster(options: { databaseUrl: string; workDir: string }): Promise<TemporalCluster | undefined> {
  const tools = clusterToolsFromEnv();
  if (!tools) return undefined;
  const ports = {
    frontend: await freePort(),
    frontendHttp: await freePort(),
    history: await freePort(),
    matching: await freePort(),
    worker: await freePort(),
    membership: { frontend: await freeMembershipPort(), history: await freeMembershipPort(), matching: await freeMembershipPort(), worker: await freeMembershipPort() },
    metrics: await freePort(),
  };
  return startTemporalCluster({
    tools,
    databaseUrl: options.databaseUrl,
    workDir: options.workDir,
    ports,
    namespace: 'default',
    projectRoot: process.cwd(),
    output: process.env.TEST_CLUSTER_LOG ? (chunk) => process.stderr.write(chunk) : undefined,
  });
}

/**
 * The server stores membership ports in a smallint column, so they must stay below 32768, where
 * the OS never hands out ephemeral ports: a random one there that accepts a listener.
 */
async function freeMembershipPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
