import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  callOutcomeSignal,
  jobCompletedSignal,
  surveyReplySignal,
} from '../../workflows/messages';
import { FailureType } from '../../workflows/failures';
import { fakeActivities } from './fakeActivities';
import { at, requestInput, startCompleted, startRequest, useTimeSkippingEnv, waitForStage, withWorker } from './harness';

const env = useTimeSkippingEnv();

describe('service request workflow', () => {
  it('phone answered with a rating: the keypad answer is the reply, no message survey is sent', async () => {
    const { activities, called } = fakeActivities({ category: 'delighted' });
    const input = requestInput();
    const result = await withWorker(env(), activities, async (taskQueue) => {
      const handle = await startCompleted(env().client, taskQueue, input, { technicianId: 'tech-b' });
      await waitForStage(handle, 'phone_attempt');
      await handle.signal(callOutcomeSignal, { eventId: 'call-1', callSid: 'CA-fake', outcome: 'answered', rating: 5, at: at() });
      return handle.result();
    });
    expect(result).toMatchObject({ closeReason: 'answered', replyCategory: 'delighted', incentivePoints: 500 });
    expect(called('reserveTechnicianSlot')[0]?.args[0]).toMatchObject({ candidates: [{ technicianId: 'tech-b' }, { technicianId: 'tech-a' }] });
    expect(called('sendSurveyEmail')).toHaveLength(0);
    expect(called('sendSurveySms')).toHaveLength(0);
    expect(called('classifyAndStoreReply')[0]?.args[0]).toMatchObject({ reply: { channel: 'voice', rating: 5 } });
  });

  it('no answer, then an email reply: the survey goes by email and the reply is rewarded once', async () => {
    const { activities, called } = fakeActivities({ category: 'satisfied' });
    const input = requestInput();
    const result = await withWorker(env(), activities, async (taskQueue) => {
      const handle = await startRequest(env().client, taskQueue, input);
      await waitForStage(handle, 'awaiting_customer_choice');
      await env().sleep('4h'); // no choice in time: the best candidate is taken
      await waitForStage(handle, 'awaiting_completion');
      await handle.signal(jobCompletedSignal, { eventId: 'done-1', technicianId: 'tech-a', resolved: true, at: at() });
      await handle.signal(jobCompletedSignal, { eventId: 'done-1', technicianId: 'tech-a', resolved: true, at: at() });
      await waitForStage(handle, 'phone_attempt');
      await handle.signal(callOutcomeSignal, { eventId: 'call-1', callSid: 'CA-fake', outcome: 'no_answer', at: at() });
      await waitForStage(handle, 'awaiting_reply');
      await handle.signal(surveyReplySignal, { eventId: 'inbox-7', channel: 'email', inboxId: 7, at: at() });
      await handle.signal(surveyReplySignal, { eventId: 'inbox-7', channel: 'email', inboxId: 7, at: at() });
      return handle.result();
    });
    expect(result).toMatchObject({ closeReason: 'answered', replyCategory: 'satisfied' });
    expect(called('sendSurveyEmail')).toHaveLength(1);
    expect(called('grantReplyIncentive')).toHaveLength(1);
    expect(called('classifyAndStoreReply')).toHaveLength(1);
    expect(called('storeLateReply')).toHaveLength(0); // the duplicate delivery was ignored
  });

  it('bad intake data closes the request as rejected_at_intake, without a technician or a message', async () => {
    const { activities, called } = fakeActivities();
    activities.registerServiceRequest = async () => {
      throw ApplicationFailure.nonRetryable('customer.areaCode "nowhere" is not served by any service centre', FailureType.InvalidInput);
    };
    const input = requestInput();
    const result = await withWorker(env(), activities, async (taskQueue) =>
      (await startRequest(env().client, taskQueue, input)).result(),
    );
    expect(result.closeReason).toBe('rejected_at_intake');
    expect(called('findTechnicianCandidates')).toHaveLength(0);
  });
});
