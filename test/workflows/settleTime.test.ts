import { describe, expect, it } from 'vitest';
import { callOutcomeSignal } from '../../workflows/messages';
import type { ServiceRequestState } from '../../workflows/types';
import { fakeActivities } from './fakeActivities';
import { at, DAY, HOUR, requestInput, startCompleted, testPolicy, useTimeSkippingEnv, waitForStage, withWorker } from './harness';

const env = useTimeSkippingEnv();
/** When the stage was entered last (the call stage is entered again after a wait for contact hours). */
const entered = (state: ServiceRequestState, stage: string) => Date.parse(state.stageHistory.filter((s) => s.stage === stage).at(-1)!.at);

describe('time to try the repair before the survey', () => {
  it('after completion the request waits the settle time as its own stage, then contact hours, then calls', async () => {
    const { activities, called, world } = fakeActivities();
    const input = requestInput({ policy: { ...testPolicy, settleTimeMs: DAY } });
    await withWorker(env(), activities, async (tq) => {
      const handle = await startCompleted(env().client, tq, input);
      await waitForStage(handle, 'letting_repair_settle');
      expect(called('placeSurveyCall')).toHaveLength(0);
      // The settle time ends at night: the call still waits for the customer's contact hours.
      world.contactWaitMs.push(9 * HOUR);
      await env().sleep(DAY);
      await waitForStage(handle, 'waiting_for_contact_hours');
      expect(called('placeSurveyCall')).toHaveLength(0);
      await env().sleep(9 * HOUR);
      const calling = await waitForStage(handle, 'phone_attempt');
      expect(entered(calling, 'phone_attempt') - entered(calling, 'letting_repair_settle')).toBeGreaterThanOrEqual(DAY + 9 * HOUR);
      await handle.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'answered', rating: 5, at: at() });
      expect((await handle.result()).closeReason).toBe('answered');
    });
    expect(called('placeSurveyCall')).toHaveLength(1);
  });

  it("a product field's own settle time replaces the default, scaled like every other duration", async () => {
    const { activities, called } = fakeActivities({ fieldSettleMs: 6 * DAY, contact: { voice: true, sms: false, email: false } });
    const input = requestInput({ policy: { ...testPolicy, settleTimeMs: DAY, timeScale: 2 } });
    await withWorker(env(), activities, async (tq) => {
      const handle = await startCompleted(env().client, tq, input);
      await waitForStage(handle, 'letting_repair_settle');
      await env().sleep(2 * DAY); // past the default, not yet the field's 6 days / 2
      expect((await waitForStage(handle, 'letting_repair_settle')).stage).toBe('letting_repair_settle');
      await env().sleep(DAY);
      const calling = await waitForStage(handle, 'phone_attempt');
      expect(entered(calling, 'phone_attempt') - entered(calling, 'letting_repair_settle')).toBeGreaterThanOrEqual(3 * DAY);
      await handle.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'answered', rating: 4, at: at() });
      await handle.result();
    });
    expect(called('surveySettleTime')).toHaveLength(1);
  });
});
