import type { WorkflowClient, WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { jobCompletedSignal, getStateQuery, technicianChosenSignal, technicianProgressSignal } from '../../workflows/messages';
import { SEARCH_ATTRIBUTE_KEYS, startingSearchAttributes } from '../../workflows/searchAttributes';
import { serviceRequestWorkflow } from '../../workflows/serviceRequest';
import type { ServiceRequestInput, ServiceRequestState, Stage } from '../../workflows/types';
import { workflowIdFor } from './requestFixtures';

/**
 * Driving a service request the way its clients do (start, signals, waiting for a stage), shared by
 * the workflow tests and the history recorder (scripts/record-workflow-histories.ts). No test
 * framework in here, so the recorder can use it as a plain script.
 */
export type RequestHandle = WorkflowHandle<typeof serviceRequestWorkflow>;

export const at = () => new Date().toISOString();

/** The Java time-skipping server, with the workflow's search attributes registered like the dev server's. */
export async function startTimeSkippingServer(executable: string): Promise<TestWorkflowEnvironment> {
  const env = await startWithRetries(() => TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: executable } } }));
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}

/**
 * The SDK gives the Java server 5 s to start listening; on a loaded machine (several test files
 * starting their servers at once) that is sometimes too little, so a failed start is tried again.
 */
async function startWithRetries<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test((err as Error).message)) throw err;
    }
  }
}

/** Starts the request as its client does (client/requests/newRequest.ts): stage and customer go with the start. */
export function startRequest(client: { workflow: WorkflowClient }, taskQueue: string, input: ServiceRequestInput): Promise<RequestHandle> {
  return client.workflow.start(serviceRequestWorkflow, {
    taskQueue,
    workflowId: workflowIdFor(input),
    args: [input],
    typedSearchAttributes: startingSearchAttributes(input.customer.customerId),
  });
}

/** Waits on a condition (never a fixed sleep), polling every 50 ms. */
export async function waitUntil(check: () => Promise<boolean>, what = 'condition', timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls the workflow's state query until it reaches a stage. */
export async function waitForStage(handle: { query: (q: typeof getStateQuery) => Promise<ServiceRequestState> }, stage: Stage, timeoutMs = 30_000): Promise<ServiceRequestState> {
  let state: ServiceRequestState | undefined;
  try {
    await waitUntil(async () => (state = await handle.query(getStateQuery)).stage === stage, `stage ${stage}`, timeoutMs);
  } catch {
    throw new Error(`stage stayed ${state?.stage}, expected ${stage}`);
  }
  return state!;
}

/** The customer picks a technician from the offer; returns once the job is booked and dispatched. */
export async function chooseTechnician(handle: RequestHandle, technicianId = 'tech-a'): Promise<ServiceRequestState> {
  await handle.signal(technicianChosenSignal, { eventId: `choice-${technicianId}`, technicianId });
  return waitForStage(handle, 'awaiting_completion');
}

/** The booked technician reports completion (optionally after the three progress reports). */
export async function completeJob(handle: RequestHandle, options: { technicianId?: string; resolved?: boolean; withProgress?: boolean } = {}): Promise<void> {
  const technicianId = options.technicianId ?? 'tech-a';
  if (options.withProgress) {
    for (const status of ['en_route', 'arrived', 'working'] as const) {
      await handle.signal(technicianProgressSignal, { eventId: status, technicianId, status, at: at() });
    }
  }
  await handle.signal(jobCompletedSignal, { eventId: 'done', technicianId, resolved: options.resolved ?? true, at: at() });
}

/** Starts a request and drives it through choice and completion to the follow-up stages. */
export async function startCompleted(client: { workflow: WorkflowClient }, taskQueue: string, input: ServiceRequestInput, options: { technicianId?: string; withProgress?: boolean } = {}): Promise<RequestHandle> {
  const handle = await startRequest(client, taskQueue, input);
  await chooseTechnician(handle, options.technicianId);
  await completeJob(handle, options);
  return handle;
}
