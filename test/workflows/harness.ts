import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { inject } from 'vitest';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/searchAttributes';
import type { ServiceRequestActivities } from '../../activities';
import { WORKFLOWS_PATH } from '../../worker/createWorker';
import { getStateQuery, serviceRequestWorkflowId } from '../../workflows/messages';
import type { FollowUpPolicy, ServiceRequestInput, ServiceRequestState, Stage } from '../../workflows/types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const testPolicy: FollowUpPolicy = {
  choiceTimeoutMs: 4 * HOUR,
  completionSlaMs: 2 * DAY,
  callOutcomeTimeoutMs: 15 * 60_000,
  replyWindowMs: 7 * DAY,
  reminderBeforeCloseMs: 2 * DAY,
  noTechnicianRetryMs: HOUR,
  noTechnicianMaxAttempts: 3,
  surveyChannelPolicy: 'email',
};

export function requestInput(overrides: Partial<ServiceRequestInput> = {}): ServiceRequestInput {
  return {
    requestId: randomUUID(),
    customer: { customerId: `cus-${randomUUID().slice(0, 8)}`, areaCode: 'gangnam-06236', language: 'ko' },
    product: { field: 'refrigerator', model: 'RF-9000', fault: 'not cooling' },
    wantedWindow: { start: '2026-11-23T00:00:00.000Z', end: '2026-11-25T00:00:00.000Z' },
    policy: testPolicy,
    ...overrides,
  };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling the workflow code takes seconds; each test file does it once. */
export const workflowBundle = () => (bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: undefined }));

/** The Java time-skipping server, with the workflow's search attributes registered like the dev server's. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerExecutable') } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}

/** Runs fn while a worker with the given activities serves a fresh task queue. */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  activities: ServiceRequestActivities,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}

export const workflowIdFor = (input: ServiceRequestInput) => serviceRequestWorkflowId(input.requestId);
export { DAY, HOUR };

/** Polls the workflow's state query until it reaches a stage (a condition, not a fixed sleep). */
export async function waitForStage(handle: { query: (q: typeof getStateQuery) => Promise<ServiceRequestState> }, stage: Stage, timeoutMs = 30_000): Promise<ServiceRequestState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await handle.query(getStateQuery);
    if (state.stage === stage) return state;
    if (Date.now() > deadline) throw new Error(`stage stayed ${state.stage}, expected ${stage}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
