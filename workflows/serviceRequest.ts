import { allHandlersFinished, condition, log } from '@temporalio/workflow';
import { acts, patchedActs } from './activityProxy';
import { FailureType } from './failures';
import { Patches } from './patches';
import { RequestState } from './requestState';
import { assignTechnician } from './stages/assignTechnician';
import { awaitCompletion } from './stages/awaitCompletion';
import { activityFailedWith, type StageContext } from './stages/context';
import { awaitSurveyReply, sendFallbackSurvey, surveyChannels } from './stages/messageSurvey';
import { letRepairSettle } from './stages/letRepairSettle';
import { attemptPhoneSurvey } from './stages/phoneAttempt';
import { settleReply } from './stages/settleReply';
import { listenForUpdates } from './updates';
import type { CloseReason, ServiceRequestInput, ServiceRequestResult, SurveyReply } from './types';

/**
 * One customer service request, from intake to the reward for answering the satisfaction survey.
 *
 *   1 intake → 2 technician assignment → 3 wait for completion → (settle time) → 4 phone attempt
 *   → 5 fallback survey by email or SMS → 6 wait for the reply (timeout) → 7 classify, store, reward
 */
export async function serviceRequestWorkflow(input: ServiceRequestInput): Promise<ServiceRequestResult> {
  // First, before anything is scheduled: which behaviour this request runs (patches.ts).
  const patches = new Patches();
  const state = new RequestState(input, patches);
  const ctx: StageContext = { input, state, patches };
  const close = (closeReason: CloseReason) => closeRequest(ctx, closeReason);
  listenForUpdates(ctx);

  // 1. Intake
  const registered = await registerOrReject(input);
  if (!registered) return close('rejected_at_intake');
  state.assignCentre(registered.serviceCentreId);

  for (;;) {
    // 2. Technician assignment
    const booking = await assignTechnician(ctx);
    if (state.cancelled) return close('cancelled');
    if (!booking) return close('no_technician');

    // 3. Wait for the completion signal (back to 2 if the technician's booking is released)
    const outcome = await awaitCompletion(ctx);
    if (outcome === 'cancelled') return close('cancelled');
    if (outcome === 'completed') break;
    state.releaseAssignment();
  }

  // Time to try the repair before being asked about it (requests started earlier asked at once)
  if (patches.has('settle-before-survey')) await letRepairSettle(ctx);

  // 4. Phone attempt
  const contact = await patchedActs(patches).contactOptions({ requestId: input.requestId });
  let reply: SurveyReply | undefined = await attemptPhoneSurvey(ctx, contact);

  if (!reply) {
    // 5. Fallback survey by email or SMS
    const channels = surveyChannels(contact, input.policy.surveyChannelPolicy, patches);
    // The window (and its reminder) runs from when the survey actually left, however long the send
    // was delayed (contact hours, a crashed worker). Requests started earlier counted from here.
    const windowFromSend = patches.has('reply-window-from-send');
    const plannedClose = Date.now() + input.policy.replyWindowMs;
    const sentOn = await sendFallbackSurvey(ctx, channels, windowFromSend ? { lengthMs: input.policy.replyWindowMs } : { closesAt: plannedClose });
    if (!sentOn) return close('no_contact_channel');
    const windowClosesAt = windowFromSend ? Date.now() + input.policy.replyWindowMs : plannedClose;

    // 6. Wait for the reply, with a timeout
    reply = await awaitSurveyReply(ctx, channels, windowClosesAt);
    if (!reply) return close('no_reply');
  }

  // 7. Classify, store, grant the incentive, follow up
  await settleReply(ctx, reply);
  return close('answered');
}

/** Bad intake data (unknown area, no contact for a new customer, ...) closes the request with the reason. */
async function registerOrReject(input: ServiceRequestInput) {
  try {
    return await acts.registerServiceRequest(input);
  } catch (err) {
    if (activityFailedWith(err, FailureType.InvalidInput)) {
      log.warn('request rejected at intake', { reason: err.cause?.message });
      return undefined;
    }
    throw err;
  }
}

async function closeRequest({ input, state }: StageContext, closeReason: CloseReason): Promise<ServiceRequestResult> {
  state.closing(closeReason);
  await acts.closeServiceRequest({ requestId: input.requestId, closeReason });
  // Replies that came too late (or twice) are kept on record and never reopen the request.
  for (let late = state.takeLateReplies(); late.length > 0; late = state.takeLateReplies()) {
    for (const r of late) {
      await acts.storeLateReply({ requestId: input.requestId, reply: { ...r, receivedAt: r.at } });
    }
  }
  state.enter('closed');
  // An update waiting for the close (a cancellation) answers before the workflow ends.
  await condition(allHandlersFinished);
  const { replyCategory, incentivePoints, followUpRequestId } = state.outcome();
  return { requestId: input.requestId, closeReason, replyCategory, incentivePoints, followUpRequestId };
}
