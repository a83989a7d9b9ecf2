import { condition } from '@temporalio/workflow';
import { acts } from '../activityProxy';
import type { StageContext } from './context';

/**
 * Stage 3: the technician reports progress and, finally, completion. A late job is escalated to
 * the supervisor once and the wait goes on; a cancellation before completion releases the slot.
 */
export async function awaitCompletion({ input, state }: StageContext): Promise<'completed' | 'cancelled'> {
  state.enter('awaiting_completion');
  const onTime = await condition(() => state.completion !== undefined || state.cancelled, input.policy.completionSlaMs);
  if (!onTime) {
    state.view.escalated = true;
    await acts.escalateToSupervisor({ requestId: input.requestId, kind: 'late_completion' });
    await condition(() => state.completion !== undefined || state.cancelled);
  }
  if (state.completion) {
    await acts.recordJobCompleted({ requestId: input.requestId, resolved: state.completion.resolved });
    return 'completed';
  }
  return 'cancelled';
}
