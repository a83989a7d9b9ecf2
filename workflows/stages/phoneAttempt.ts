import { condition } from '@temporalio/workflow';
import { acts } from '../activityProxy';
import type { ContactOptions, SurveyReply } from '../types';
import { messageNotSent, waitForContactHours, type StageContext } from './context';

/**
 * Stage 4: phone first (KR claim 12). An answered call with a keypad rating is the reply; refused,
 * unanswered, busy, failed, a machine, or silence until the timeout all lead to the message survey.
 */
export async function attemptPhoneSurvey(ctx: StageContext, contact: ContactOptions): Promise<SurveyReply | undefined> {
  const { input, state } = ctx;
  if (!contact.voice) return undefined;
  state.enter('phone_attempt');
  await waitForContactHours(ctx);
  state.tried('voice');
  state.openCallWindow();
  try {
    await acts.placeSurveyCall({ requestId: input.requestId, attempt: 1 });
    await condition(() => state.callOutcome !== undefined, input.policy.callOutcomeTimeoutMs);
  } catch (err) {
    if (messageNotSent(err)) return undefined; // no call: the survey goes by message
    throw err;
  } finally {
    state.closeCallWindow();
  }
  const outcome = state.callOutcome;
  state.recordCallOutcome();
  if (outcome?.outcome === 'callback_requested') {
    await acts.openAgentTask({ requestId: input.requestId, kind: 'callback' });
  }
  if (outcome?.outcome === 'answered' && outcome.rating !== undefined) {
    return { eventId: outcome.eventId, channel: 'voice', rating: outcome.rating, receivedAt: outcome.at };
  }
  return undefined;
}
