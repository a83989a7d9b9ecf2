import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import type { ServiceRequestActivities } from '../../activities';
import { WORKFLOWS_PATH } from '../../worker/createWorker';
import type { Candidate } from '../../workflows/types';
import { startTimeSkippingServer } from './driving';
import { HOUR } from './requestFixtures';

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

/**
 * Scenarios that share one time-skipping server: the server's clock when each scenario starts
 * (earlier scenarios moved it on by days), two-hour slots placed from it, and the requests a
 * scenario started, ended when it is over so their timers do not hold up the next one's skipping.
 */
export function useScenarioClock(env: () => TestWorkflowEnvironment) {
  const running: { terminate(reason?: string): Promise<unknown> }[] = [];
  let serverNow = 0;
  beforeEach(async () => {
    serverNow = await env().currentTimeMs();
  });
  afterEach(async () => {
    for (const handle of running.splice(0)) await handle.terminate('scenario over').catch(() => undefined);
  });
  return {
    /** The server's time when the scenario started. */
    now: () => serverNow,
    /** A slot that starts this long after the scenario's start, on the server's clock. */
    slotIn: (technicianId: string, slotId: number, fromNowMs: number): Candidate => ({
      technicianId,
      slotId,
      startsAt: new Date(serverNow + fromNowMs).toISOString(),
      endsAt: new Date(serverNow + fromNowMs + 2 * HOUR).toISOString(),
    }),
    /** Ends this request when the scenario is over. */
    track: <H extends { terminate(reason?: string): Promise<unknown> }>(handle: H): H => {
      running.push(handle);
      return handle;
    },
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
