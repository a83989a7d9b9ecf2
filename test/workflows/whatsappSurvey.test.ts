import { describe, expect, it } from 'vitest';
import { callOutcomeSignal, getStateQuery, surveyDeliveryFailedSignal, surveyReplySignal } from '../../workflows/messages';
import { fakeActivities } from './fakeActivities';
import { at, requestInput, startCompleted, testPolicy, useTimeSkippingEnv, waitForStage, waitUntil, withWorker } from './harness';

const env = useTimeSkippingEnv();

/** WhatsApp as the messenger survey channel (US claim 27), chosen by the same policy as email and SMS. */
describe('the survey on WhatsApp', () => {
  it('a customer who prefers WhatsApp gets the survey there; their WhatsApp reply is classified and rewarded', async () => {
    const { activities, called } = fakeActivities({ contact: { voice: true, sms: true, email: true, whatsapp: true, preferred: 'whatsapp' } });
    const result = await withWorker(env(), activities, async (tq) => {
      const handle = await startCompleted(env().client, tq, requestInput());
      await waitForStage(handle, 'phone_attempt');
      await handle.signal(callOutcomeSignal, { eventId: 'c1', callSid: 'CA1', outcome: 'no_answer', at: at() });
      await waitForStage(handle, 'awaiting_reply');
      expect((await handle.query(getStateQuery)).channelsTried).toEqual(['voice', 'whatsapp']);
      await handle.signal(surveyReplySignal, { eventId: 'twilio-whatsapp:SM1', channel: 'whatsapp', inboxId: 21, rating: 5, at: at() });
      return handle.result();
    });
    expect(result).toMatchObject({ closeReason: 'answered', incentivePoints: 500 });
    expect(called('sendSurveyWhatsapp')).toHaveLength(1);
    expect(called('sendSurveySms')).toHaveLength(0);
    expect(called('sendSurveyEmail')).toHaveLength(0);
    expect(called('classifyAndStoreReply')[0]?.args[0]).toMatchObject({ reply: { channel: 'whatsapp', inboxId: 21, rating: 5 } });
    expect(called('grantReplyIncentive')).toHaveLength(1);
  });

  it('the configured policy picks WhatsApp when the customer states no preference; without WhatsApp the policy falls to the others', async () => {
    const policy = { ...testPolicy, surveyChannelPolicy: 'whatsapp' as const };
    const usable = fakeActivities({ contact: { voice: false, sms: true, email: true, whatsapp: true } });
    await withWorker(env(), usable.activities, async (tq) => {
      const handle = await startCompleted(env().client, tq, requestInput({ policy }));
      await waitForStage(handle, 'awaiting_reply');
      await handle.signal(surveyReplySignal, { eventId: 'w1', channel: 'whatsapp', inboxId: 1, at: at() });
      await handle.result();
    });
    expect(usable.called('sendSurveyWhatsapp')).toHaveLength(1);

    const unusable = fakeActivities({ contact: { voice: false, sms: true, email: true, whatsapp: false } });
    await withWorker(env(), unusable.activities, async (tq) => {
      const handle = await startCompleted(env().client, tq, requestInput({ policy }));
      await waitForStage(handle, 'awaiting_reply');
      await handle.signal(surveyReplySignal, { eventId: 'e1', channel: 'email', inboxId: 2, at: at() });
      await handle.result();
    });
    expect(unusable.called('sendSurveyWhatsapp')).toHaveLength(0);
    expect(unusable.called('sendSurveyEmail')).toHaveLength(1);
  });

  it('a WhatsApp survey that cannot go (no template outside the session) falls back to the next channel', async () => {
    const { activities, called } = fakeActivities({ contact: { voice: false, sms: true, email: false, whatsapp: true, preferred: 'whatsapp' }, permanentlyFailing: new Set(['whatsapp']) });
    await withWorker(env(), activities, async (tq) => {
      const handle = await startCompleted(env().client, tq, requestInput());
      await waitForStage(handle, 'awaiting_reply');
      await handle.signal(surveyReplySignal, { eventId: 's1', channel: 'sms', inboxId: 3, at: at() });
      expect((await handle.result()).closeReason).toBe('answered');
    });
    expect(called('sendSurveyWhatsapp')).toHaveLength(1);
    expect(called('sendSurveySms')).toHaveLength(1);
  });

  it('an undelivered WhatsApp survey moves to the next channel, and the reminder goes where the survey last went', async () => {
    const { activities, called } = fakeActivities({ contact: { voice: false, sms: false, email: true, whatsapp: true, preferred: 'whatsapp' } });
    await withWorker(env(), activities, async (tq) => {
      const handle = await startCompleted(env().client, tq, requestInput());
      await waitForStage(handle, 'awaiting_reply');
      await handle.signal(surveyDeliveryFailedSignal, { eventId: 'twilio-whatsapp-status:SM1:undelivered', channel: 'whatsapp', reason: 'whatsapp undelivered (twilio 63016)' });
      await waitUntil(async () => called('sendSurveyEmail').length === 1);
      await env().sleep(testPolicy.replyWindowMs - testPolicy.reminderBeforeCloseMs);
      await waitUntil(async () => called('sendReplyReminder').length === 1);
      await handle.signal(surveyReplySignal, { eventId: 'e1', channel: 'email', inboxId: 4, at: at() });
      await handle.result();
    });
    expect(called('sendReplyReminder')[0]?.args[0]).toMatchObject({ channel: 'email' });
  });
});
