import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { WORKFLOWS_PATH } from '../worker/createWorker';
import {
  callOutcomeSignal,
  cancelRequestSignal,
  getStateQuery,
  jobCompletedSignal,
  serviceRequestWorkflowId,
  surveyReplySignal,
  technicianChosenSignal,
  technicianProgressSignal,
} from '../workflows/messages';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/searchAttributes';
import { serviceRequestWorkflow } from '../workflows/serviceRequest';
import type { Stage } from '../workflows/types';
import { fakeActivities } from '../test/workflows/fakeActivities';
import { requestInput, workflowIdFor } from '../test/workflows/requestFixtures';

/**
 * Records the histories of representative service requests (one per main branch) on the
 * time-skipping server, for the replay test. Run it after an intended change to the workflow's
 * commands — and only then: a replay failure otherwise means the change breaks running requests
 * and needs `patched()`.
 *
 *   TEMPORAL_TEST_SERVER=$(bash scripts/ensure-test-server.sh) npm run record:histories
 */
const OUT = path.resolve('test/workflows/histories');
const at = () => new Date().toISOString();
type Handle = WorkflowHandle<typeof serviceRequestWorkflow>;

async function stage(handle: Handle, s: Stage) {
  for (let i = 0; i < 600; i++) {
    if ((await handle.query(getStateQuery)).stage === s) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never reached ${s}`);
}

async function completeJob(handle: Handle) {
  await handle.signal(technicianChosenSignal, { eventId: 'choice', technicianId: 'tech-a' });
  await stage(handle, 'awaiting_completion');
  for (const status of ['en_route', 'arrived', 'working'] as const) {
    await handle.signal(technicianProgressSignal, { eventId: status, technicianId: 'tech-a', status, at: at() });
  }
  await handle.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-a', resolved: true, at: at() });
}

const SCENARIOS: Record<string, { fakes: Parameters<typeof fakeActivities>[0]; drive: (h: Handle, env: TestWorkflowEnvironment) => Promise<void> }> = {
  'late-completion-escalated': {
    fakes: { contact: { voice: false, sms: false, email: false } },
    drive: async (h, env) => {
      await h.signal(technicianChosenSignal, { eventId: 'choice', technicianId: 'tech-a' });
      await stage(h, 'awaiting_completion');
      await env.sleep('3 days');
      for (let i = 0; i < 600 && !(await h.query(getStateQuery)).escalated; i++) await new Promise((r) => setTimeout(r, 50));
      await h.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-a', resolved: true, at: at() });
    },
  },
  'phone-answered': {
    fakes: { category: 'delighted' },
    drive: async (h) => {
      await completeJob(h);
      await stage(h, 'phone_attempt');
      await h.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'answered', rating: 5, at: at() });
    },
  },
  'no-answer-email-reply': {
    fakes: { category: 'complaint' },
    drive: async (h) => {
      await completeJob(h);
      await stage(h, 'phone_attempt');
      await h.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'no_answer', at: at() });
      await stage(h, 'awaiting_reply');
      await h.signal(surveyReplySignal, { eventId: 'mail', channel: 'email', inboxId: 1, at: at() });
    },
  },
  'no-reply-with-reminder': {
    fakes: { contact: { voice: false, sms: true, email: false } },
    drive: async (h) => completeJob(h),
  },
  'quiet-hours-then-no-contact-channel': {
    fakes: { contactWaitMs: [0, 0, 9 * 3_600_000], contact: { voice: true, sms: false, email: false } },
    drive: async (h) => {
      await h.signal(technicianChosenSignal, { eventId: 'choice', technicianId: 'tech-a' });
      await stage(h, 'awaiting_completion');
      await h.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-a', resolved: false, at: at() });
    },
  },
  'cancelled-before-completion': {
    fakes: {},
    drive: async (h) => {
      await h.signal(technicianChosenSignal, { eventId: 'choice', technicianId: 'tech-b' });
      await stage(h, 'awaiting_completion');
      await h.signal(cancelRequestSignal, { eventId: 'cancel', reason: 'fixed it myself' });
    },
  },
  // Last: its revisit keeps the test server's clock from skipping for anything recorded after it.
  'repeat-failure-revisit': {
    fakes: { category: 'repeat_failure', contact: { voice: false, sms: true, email: false } },
    drive: async (h) => {
      await completeJob(h);
      await stage(h, 'awaiting_reply');
      await h.signal(surveyReplySignal, { eventId: 'sms', channel: 'sms', inboxId: 2, rating: 2, at: at() });
    },
  },
};

async function main() {
  const executable = process.env.TEMPORAL_TEST_SERVER;
  if (!executable) throw new Error('TEMPORAL_TEST_SERVER is not set: run scripts/ensure-test-server.sh');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: executable } } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  try {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      const { activities } = fakeActivities(scenario.fakes);
      const taskQueue = `record-${name}`;
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
      await worker.runUntil(async () => {
        const input = requestInput();
        const handle = await env.client.workflow.start(serviceRequestWorkflow, { taskQueue, workflowId: workflowIdFor(input), args: [input] });
        await scenario.drive(handle, env);
        const result = await handle.result();
        // A revisit left running on a queue nobody serves would stop the test server's clock.
        if (result.followUpRequestId) await env.client.workflow.getHandle(serviceRequestWorkflowId(result.followUpRequestId)).terminate('recorded');
        const history = await handle.fetchHistory();
        await writeFile(path.join(OUT, `${name}.json`), JSON.stringify(history, null, 1));
        process.stdout.write(`recorded ${name}: ${history.events?.length} events\n`);
      });
    }
  } finally {
    await env.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
