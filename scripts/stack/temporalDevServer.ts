import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from './childProcess';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/searchAttributes';

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` with the workflow's search attributes registered. With a
 * dbFile its state lives in SQLite and survives restarts; these pragmas are why:
 * - journal_mode=WAL: readers (the Web UI, visibility queries) never block the writer, and an
 *   interrupted write cannot corrupt the file;
 * - synchronous=FULL: a transaction the server acknowledged (a signal, a started workflow) is on
 *   disk before the acknowledgement, even after a power cut;
 * - busy_timeout=5000: a briefly locked database makes a query wait instead of failing.
 */
export async function startTemporalDevServer(options: {
  cli: string;
  port: number;
  uiPort?: number;
  /** Where the Web UI sends payloads to be decoded (the webhook server's /codec). */
  uiCodecEndpoint?: string;
  dbFile?: string;
  log?: (line: string) => void;
}): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  if (options.uiPort && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  else args.push('--headless');
  if (options.dbFile) {
    args.push('--db-filename', options.dbFile);
    for (const pragma of ['journal_mode=WAL', 'synchronous=FULL', 'busy_timeout=5000']) args.push('--sqlite-pragma', pragma);
  }
  for (const key of SEARCH_ATTRIBUTE_KEYS) args.push('--search-attribute', `${key.name}=Keyword`);
  // Activities wait on signals and timers for days; the dev server's default limits are fine, but
  // the UI should show workflow details without the codec.
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => options.log?.(String(d)));
  child.stderr?.on('data', (d) => options.log?.(String(d)));
  const address = `127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal dev server exited early (code ${code}); is port ${options.port} in use?`))),
  );
  await Promise.race([waitUntilServing(address), exited]);
  return {
    address,
    uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
    process: child,
    stop: () => stopChild(child),
  };
}

async function waitUntilServing(address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`temporal dev server at ${address} did not become ready: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
