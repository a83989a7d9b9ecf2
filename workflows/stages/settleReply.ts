import { ParentClosePolicy, startChild, uuid4, workflowInfo } from '@temporalio/workflow';
import { acts, patchedActs } from '../activityProxy';
import { serviceRequestWorkflowId } from '../messages';
import type { ServiceRequestInput, SettledReply, SurveyReply } from '../types';
import type { StageContext } from './context';

const DAY_MS = 86_400_000;

/**
 * Stage 7: classify and store the reply, grant the points for answering (once, whatever it says),
 * and follow up: a repeated failure starts a new linked request, a complaint or a usage question
 * goes to the centre's agent.
 */
export async function settleReply(ctx: StageContext, reply: SurveyReply): Promise<SettledReply> {
  const { input, state, patches } = ctx;
  state.enter('settling_reply');
  state.settling(reply.channel);
  const { category } = await acts.classifyAndStoreReply({ requestId: input.requestId, reply });
  state.classify(category);

  const pointsGranted = await patchedActs(patches).grantReplyIncentive({ requestId: input.requestId });
  state.granted(pointsGranted);

  let followUpRequestId: string | undefined;
  if (category === 'repeat_failure') {
    followUpRequestId = await startRevisit(input);
    state.followedUpBy(followUpRequestId);
  }
  const agentTaskOpened = category === 'complaint' || category === 'usage_question';
  if (agentTaskOpened) await acts.openAgentTask({ requestId: input.requestId, kind: category });
  return { category, pointsGranted, followUpRequestId, agentTaskOpened };
}

/**
 * The revisit is a request of its own (its own workflow and history), so a fault that keeps coming
 * back never grows one history without bound; it outlives this workflow (ABANDON).
 */
async function startRevisit(original: ServiceRequestInput): Promise<string> {
  const requestId = uuid4();
  const from = Date.now() + DAY_MS;
  const revisit: ServiceRequestInput = {
    requestId,
    customer: { customerId: original.customer.customerId, areaCode: original.customer.areaCode },
    product: { ...original.product, fault: `Revisit: ${original.product.fault}` },
    wantedWindow: { start: new Date(from).toISOString(), end: new Date(from + 7 * DAY_MS).toISOString() },
    revisitOf: original.requestId,
    policy: original.policy,
  };
  await startChild('serviceRequestWorkflow', {
    workflowId: serviceRequestWorkflowId(requestId),
    taskQueue: workflowInfo().taskQueue,
    args: [revisit],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  return requestId;
}
