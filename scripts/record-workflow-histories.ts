import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker/createWorker';
import {
  callOutcomeSignal,
  cancelRequestSignal,
  cancelRequestUpdate,
  chooseTechnicianUpdate,
  getStateQuery,
  rescheduleVisitUpdate,
  serviceRequestWorkflowId,
  surveyReplySignal,
  technicianProgressSignal,
} from '../workflows/messages';
import { at, chooseTechnician, completeJob, startRequest, startTimeSkippingServer, waitForStage, waitUntil, type RequestHandle } from '../test/workflows/driving';
import { fakeActivities } from '../test/workflows/fakeActivities';
import { DAY, HOUR, requestInput, testPolicy } from '../test/workflows/requestFixtures';
import type { Candidate, ServiceRequestInput } from '../workflows/types';

/** A slot days from when the recorder runs (the time-skipping server starts at the real time). */
const slotInDays = (technicianId: string, slotId: number, days: number): Candidate => {
  const start = new Date(Date.now() + days * DAY);
  return { technicianId, slotId, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 2 * HOUR).toISOString() };
};

/**
 * Records the histories of representative service requests (one per main branch) on the
 * time-skipping server, for the replay test. A history already on file is kept: it stands for the
 * requests older code started, which must keep replaying (a change that breaks one needs
 * `patched()`). New scenarios, for new behaviour, are added next to them.
 *
 *   TEMPORAL_TEST_SERVER=$(bash scripts/ensure-test-server.sh) npm run record:histories [-- --rerecord]
 */
const OUT = path.resolve('test/workflows/histories');
type Handle = RequestHandle;

/** Chooses, reports the three progress steps and completes: the path most recorded requests take. */
async function fullJob(handle: Handle) {
  await chooseTechnician(handle);
  await completeJob(handle, { withProgress: true });
}

interface Scenario {
  fakes: Parameters<typeof fakeActivities>[0];
  /** Activities that behave otherwise than the fake world's defaults. */
  adjust?: (fakes: ReturnType<typeof fakeActivities>) => void;
  input?: Partial<ServiceRequestInput>;
  drive: (h: Handle, env: TestWorkflowEnvironment) => Promise<void>;
}

const SCENARIOS: Record<string, Scenario> = {
  'late-completion-escalated': {
    fakes: { contact: { voice: false, sms: false, email: false } },
    drive: async (h, env) => {
      await chooseTechnician(h);
      await env.sleep('3 days');
      await waitUntil(async () => (await h.query(getStateQuery)).escalated, 'escalation');
      await completeJob(h);
    },
  },
  'phone-answered': {
    fakes: { category: 'delighted' },
    drive: async (h) => {
      await fullJob(h);
      await waitForStage(h, 'phone_attempt');
      await h.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'answered', rating: 5, at: at() });
    },
  },
  // The points granted by a local activity (patch incentive-grant-local).
  'phone-answered-local-incentive-grant': {
    fakes: { category: 'delighted' },
    drive: async (h) => {
      await fullJob(h);
      await waitForStage(h, 'phone_attempt');
      await h.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'answered', rating: 5, at: at() });
    },
  },
  'no-answer-email-reply': {
    fakes: { category: 'complaint' },
    drive: async (h) => {
      await fullJob(h);
      await waitForStage(h, 'phone_attempt');
      await h.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'no_answer', at: at() });
      await waitForStage(h, 'awaiting_reply');
      await h.signal(surveyReplySignal, { eventId: 'mail', channel: 'email', inboxId: 1, at: at() });
    },
  },
  'no-reply-with-reminder': {
    fakes: { contact: { voice: false, sms: true, email: false } },
    drive: async (h) => fullJob(h),
  },
  'quiet-hours-then-no-contact-channel': {
    fakes: { contactWaitMs: [0, 0, 9 * 3_600_000], contact: { voice: true, sms: false, email: false } },
    drive: async (h) => {
      await chooseTechnician(h);
      await completeJob(h, { resolved: false });
    },
  },
  'cancelled-before-completion': {
    fakes: {},
    drive: async (h) => {
      await chooseTechnician(h, 'tech-b');
      await h.signal(cancelRequestSignal, { eventId: 'cancel', reason: 'fixed it myself' });
    },
  },
  // Recorded with the patches for alerting after lost races, local short reads and the reply
  // window from the send.
  'every-race-lost-alerted': {
    fakes: {},
    adjust: ({ activities }) => {
      activities.reserveTechnicianSlot = async () => null;
    },
    drive: async () => undefined,
  },
  'survey-after-quiet-hours-reminded': {
    fakes: { contactWaitMs: [0, 0, 10 * HOUR], contact: { voice: false, sms: false, email: true } },
    input: { policy: { ...testPolicy, replyWindowMs: 16 * HOUR, reminderBeforeCloseMs: 8 * HOUR } },
    drive: async (h) => fullJob(h),
  },
  'settle-time-then-phone-answered': {
    fakes: { category: 'satisfied' },
    input: { policy: { ...testPolicy, settleTimeMs: DAY } },
    drive: async (h, env) => {
      await fullJob(h);
      await waitForStage(h, 'letting_repair_settle');
      await env.sleep('1 day');
      await waitForStage(h, 'phone_attempt');
      await h.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'answered', rating: 4, at: at() });
    },
  },
  // The updates: the choice answered with the booking, a reschedule (the booking moved, the new
  // visit announced), the ETA notice when the technician sets out, a cancellation answered.
  'updates-choose-reschedule-eta-cancel': {
    fakes: { candidates: [slotInDays('tech-a', 1, 3), slotInDays('tech-b', 2, 3)], freeSlots: [slotInDays('tech-a', 7, 5)] },
    drive: async (h) => {
      await waitForStage(h, 'awaiting_customer_choice');
      await h.executeUpdate(chooseTechnicianUpdate, { args: [{ technicianId: 'tech-a' }], updateId: 'choice-1' });
      await waitForStage(h, 'awaiting_completion');
      const to = slotInDays('tech-a', 7, 5);
      await h.executeUpdate(rescheduleVisitUpdate, { args: [{ technicianId: 'tech-a', slotId: 7, startsAt: to.startsAt }], updateId: 'reschedule-1' });
      await h.signal(technicianProgressSignal, { eventId: 'en-route', technicianId: 'tech-a', status: 'en_route', at: at() });
      await h.executeUpdate(cancelRequestUpdate, { args: [{ reason: 'fixed it myself' }], updateId: 'cancel-1' });
    },
  },
  // Started as the client starts requests (stage and customer with the start), by code with patch
  // grouped-search-attributes: one upsert per stage entered, no marker for the earlier patches.
  'grouped-attributes-settle-time-phone-answered': {
    fakes: { category: 'delighted' },
    input: { policy: { ...testPolicy, settleTimeMs: DAY } },
    drive: async (h, env) => {
      await fullJob(h);
      await waitForStage(h, 'letting_repair_settle');
      await env.sleep('1 day');
      await waitForStage(h, 'phone_attempt');
      await h.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'answered', rating: 5, at: at() });
    },
  },
  // The same on the message path: no answer, the survey by email with its reminder, the reply.
  'grouped-attributes-no-answer-email-reminded-reply': {
    fakes: { category: 'complaint' },
    drive: async (h, env) => {
      await fullJob(h);
      await waitForStage(h, 'phone_attempt');
      await h.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'no_answer', at: at() });
      await waitForStage(h, 'awaiting_reply');
      await env.sleep('5 days');
      await waitUntil(async () => (await h.query(getStateQuery)).reminderSent, 'the reminder');
      await h.signal(surveyReplySignal, { eventId: 'mail', channel: 'email', inboxId: 1, at: at() });
    },
  },
  // Last: its revisit keeps the test server's clock from skipping for anything recorded after it.
  'repeat-failure-revisit': {
    fakes: { category: 'repeat_failure', contact: { voice: false, sms: true, email: false } },
    drive: async (h) => {
      await fullJob(h);
      await waitForStage(h, 'awaiting_reply');
      await h.signal(surveyReplySignal, { eventId: 'sms', channel: 'sms', inboxId: 2, rating: 2, at: at() });
    },
  },
};

async function main() {
  const executable = process.env.TEMPORAL_TEST_SERVER;
  if (!executable) throw new Error('TEMPORAL_TEST_SERVER is not set: run scripts/ensure-test-server.sh');
  const env = await startTimeSkippingServer(executable);
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  const rerecord = process.argv.includes('--rerecord');
  try {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      const file = path.join(OUT, `${name}.json`);
      if (!rerecord && existsSync(file)) {
        process.stdout.write(`kept ${name} (recorded by older code: it is what replay checks)\n`);
        continue;
      }
      const fakes = fakeActivities(scenario.fakes);
      scenario.adjust?.(fakes);
      const { activities } = fakes;
      const taskQueue = `record-${name}`;
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
      await worker.runUntil(async () => {
        const input = requestInput(scenario.input);
        const handle = await startRequest(env.client, taskQueue, input);
        await scenario.drive(handle, env);
        const result = await handle.result();
        // A revisit left running on a queue nobody serves would stop the test server's clock.
        if (result.followUpRequestId) await env.client.workflow.getHandle(serviceRequestWorkflowId(result.followUpRequestId)).terminate('recorded');
        const history = await handle.fetchHistory();
        await writeFile(file, JSON.stringify(history, null, 1));
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
