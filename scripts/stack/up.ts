import { Client, Connection } from '@temporalio/client';
import path from 'node:path';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { provideDatabase } from '../../db/database';
import { createPool } from '../../db/pool';
import { seedDemoData } from '../demo/demoData';
import { startSimulator } from '../demo/simulator';
import { stackKind, startClusterTemporal, workerProcesses } from './cluster/clusterStack';
import { dataConverterFor } from '../../client/codec/dataConverter';
import { loadOrCreateDevSecrets } from './devSecrets';
import { supervise, typescriptEntry } from './supervisor';
import { startTemporalDevServer } from './temporalDevServer';

/**
 * `make up`: the whole system on one machine. Temporal dev server with its Web UI (state in a
 * SQLite file), PostgreSQL (embedded unless DATABASE_URL is set) with migrations and demo data,
 * the worker and the webhook server as their own processes, and, in sandbox mode, the simulator
 * that plays technicians and customers. Ctrl-C stops everything in reverse order.
 */
async function main() {
  const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
  const secrets = await loadOrCreateDevSecrets(dataDir);
  // Demo defaults: a week of waiting passes in about two minutes, and contact hours are open all
  // day so the demo works at any hour. Anything set in the environment wins.
  const env: NodeJS.ProcessEnv = {
    TIME_SCALE: '5000',
    CONTACT_HOURS_START: '00:00',
    CONTACT_HOURS_END: '24:00',
    // The Web UI's origin may call the payload codec from the browser.
    CODEC_CORS_ORIGINS: `http://localhost:${process.env.TEMPORAL_UI_PORT ?? '8233'}`,
    // The console links each request's workflow into the local Web UI.
    TEMPORAL_UI_URL: `http://localhost:${process.env.TEMPORAL_UI_PORT ?? '8233'}`,
    ...secrets,
    ...process.env,
    DATA_DIR: dataDir,
  };
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL, 'stack');
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const cli = process.env.TEMPORAL_CLI;
  if (!cli) throw new Error('TEMPORAL_CLI is not set: start the stack with `make up`');
  const stack = stackKind(process.env);
  // The Web UIs send payloads here to show them decoded (an operator opens the session link once).
  const codecEndpoint = `http://localhost:${config.WEBHOOK_PORT}/codec`;
  const [host, port] = config.TEMPORAL_ADDRESS.split(':');
  const localTemporal = host === 'localhost' || host === '127.0.0.1';
  if (localTemporal && stack === 'dev') {
    const options = { cli, port: Number(port ?? 7233), uiPort: config.TEMPORAL_UI_PORT, uiCodecEndpoint: codecEndpoint, dbFile: path.join(dataDir, 'temporal.sqlite') };
    let server = await startTemporalDevServer(options);
    stops.push({ name: 'temporal', stop: () => server.stop() });
    log.info({ address: server.address }, 'temporal dev server ready');
    // The dev server keeps its state in SQLite: if it dies, it is started again on the same file.
    let pauseMs = 1000;
    const restartWhenGone = () =>
      server.process.once('exit', (code, signal) => {
        if (stopping) return;
        log.error({ code, signal, restartInMs: pauseMs }, 'temporal dev server exited; restarting it');
        const restart = async () => {
          try {
            server = await startTemporalDevServer(options);
            pauseMs = 1000;
            restartWhenGone();
          } catch (err) {
            pauseMs = Math.min(pauseMs * 2, 30_000);
            log.error({ err: (err as Error).message, restartInMs: pauseMs }, 'temporal dev server did not start; trying again');
            setTimeout(() => void restart(), pauseMs);
          }
        };
        setTimeout(() => void restart(), pauseMs);
      });
    restartWhenGone();
  }

  const database = await provideDatabase(config, log);
  stops.push({ name: 'postgres', stop: database.stop });
  // The cluster keeps its state in PostgreSQL, so it starts once the database is up.
  if (localTemporal && stack === 'cluster') {
    const cluster = await startClusterTemporal({ databaseUrl: database.url, dataDir, frontendPort: Number(port ?? 7233), uiPort: config.TEMPORAL_UI_PORT, namespace: config.TEMPORAL_NAMESPACE, codecEndpoint });
    stops.push({ name: 'temporal', stop: cluster.stop });
    log.info({ address: cluster.address, metrics: cluster.metricsUrl }, 'temporal cluster ready');
  }
  const pool = createPool(database.url, 4);
  stops.push({ name: 'pool', stop: () => pool.end() });
  await seedDemoData(pool, { now: new Date(), technicianSecret: secrets.TECHNICIAN_TOKEN_SECRET });

  const childEnv = { ...env, DATABASE_URL: database.url, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS };
  // A child that exits (a crash, a kill) is restarted with a growing pause; the rest keeps running.
  const processes = [...workerProcesses(stack).map((w) => ({ ...w, entry: 'worker/main.ts' })), { name: 'webhooks', entry: 'client/webhooks/main.ts', env: {} }];
  for (const { name, entry, env: own } of processes) {
    const child = supervise(name, ...typescriptEntry(entry), { ...childEnv, ...own }, {
      onExit: (exit, restartInMs) => log.error({ code: exit.code, signal: exit.signal, restartInMs }, `${name} exited; restarting it`),
    });
    stops.push(child);
  }

  const baseUrl = `http://127.0.0.1:${config.WEBHOOK_PORT}`;
  await waitForReady(`${baseUrl}/health/ready`);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  stops.push({ name: 'client', stop: () => connection.close() });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config) });

  const sandbox = !config.TWILIO_ACCOUNT_SID && !config.SENDGRID_API_KEY;
  if (sandbox && config.DEMO_SIMULATOR) {
    const simulator = startSimulator({
      pool,
      temporal,
      config,
      log: log.child({ component: 'simulator' }),
      baseUrl,
      technicianSecret: secrets.TECHNICIAN_TOKEN_SECRET,
      twilioWebhookToken: config.TWILIO_WEBHOOK_AUTH_TOKEN ?? secrets.TWILIO_WEBHOOK_AUTH_TOKEN,
      inboundSecret: config.SENDGRID_INBOUND_SECRET ?? secrets.SENDGRID_INBOUND_SECRET,
      requests: Number(process.env.DEMO_REQUESTS ?? 16),
      startEveryMs: 4000,
    });
    stops.push({ name: 'simulator', stop: simulator.stop });
  }

  const ui = localTemporal ? `http://localhost:${config.TEMPORAL_UI_PORT}` : '(your Temporal cluster\'s UI)';
  process.stdout.write(
    [
      '',
      'Service follow-up engine is running.',
      `  Temporal Web UI:   ${ui}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`,
      `  Requests awaiting a reply: ${ui}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent('ServiceRequestStage="awaiting_reply"')}`,
      `  Decoded payloads:  open ${codecEndpoint}/session${config.OPERATOR_ACCESS_TOKEN ? `?token=${config.OPERATOR_ACCESS_TOKEN}` : ''} once in the UI's browser`,
      `  Webhook server:    ${baseUrl}  (health: ${baseUrl}/health/ready)`,
      `  Statistics:        ${baseUrl}/stats${config.OPERATOR_ACCESS_TOKEN ? `?token=${config.OPERATOR_ACCESS_TOKEN}` : ''}`,
      `  Operator console:  ${baseUrl}/console (add an operator first: npm run operators -- add --username NAME --name "NAME")`,
      `  Mode:              ${sandbox ? `sandbox (messages recorded in the outbox table${config.DEMO_SIMULATOR ? '; the simulator plays technicians and customers' : ''})` : 'live providers'}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

/** What to stop on the way out, in reverse order of starting. */
const stops: { name: string; stop: () => Promise<void> }[] = [];
let stopping = false;

async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping everything...\n');
  for (const s of stops.reverse()) await s.stop().catch((err) => process.stderr.write(`stopping ${s.name} failed: ${String(err)}\n`));
  process.exit(code);
}

async function waitForReady(url: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not become ready`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  // Whatever started before the failure is stopped, so a second `make up` finds free ports.
  void stopAll(1);
});
