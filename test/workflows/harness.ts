import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, inject } from 'vitest';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/searchAttributes';
import type { ServiceRequestActivities } from '../../activities';
import { WORKFLOWS_PATH } from '../../worker/createWorker';
import { getStateQuery } from '../../workflows/messages';
import type { ServiceRequestState, Stage } from '../../workflows/types';

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
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}

/** One time-skipping server for the test file: started before its tests, torn down after. */
export function useTimeSkippingEnv(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  return () => {
    if (!env) throw new Error('the time-skipping server is not started yet');
    return env;
  };
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

export { DAY, HOUR, requestInput, testPolicy, workflowIdFor } from './requestFixtures';

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
