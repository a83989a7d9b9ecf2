import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { surveyReplySignal } from '../../workflows/messages';
import { fakeActivities } from './fakeActivities';
import { at, requestInput, startCompleted, useTimeSkippingEnv, waitForStage, withWorker } from './harness';

const env = useTimeSkippingEnv();
const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9;
const EventType = proto.temporal.api.enums.v1.EventType;

async function runToReply(activities: ReturnType<typeof fakeActivities>['activities'], afterCompletion?: () => Promise<void>) {
  const input = requestInput();
  return withWorker(env(), activities, async (tq) => {
    const handle = await startCompleted(env().client, tq, input);
    await afterCompletion?.();
    await waitForStage(handle, 'awaiting_reply');
    await handle.signal(surveyReplySignal, { eventId: 'r', channel: 'sms', inboxId: 1, at: at() });
    await handle.result();
    return handle.fetchHistory();
  });
}

describe('activity options fit each kind of activity', () => {
  it("every attempt is short (a lost worker's activity is retried within seconds), customer messages are bounded, short reads and the incentive grant are local", async () => {
    const { activities } = fakeActivities({ contact: { voice: false, sms: true, email: false } });
    const history = await runToReply(activities);
    const scheduled = new Map<string, proto.temporal.api.history.v1.IActivityTaskScheduledEventAttributes>();
    for (const e of history.events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && a?.activityType?.name) scheduled.set(a.activityType.name, a);
    }
    for (const [name, a] of scheduled) expect(seconds(a.startToCloseTimeout), name).toBeLessThanOrEqual(45);
    for (const name of ['registerServiceRequest', 'reserveTechnicianSlot', 'recordJobCompleted', 'closeServiceRequest']) {
      expect(seconds(scheduled.get(name)?.startToCloseTimeout), name).toBeLessThanOrEqual(15);
    }
    const survey = scheduled.get('sendSurveySms');
    expect(seconds(survey?.scheduleToCloseTimeout)).toBeGreaterThan(0);
    expect(seconds(survey?.scheduleToCloseTimeout)).toBeLessThanOrEqual(6 * 3600);
    expect(survey?.retryPolicy?.maximumAttempts).toBeGreaterThan(1);
    expect(survey?.retryPolicy?.nonRetryableErrorTypes).toEqual(expect.arrayContaining(['InvalidInput', 'UnknownRecord', 'PermanentDeliveryFailure']));
    expect(scheduled.has('contactOptions')).toBe(false);
    expect(scheduled.has('contactHoursWait')).toBe(false);
    expect(scheduled.has('grantReplyIncentive')).toBe(false);
    const markers = (history.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).map((e) => e.markerRecordedEventAttributes?.markerName);
    expect(markers).toContain('core_local_activity');
  });

  it('a survey email that cannot leave is given up after its bounded retries, and the survey goes by SMS', async () => {
    const { activities, world, called } = fakeActivities({ contact: { voice: false, sms: true, email: true } });
    activities.sendSurveyEmail = async (a) => {
      world.calls.push({ name: 'sendSurveyEmail', args: [a] });
      throw new Error('sendgrid 429: too many requests'); // retryable, every time
    };
    await runToReply(activities, () => env().sleep('7 hours')); // longer than the send may take
    expect(called('sendSurveyEmail').length).toBeGreaterThan(1);
    expect(called('sendSurveySms')).toHaveLength(1);
  });
});
