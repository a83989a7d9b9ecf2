import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { serviceRequestWorkflowId } from '../../../workflows/messages';
import { probeSignalsQuery, probeStopSignal, type ProbeRecord } from '../../support/workflows/assignmentProbe';

const PROBE_PATH = fileURLToPath(new URL('../../support/workflows/assignmentProbe.ts', import.meta.url));

/** A real Temporal client plus a worker running the probe workflow on a task queue of its own. */
export async function startProbeHarness(address: string) {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this test process: keep that one.
  }
  const taskQueue = `assignment-probe-${randomBytes(4).toString('hex')}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowsPath: PROBE_PATH });
  const running = worker.run();

  return {
    client,
    connection,
    /** Starts the probe under the workflow id the endpoints signal for this request. */
    async probe(requestId: string) {
      await client.workflow.start('assignmentProbe', { taskQueue, workflowId: serviceRequestWorkflowId(requestId) });
    },
    async signals(requestId: string): Promise<ProbeRecord[]> {
      return client.workflow.getHandle(serviceRequestWorkflowId(requestId)).query(probeSignalsQuery);
    },
    /** Waits until the probe has received at least `count` signals (never a fixed sleep). */
    async waitForSignals(requestId: string, count: number, timeoutMs = 20_000): Promise<ProbeRecord[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = await this.signals(requestId);
        if (got.length >= count) return got;
        if (Date.now() > deadline) throw new Error(`probe for ${requestId} got ${got.length} of ${count} signals`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(requestIds: string[] = []) {
      for (const id of requestIds) await client.workflow.getHandle(serviceRequestWorkflowId(id)).signal(probeStopSignal).catch(() => undefined);
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

export type ProbeHarness = Awaited<ReturnType<typeof startProbeHarness>>;
