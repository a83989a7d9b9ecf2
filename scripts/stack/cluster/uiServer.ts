import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stopChild } from '../childProcess';

export interface UiServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The Temporal Web UI server (the program inside the temporalio/ui image) pointed at the cluster's
 * frontend. With a codec endpoint, the browser sends payloads there to be shown decoded.
 */
export async function startUiServer(options: {
  uiServer: string;
  workDir: string;
  temporalAddress: string;
  port: number;
  namespace: string;
  codecEndpoint?: string;
  output?: (chunk: string) => void;
}): Promise<UiServer> {
  const configDir = path.join(options.workDir, 'config');
  await mkdir(configDir, { recursive: true });
  const config = {
    temporalGrpcAddress: options.temporalAddress,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace,
    notifyOnNewVersion: false,
    refreshInterval: '1m',
    cors: { allowOrigins: [`http://localhost:${options.port}`, `http://127.0.0.1:${options.port}`], cookieInsecure: true },
    // Credentials: the codec session cookie (see client/webhooks/routes/codec.ts).
    codec: { endpoint: options.codecEndpoint ?? '', passAccessToken: false, includeCredentials: Boolean(options.codecEndpoint) },
  };
  // JSON is YAML: the UI server reads it as its configuration file.
  await writeFile(path.join(configDir, 'cluster.yaml'), JSON.stringify(config, null, 2));
  const child = spawn(options.uiServer, ['--root', options.workDir, '--config', 'config', '--env', 'cluster', 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => options.output?.(String(d)));
  child.stderr?.on('data', (d: Buffer) => options.output?.(String(d)));
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal UI server exited early (code ${code}); is port ${options.port} in use?`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForHttp(`${url}/api/v1/settings`), exited]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url: `http://localhost:${options.port}`, process: child, stop: () => stopChild(child) };
}

async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
