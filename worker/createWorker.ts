import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { ServiceRequestActivities } from '../activities';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export async function createServiceWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ServiceRequestActivities;
  /** Encrypts what the worker stores in Temporal and decrypts what it reads (client/codec). */
  payloadCodec?: PayloadCodec;
  /** The production build's prebundled workflow code; without it the sources are bundled now. */
  workflowBundlePath?: string;
  /** Workflows kept in memory between tasks; the rest replay when they wake (SDK default: by memory). */
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    activities: options.activities,
    dataConverter: options.payloadCodec ? { payloadCodecs: [options.payloadCodec] } : undefined,
    // Bounded so memory does not grow with the requests parked for days awaiting a reply.
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
