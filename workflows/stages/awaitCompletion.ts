import { condition, patched } from '@temporalio/workflow';
import { acts } from '../activityProxy';
import type { StageContext } from './context';

/**
 * Stage 3: the technician reports progress and, finally, completion. A late job is escalated to
 * the supervisor once and the wait goes on; a cancellation before completion releases the slot;
 * a booking the technician's schedule released sends the request back to assignment.
 */
export async function awaitCompletion(ctx: StageContext): Promise<'completed' | 'cancelled' | 'released'> {
  const { input, state } = ctx;
  state.enter('awaiting_completion');
  const settled = () => state.completion !== undefined || state.cancelled || state.bookingReleased !== undefined;
  const onTime = await condition(settled, completionDeadlineMs(ctx));
  if (!onTime && !state.escalated) {
    state.markEscalated();
    await acts.escalateToSupervisor({ requestId: input.requestId, kind: 'late_completion' });
  }
  if (!onTime) await condition(settled);
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
function completionDeadlineMs({ input, state }: StageContext): number {
  const visitEnd = state.visit ? Date.parse(state.visit.endsAt) : NaN;
  if (!patched('sla-from-visit-end') || Number.isNaN(visitEnd)) return input.policy.completionSlaMs;
  return Math.max(1, visitEnd + input.policy.completionSlaMs - Date.now());
}
