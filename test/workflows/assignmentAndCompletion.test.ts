import { describe, expect, it } from 'vitest';
import {
  bookingReleasedSignal,
  getStateQuery,
  cancelRequestSignal,
  jobCompletedSignal,
  surveyReplySignal,
  technicianChosenSignal,
  technicianProgressSignal,
} from '../../workflows/messages';
import { fakeActivities } from './fakeActivities';
import { at, DAY, HOUR, requestInput, startRequest, testPolicy, useTimeSkippingEnv, waitForStage, waitUntil, withWorker } from './harness';

const env = useTimeSkippingEnv();

describe('technician assignment and the wait for completion', () => {
  it('progress reports are kept in order, and a report from another technician is ignored', async () => {
    const { activities } = fakeActivities({ contact: { voice: false, sms: false, email: false } });
    const input = requestInput();
    await withWorker(env(), activities, async (tq) => {
      const handle = await startRequest(env().client, tq, input);
      await handle.signal(technicianChosenSignal, { eventId: 'c', technicianId: 'tech-b' });
      await waitForStage(handle, 'awaiting_completion');
      for (const status of ['en_route', 'arrived', 'working'] as const) {
        await handle.signal(technicianProgressSignal, { eventId: `p-${status}`, technicianId: 'tech-b', status, at: at() });
      }
      await handle.signal(technicianProgressSignal, { eventId: 'p-en_route', technicianId: 'tech-b', status: 'en_route', at: at() });
      await handle.signal(technicianProgressSignal, { eventId: 'intruder', technicianId: 'tech-a', status: 'arrived', at: at() });
      await handle.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-b', resolved: true, at: at() });
      await handle.result();
      const state = await handle.query('getState');
      expect((state as { progress: { status: string }[] }).progress.map((p) => p.status)).toEqual(['en_route', 'arrived', 'working', 'completed']);
    });
  });

  it('a customer cancellation before completion ends the request and releases the slot', async () => {
    const { activities, called } = fakeActivities();
    const input = requestInput();
    const result = await withWorker(env(), activities, async (tq) => {
      const handle = await startRequest(env().client, tq, input);
      await handle.signal(technicianChosenSignal, { eventId: 'c', technicianId: 'tech-a' });
      await waitForStage(handle, 'awaiting_completion');
      await handle.signal(cancelRequestSignal, { eventId: 'cancel-1', reason: 'customer fixed it' });
      return handle.result();
    });
    expect(result.closeReason).toBe('cancelled');
    expect(called('closeServiceRequest')[0]?.args[0]).toMatchObject({ closeReason: 'cancelled' });
    expect(called('placeSurveyCall')).toHaveLength(0);
  });

  it('a late completion is escalated to the supervisor once and the workflow keeps waiting', async () => {
    const { activities, called } = fakeActivities({ contact: { voice: false, sms: false, email: false } });
    const input = requestInput();
    await withWorker(env(), activities, async (tq) => {
      const handle = await startRequest(env().client, tq, input);
      await handle.signal(technicianChosenSignal, { eventId: 'c', technicianId: 'tech-a' });
      await waitForStage(handle, 'awaiting_completion');
      await env().sleep(testPolicy.completionSlaMs + HOUR);
      const state = await waitForStage(handle, 'awaiting_completion');
      expect(state.escalated).toBe(true);
      await env().sleep(3 * DAY);
      await handle.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-a', resolved: true, at: at() });
      await handle.result();
    });
    expect(called('escalateToSupervisor').map((c) => c.args[0])).toMatchObject([{ kind: 'late_completion' }]);
    expect(called('recordJobCompleted')).toHaveLength(1);
  });

  it('a booking released from the technician’s schedule sends the request back to assignment', async () => {
    const { activities, called } = fakeActivities({ contact: { voice: false, sms: false, email: false } });
    const input = requestInput();
    await withWorker(env(), activities, async (tq) => {
      const handle = await startRequest(env().client, tq, input);
      await handle.signal(technicianChosenSignal, { eventId: 'c', technicianId: 'tech-b' });
      await waitForStage(handle, 'awaiting_completion');
      await handle.signal(bookingReleasedSignal, { eventId: 'released-1', technicianId: 'tech-a', reason: 'not the booked technician' });
      await handle.signal(bookingReleasedSignal, { eventId: 'released-2', technicianId: 'tech-b', reason: 'slot cancelled' });
      await waitForStage(handle, 'awaiting_customer_choice');
      await handle.signal(technicianChosenSignal, { eventId: 'c2', technicianId: 'tech-a' });
      const state = await waitForStage(handle, 'awaiting_completion');
      expect(state.technicianId).toBe('tech-a');
      await handle.signal(jobCompletedSignal, { eventId: 'late-b', technicianId: 'tech-b', resolved: true, at: at() });
      await handle.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-a', resolved: true, at: at() });
      await handle.result();
    });
    expect(called('dispatchJob').map((c) => (c.args[0] as { booking: { technicianId: string } }).booking.technicianId)).toEqual(['tech-b', 'tech-a']);
    expect(called('recordJobCompleted')).toHaveLength(1);
  });

  it('the completion SLA runs from the end of the booked visit, not from dispatch', async () => {
    const visitEnd = (await env().currentTimeMs()) + 3 * DAY; // the test server's clock, not the wall clock
    const { activities, called } = fakeActivities({
      contact: { voice: false, sms: false, email: false },
      candidates: [{ technicianId: 'tech-a', slotId: 9, startsAt: new Date(visitEnd - 2 * HOUR).toISOString(), endsAt: new Date(visitEnd).toISOString() }],
    });
    const input = requestInput();
    await withWorker(env(), activities, async (tq) => {
      const handle = await startRequest(env().client, tq, input);
      await waitForStage(handle, 'awaiting_customer_choice');
      await env().sleep(testPolicy.choiceTimeoutMs);
      await waitForStage(handle, 'awaiting_completion');
      await env().sleep(testPolicy.completionSlaMs + HOUR); // past the SLA from dispatch, not from the visit
      expect((await waitForStage(handle, 'awaiting_completion')).escalated).toBe(false);
      await env().sleep(3 * DAY);
      await waitUntil(async () => (await handle.query(getStateQuery)).escalated, 'escalation');
      await handle.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-a', resolved: true, at: at() });
      await handle.result();
    });
    expect(called('escalateToSupervisor').map((c) => c.args[0])).toMatchObject([{ kind: 'late_completion' }]);
  });

  it('with no free technician the centre is alerted once, the search is retried, then the request closes', async () => {
    const { activities, called } = fakeActivities({ candidates: [] });
    const input = requestInput();
    const result = await withWorker(env(), activities, async (tq) =>
      (await startRequest(env().client, tq, input)).result(),
    );
    expect(result.closeReason).toBe('no_technician');
    expect(called('findTechnicianCandidates')).toHaveLength(testPolicy.noTechnicianMaxAttempts);
    expect(called('escalateToSupervisor').map((c) => c.args[0])).toMatchObject([{ kind: 'no_technician' }]);
  });

  it('losing every booking race closes the request as no_technician with the supervisor alerted once', async () => {
    const { activities, world, called } = fakeActivities();
    activities.reserveTechnicianSlot = async (a) => (world.calls.push({ name: 'reserveTechnicianSlot', args: [a] }), null);
    const input = requestInput();
    const result = await withWorker(env(), activities, async (tq) =>
      (await startRequest(env().client, tq, input)).result(),
    );
    expect(result.closeReason).toBe('no_technician');
    expect(called('reserveTechnicianSlot')).toHaveLength(testPolicy.noTechnicianMaxAttempts);
    expect(called('escalateToSupervisor').map((c) => c.args[0])).toMatchObject([{ kind: 'no_technician' }]);
  });

  it('when every candidate was taken meanwhile, the search runs again and books a new slot', async () => {
    const { activities, world, called } = fakeActivities({ contact: { voice: false, sms: false, email: false } });
    let reservations = 0;
    activities.reserveTechnicianSlot = async (a) => {
      world.calls.push({ name: 'reserveTechnicianSlot', args: [a] });
      return ++reservations === 1 ? null : (a.candidates[0] ?? null);
    };
    const input = requestInput();
    await withWorker(env(), activities, async (tq) => {
      const handle = await startRequest(env().client, tq, input);
      await handle.signal(technicianChosenSignal, { eventId: 'c', technicianId: 'tech-a' });
      await env().sleep(testPolicy.choiceTimeoutMs);
      await waitForStage(handle, 'awaiting_completion');
      await handle.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-a', resolved: true, at: at() });
      await handle.result();
    });
    expect(called('findTechnicianCandidates')).toHaveLength(2);
    expect(called('dispatchJob')).toHaveLength(1);
  });
});

describe('respect for the customer', () => {
  it('outside the allowed hours the call waits durably until they open', async () => {
    const { activities, called, world } = fakeActivities();
    const input = requestInput();
    const waitFor = 9 * HOUR;
    await withWorker(env(), activities, async (tq) => {
      const handle = await startRequest(env().client, tq, input);
      await handle.signal(technicianChosenSignal, { eventId: 'c', technicianId: 'tech-a' });
      await waitForStage(handle, 'awaiting_completion');
      // The next contact-hours check says: 9 hours until 08:00 in the customer's zone.
      world.contactWaitMs.push(waitFor);
      await handle.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-a', resolved: true, at: at() });
      const waiting = await waitForStage(handle, 'waiting_for_contact_hours');
      expect(called('placeSurveyCall')).toHaveLength(0);
      const before = await env().currentTimeMs();
      await env().sleep(waitFor);
      await waitForStage(handle, 'phone_attempt');
      expect((await env().currentTimeMs()) - before).toBeGreaterThanOrEqual(waitFor);
      expect(waiting.stageHistory.map((s) => s.stage)).toContain('waiting_for_contact_hours');
      await handle.signal(surveyReplySignal, { eventId: 'x', channel: 'sms', at: at() });
      await handle.terminate('test done');
    });
    expect(called('placeSurveyCall')).toHaveLength(1);
  });
});
