import { condition } from '@temporalio/workflow';
import { acts } from '../activityProxy';
import { unlessNotSent, waitForContactHours, type StageContext } from './context';

/**
 * Stage 3: the technician reports progress and, finally, completion. A late job is escalated to
 * the supervisor once and the wait goes on; a cancellation before completion releases the slot;
 * a booking the technician's schedule released sends the request back to assignment. Meanwhile the
 * customer hears when the technician sets out (the ETA notice), and a visit moved by an update
 * (reschedule, reassignment) is dispatched to its technician, announced, and restarts the wait for the new visit's deadline.
 */
export async function awaitCompletion(ctx: StageContext): Promise<'completed' | 'cancelled' | 'released'> {
  const { input, state, patches } = ctx;
  state.enter('awaiting_completion');
  // Requests already waiting here before the ETA notice existed never send one.
  const announceEta = patches.has('eta-notice');
  const settled = () => state.completion !== undefined || state.cancelled || state.bookingReleased !== undefined;
  const etaDue = () => announceEta && state.etaDue;
  let announcedVisit = state.visitChangeCount;
  const visitMoved = () => state.visitChangeCount !== announcedVisit;
  // Only updates move a visit, and the ETA is patched: older histories wait exactly as before.
  const woken = () => settled() || etaDue() || visitMoved();

  const between = async () => {
    if (etaDue()) {
      state.markEtaAnnounced();
      const booking = state.booking;
      if (booking) await unlessNotSent('eta notice', () => acts.sendEtaNotice({ requestId: input.requestId, booking }));
    }
    if (visitMoved()) {
      announcedVisit = state.visitChangeCount;
      const moved = state.booking;
      if (moved) await acts.dispatchJob({ requestId: input.requestId, booking: moved });
      await waitForContactHours(ctx);
      const booking = state.booking;
      if (booking && !settled()) await unlessNotSent('visit notice', () => acts.sendVisitNotice({ requestId: input.requestId, booking }));
    }
  };

  let onTime = await condition(woken, completionDeadlineMs(ctx));
  while (onTime && !settled()) {
    await between();
    onTime = await condition(woken, completionDeadlineMs(ctx));
  }
  if (!onTime && !state.escalated) {
    state.markEscalated();
    await acts.escalateToSupervisor({ requestId: input.requestId, kind: 'late_completion' });
  }
  if (!onTime) {
    await condition(woken);
    while (!settled()) {
      await between();
      await condition(woken);
    }
  }
  if (state.bookingReleased && !state.completion && !state.cancelled) return 'released';
  if (state.completion) {
    await acts.recordJobCompleted({ requestId: input.requestId, resolved: state.completion.resolved });
    return 'completed';
  }
  return 'cancelled';
}

/**
 * The completion SLA runs from the end of the booked visit: a visit booked days ahead is not late
 * before it has happened. (Requests started before this rule counted from dispatch.)
 */
function completionDeadlineMs({ input, state, patches }: StageContext): number {
  const visitEnd = state.visit ? Date.parse(state.visit.endsAt) : NaN;
  if (!patches.has('sla-from-visit-end') || Number.isNaN(visitEnd)) return input.policy.completionSlaMs;
  return Math.max(1, visitEnd + input.policy.completionSlaMs - Date.now());
}
