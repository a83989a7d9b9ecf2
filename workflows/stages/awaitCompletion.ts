import { condition } from '@temporalio/workflow';
import { acts } from '../activityProxy';
import type { StageContext } from './context';

/**
 * Stage 3: the technician reports progress and, finally, completion. A late job is escalated to
 * the supervisor once and the wait goes on; a cancellation before completion releases the slot;
 * a booking the technician's schedule released sends the request back to assignment.
 */
export async function awaitCompletion({ input, state }: StageContext): Promise<'completed' | 'cancelled' | 'released'> {
  state.enter('awaiting_completion');
  const settled = () => state.completion !== undefined || state.cancelled || state.bookingReleased !== undefined;
  const onTime = await condition(settled, input.policy.completionSlaMs);
  if (!onTime && !state.view.escalated) {
    state.view.escalated = true;
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
