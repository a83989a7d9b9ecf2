import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import type { ServiceRequestActivities } from '../../activities';
import { WORKFLOWS_PATH } from '../../worker/createWorker';
import { startTimeSkippingServer } from './driving';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling the workflow code takes seconds; each test file does it once. */
export const workflowBundle = () => (bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: undefined }));

/** The Java time-skipping server, with the workflow's search attributes registered like the dev server's. */
export const timeSkippingEnv = (): Promise<TestWorkflowEnvironment> => startTimeSkippingServer(inject('testServerExecutable'));

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
export { at, chooseTechnician, completeJob, startCompleted, startRequest, waitForStage, waitUntil } from './driving';
