import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { callOutcomeSignal, chooseTechnicianUpdate, getStateQuery, jobCompletedSignal, reassignTechnicianUpdate, rescheduleVisitUpdate } from '../../workflows/messages';
import { ServiceCentreIdKey, ServiceCustomerIdKey, ServiceReplyCategoryKey, ServiceRequestStageKey, ServiceTechnicianIdKey } from '../../workflows/searchAttributes';
import { serviceRequestWorkflow } from '../../workflows/serviceRequest';
import { fakeActivities } from './fakeActivities';
import { at, DAY, requestInput, startCompleted, startRequest, testPolicy, useScenarioClock, useTimeSkippingEnv, waitForStage, waitUntil, withWorker, workflowIdFor } from './harness';

const env = useTimeSkippingEnv();

type Upsert = Record<string, unknown>;

/** The search-attribute upserts in a request's history, in order, each as attribute → value written. */
async function upsertsOf(handle: WorkflowHandle): Promise<Upsert[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e: proto.temporal.api.history.v1.IHistoryEvent) => {
    const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    if (!fields) return [];
    return [Object.fromEntries(Object.entries(fields).map(([key, payload]) => [key, defaultPayloadConverter.fromPayload(payload)]))];
  });
}

/** Ours, without the SDK's own `TemporalChangeVersion` upsert that goes with a first patch check. */
const ours = (upserts: Upsert[]) => upserts.filter((u) => !('TemporalChangeVersion' in u));

/** Every value an attribute was given, in order. */
const valuesOf = (upserts: Upsert[], key: string) => upserts.filter((u) => key in u).map((u) => u[key]);

describe('search attributes are written once per stage change, with what changed', () => {
  const { slotIn, track } = useScenarioClock(env);

  it('happy path: one upsert per stage entered, the centre, technician and category riding along, no value written twice', async () => {
    const { activities } = fakeActivities({ category: 'delighted' });
    const input = requestInput({ policy: { ...testPolicy, settleTimeMs: DAY } });
    await withWorker(env(), activities, async (tq) => {
      const handle = await startCompleted(env().client, tq, input, { withProgress: true });
      await waitForStage(handle, 'letting_repair_settle');
      await env().sleep(DAY);
      await waitForStage(handle, 'phone_attempt');
      await handle.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'answered', rating: 5, at: at() });
      expect((await handle.result()).closeReason).toBe('answered');

      const upserts = await upsertsOf(handle);
      const { stageHistory } = await handle.query(getStateQuery);
      // Each of our upserts is a stage change, in the order the stages were entered after intake
      // (intake and the customer came with the start).
      expect(ours(upserts).map((u) => u.ServiceRequestStage)).toEqual(stageHistory.slice(1).map((s) => s.stage));
      expect(ours(upserts)).toEqual([
        { ServiceCentreId: 'centre-gangnam', ServiceRequestStage: 'assigning_technician' },
        { ServiceRequestStage: 'awaiting_customer_choice' },
        { ServiceRequestStage: 'assigning_technician' },
        { ServiceTechnicianId: 'tech-a', ServiceRequestStage: 'awaiting_completion' },
        { ServiceRequestStage: 'letting_repair_settle' },
        { ServiceRequestStage: 'phone_attempt' },
        { ServiceRequestStage: 'settling_reply' },
        { ServiceReplyCategory: 'delighted', ServiceRequestStage: 'closed' },
      ]);
      // One patch checked (the behaviour the request runs), so one upsert by the SDK for it.
      expect(upserts.filter((u) => 'TemporalChangeVersion' in u)).toEqual([{ TemporalChangeVersion: ['grouped-search-attributes'] }]);

      // What operators filter by is what it always was.
      const attributes = (await handle.describe()).typedSearchAttributes;
      expect(attributes.get(ServiceRequestStageKey)).toBe('closed');
      expect(attributes.get(ServiceCustomerIdKey)).toBe(input.customer.customerId);
      expect(attributes.get(ServiceCentreIdKey)).toBe('centre-gangnam');
      expect(attributes.get(ServiceTechnicianIdKey)).toBe('tech-a');
      expect(attributes.get(ServiceReplyCategoryKey)).toBe('delighted');
    });
  });

  it('a request started without its starting attributes (e.g. by hand with the CLI) writes them itself', async () => {
    const { activities } = fakeActivities({ contact: { voice: false, sms: false, email: false } });
    const input = requestInput();
    await withWorker(env(), activities, async (tq) => {
      const handle = await env().client.workflow.start(serviceRequestWorkflow, { taskQueue: tq, workflowId: workflowIdFor(input), args: [input] });
      track(handle);
      await waitForStage(handle, 'awaiting_customer_choice');
      expect((await upsertsOf(handle)).slice(0, 2)).toEqual([
        { TemporalChangeVersion: ['grouped-search-attributes'] },
        { ServiceRequestStage: 'intake', ServiceCustomerId: input.customer.customerId },
      ]);
    });
  });

  it('a visit moved to the same technician writes nothing; one moved to another technician writes them at once', async () => {
    const moved = slotIn('tech-a', 7, 5 * DAY);
    const { activities } = fakeActivities({
      candidates: [slotIn('tech-a', 1, 3 * DAY), slotIn('tech-b', 2, 3 * DAY)],
      freeSlots: [moved, slotIn('tech-b', 5, 6 * DAY)],
      contact: { voice: false, sms: false, email: false },
    });
    await withWorker(env(), activities, async (tq) => {
      const handle = await startRequest(env().client, tq, requestInput({ policy: { ...testPolicy, rescheduleNoticeMs: DAY } }));
      track(handle);
      await waitForStage(handle, 'awaiting_customer_choice');
      await handle.executeUpdate(chooseTechnicianUpdate, { args: [{ technicianId: 'tech-a' }] });
      await waitForStage(handle, 'awaiting_completion');
      const before = await upsertsOf(handle);

      await handle.executeUpdate(rescheduleVisitUpdate, { args: [{ technicianId: 'tech-a', slotId: 7, startsAt: moved.startsAt }] });
      await waitUntil(async () => (await handle.query(getStateQuery)).visit?.startsAt === moved.startsAt, 'the visit moved');
      expect(await upsertsOf(handle)).toEqual(before);

      await handle.executeUpdate(reassignTechnicianUpdate, { args: [{ technicianId: 'tech-b', reason: 'tech-a is ill' }] });
      await waitUntil(async () => (await handle.describe()).typedSearchAttributes.get(ServiceTechnicianIdKey) === 'tech-b', 'tech-b written');
      expect((await upsertsOf(handle)).slice(before.length)).toEqual([{ ServiceTechnicianId: 'tech-b' }]);
      expect((await handle.query(getStateQuery)).stage).toBe('awaiting_completion');
      await handle.signal(jobCompletedSignal, { eventId: 'done-b', technicianId: 'tech-b', resolved: true, at: at() });
      await handle.result();
      expect(valuesOf(ours(await upsertsOf(handle)), 'ServiceTechnicianId')).toEqual(['tech-a', 'tech-b']);
    });
  });
});
