import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_KEYS } from '../../../workflows/searchAttributes';
import { stopChild } from '../childProcess';
import { setUpTemporalSchemas, type ClusterDatabase } from './schema';
import { CLUSTER } from './settings';

/** The programs scripts/ensure-cluster.sh builds, by the names it prints. */
export interface ClusterTools {
  server: string;
  sqlTool: string;
  uiServer: string;
  schemaDir: string;
}

export function clusterToolsFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterTools | undefined {
  const { TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER, TEMPORAL_SCHEMA_DIR } = env;
  if (!TEMPORAL_SERVER || !TEMPORAL_SQL_TOOL || !TEMPORAL_UI_SERVER || !TEMPORAL_SCHEMA_DIR) return undefined;
  return { server: TEMPORAL_SERVER, sqlTool: TEMPORAL_SQL_TOOL, uiServer: TEMPORAL_UI_SERVER, schemaDir: TEMPORAL_SCHEMA_DIR };
}

/** Every port a single-process cluster listens on (all on 127.0.0.1). */
export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** One membership (ringpop) port per service. */
  membership: { frontend: number; history: number; matching: number; worker: number };
  /** Prometheus scrape endpoint of the server's own metrics (/metrics). */
  metrics: number;
}

/**
 * The ports of Temporal's own development configuration (frontend 7233, history 7234, ...,
 * membership 6933..., metrics 8000), all moved by as much as the frontend port is moved, so a
 * second stack on another frontend port collides with nothing.
 */
export function defaultClusterPorts(frontend = 7233): ClusterPorts {
  const shift = (port: number) => port + frontend - 7233;
  return {
    frontend,
    frontendHttp: shift(7243),
    history: shift(7234),
    matching: shift(7235),
    worker: shift(7239),
    membership: { frontend: shift(6933), history: shift(6934), matching: shift(6935), worker: shift(6939) },
    metrics: shift(8000),
  };
}

export interface TemporalCluster {
  address: string;
  metricsUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A real Temporal server (all four services in one process) on PostgreSQL, as the compose file's
 * temporal service runs it: the `temporal` and `temporal_visibility` databases created and their
 * schemas set up and upgraded by the schema tool, the namespace registered with a week's
 * retention, and the workflow's search attributes registered. Everything is idempotent, so a
 * restart on the same database only starts the server.
 */
export async function startTemporalCluster(options: {
  tools: ClusterTools;
  /** A PostgreSQL role that may create databases (the embedded server's superuser does). */
  databaseUrl: string;
  /** Where the generated server configuration lives. */
  workDir: string;
  ports: ClusterPorts;
  namespace: string;
  projectRoot: string;
  logLevel?: string;
  output?: (chunk: string) => void;
}): Promise<TemporalCluster> {
  const database = clusterDatabase(options.databaseUrl);
  // The schema tool logs every statement; its output is shown only when a step fails.
  await setUpTemporalSchemas(options.tools, database);

  const configDir = path.join(options.workDir, 'config');
  await mkdir(configDir, { recursive: true });
  const config = serverConfig({
    database,
    ports: options.ports,
    logLevel: options.logLevel ?? 'warn',
    dynamicConfigFile: path.resolve(options.projectRoot, CLUSTER.dynamicConfigFile),
  });
  // JSON is YAML: the server reads it as its configuration file.
  await writeFile(path.join(configDir, 'cluster.yaml'), JSON.stringify(config, null, 2));

  const child = spawn(options.tools.server, ['--root', options.workDir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => options.output?.(String(d)));
  child.stderr?.on('data', (d: Buffer) => options.output?.(String(d)));
  const address = `127.0.0.1:${options.ports.frontend}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal server exited early (code ${code}); is one of its ports in use? (${JSON.stringify(options.ports)})`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([registerNamespaceAndSearchAttributes(address, options.namespace), exited]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { address, metricsUrl: `http://127.0.0.1:${options.ports.metrics}/metrics`, process: child, stop: () => stopChild(child) };
}

export function clusterDatabase(databaseUrl: string): ClusterDatabase {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

function serverConfig(o: { database: ClusterDatabase; ports: ClusterPorts; logLevel: string; dynamicConfigFile: string }) {
  const datastore = (databaseName: string, pool: { maxConns: number; maxIdleConns: number }) => ({
    sql: {
      pluginName: CLUSTER.sqlPlugin,
      databaseName,
      connectAddr: `${o.database.host}:${o.database.port}`,
      connectProtocol: 'tcp',
      user: o.database.user,
      password: o.database.password,
      maxConns: pool.maxConns,
      maxIdleConns: pool.maxIdleConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra: Record<string, number> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnIP: '127.0.0.1', ...extra },
  });
  return {
    log: { stdout: true, level: o.logLevel },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: CLUSTER.numHistoryShards,
      datastores: {
        default: datastore(CLUSTER.databases.persistence, CLUSTER.persistencePool),
        visibility: datastore(CLUSTER.databases.visibility, CLUSTER.visibilityPool),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${o.ports.metrics}` } },
    },
    services: {
      frontend: rpc(o.ports.frontend, o.ports.membership.frontend, { httpPort: o.ports.frontendHttp }),
      history: rpc(o.ports.history, o.ports.membership.history),
      matching: rpc(o.ports.matching, o.ports.membership.matching),
      worker: rpc(o.ports.worker, o.ports.membership.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${o.ports.frontend}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: o.dynamicConfigFile, pollInterval: '10s' },
  };
}

const GRPC_ALREADY_EXISTS = 6;

/**
 * What auto-setup and the compose file's admin-tools job do: register the namespace if missing,
 * then the search attributes the workflows upsert (a real server, unlike the dev server, rejects
 * unregistered ones). The namespace reaches the frontend's cache only after a refresh, hence the
 * retries.
 */
async function registerNamespaceAndSearchAttributes(address: string, namespace: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService
        .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${CLUSTER.namespaceRetentionHours}h`) })
        .catch((err: { code?: number }) => {
          if (err.code !== GRPC_ALREADY_EXISTS) throw err;
        });
      const existing = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = SEARCH_ATTRIBUTE_KEYS.filter((k) => !(k.name in (existing.customAttributes ?? {})));
      if (missing.length > 0) {
        await connection.operatorService.addSearchAttributes({
          namespace,
          // 2 = INDEXED_VALUE_TYPE_KEYWORD: every attribute of ours is a keyword.
          searchAttributes: Object.fromEntries(missing.map((k) => [k.name, 2])),
        });
        continue; // list again: done only when the server shows all of them
      }
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  throw new Error(`temporal server at ${address} did not accept the namespace and search attributes: ${String(lastError)}`);
}
