import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stopChild } from '../../scripts/stack/childProcess';
import { waitFor } from '../client/webhooks/webhookApp';
import { freePort } from '../support/ports';

/**
 * The production build as the image runs it: `npm run build` (scripts/build.ts), then both
 * processes started with plain node from dist/, the worker on the prebundled workflow code.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('production build', () => {
  const taskQueue = `build-${randomBytes(4).toString('hex')}`;
  const children: ChildProcess[] = [];
  const output = new Map<string, string>();
  let webhookPort: number;

  function start(name: string, entry: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, [entry], {
      cwd: root,
      // Nothing of the developer's environment: only what a container would be given.
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        DATABASE_URL: inject('databaseUrl'),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        PAYLOAD_ENCRYPTION_KEYS: `build-1:${randomBytes(32).toString('base64')}`,
        OPERATOR_ACCESS_TOKEN: randomBytes(12).toString('hex'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    output.set(name, '');
    const collect = (d: Buffer) => output.set(name, output.get(name)! + String(d));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    const built = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.ts'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    expect(built.status, built.stderr).toBe(0);
    webhookPort = await freePort();
    start('webhooks', 'dist/client/webhooks/main.js', { WEBHOOK_PORT: String(webhookPort) });
    start('worker', 'dist/worker/main.js', { PII_SEALING_KEY: randomBytes(32).toString('base64'), WORKFLOW_BUNDLE_PATH: 'dist/workflow-bundle.js' });
  }, 300_000);

  afterAll(async () => {
    for (const child of children) await stopChild(child, 10_000);
  });

  it('compiles every module and the workflow bundle', () => {
    for (const file of ['dist/worker/main.js', 'dist/client/webhooks/main.js', 'dist/workflow-bundle.js', 'dist/db/migrations']) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
    }
  });

  it('serves the webhook server from the compiled code', { timeout: 90_000 }, async () => {
    const ready = await waitFor('the compiled webhook server to be ready', async () => {
      const res = await fetch(`http://127.0.0.1:${webhookPort}/health/ready`).catch(() => undefined);
      return res?.ok ? res : undefined;
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${output.get('webhooks')}`);
    });
    expect(ready.status).toBe(200);
    // The statistics page reads its script from beside the compiled code.
    expect((await fetch(`http://127.0.0.1:${webhookPort}/assets/stats-page.js`)).status).toBe(200);
  });

  it('runs the worker on the prebundled workflows, polling its task queue', { timeout: 90_000 }, async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const pollers = await waitFor('a poller from the compiled worker', async () => {
        const res = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
        return res.pollers?.length ? res.pollers : undefined;
      }, 60_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${output.get('worker')}`);
      });
      expect(pollers.length).toBeGreaterThan(0);
    } finally {
      await connection.close();
    }
    expect(output.get('worker')).toContain('worker started');
    // Bundling at start would log this; the prebundled code is loaded instead.
    expect(output.get('worker')).not.toContain('Workflow bundle created');
  });
});
