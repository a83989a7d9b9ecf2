import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { serviceRequestWorkflowId } from '../../../workflows/messages';
import { probeSignalsQuery, probeStopSignal, type ProbeOptions, type ProbeRecord } from '../../support/workflows/signalProbe';

export const PROBE_PATH = fileURLToPath(new URL('../../support/workflows/signalProbe.ts', import.meta.url));

/** Polls until `check` returns something, or fails with what it was waiting for. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real Temporal client plus a worker running the signal probe on a task queue of its own. */
export async function startProbeWorker(address: string) {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this test process: keep that one.
  }
  const taskQueue = `signal-probe-${randomBytes(4).toString('hex')}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowsPath: PROBE_PATH });
  const running = worker.run();
  const started: string[] = [];
  const handle = (requestId: string) => client.workflow.getHandle(serviceRequestWorkflowId(requestId));
  return {
    client,
    connection,
    /** Starts the probe under the workflow id the endpoints signal for this request. */
    async probe(requestId: string, options: ProbeOptions = {}) {
      started.push(requestId);
      await client.workflow.start('signalProbe', { taskQueue, workflowId: serviceRequestWorkflowId(requestId), args: [options] });
    },
    async finish(requestId: string) {
      await handle(requestId).signal(probeStopSignal);
      await handle(requestId).result();
    },
    async signals(requestId: string): Promise<ProbeRecord[]> {
      return handle(requestId).query(probeSignalsQuery);
    },
    /** Waits until the probe has received at least `count` signals (never a fixed sleep). */
    async waitForSignals(requestId: string, count: number, timeoutMs = 20_000): Promise<ProbeRecord[]> {
      return waitFor(`${count} signals for ${requestId}`, async () => {
        const got = await this.signals(requestId);
        return got.length >= count ? got : undefined;
      }, timeoutMs);
    },
    async stop() {
      for (const id of started) await handle(id).signal(probeStopSignal).catch(() => undefined);
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}
export type ProbeWorker = Awaited<ReturnType<typeof startProbeWorker>>;
