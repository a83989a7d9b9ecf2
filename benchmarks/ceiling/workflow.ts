import { condition, defineSignal, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { CeilingActivities } from './activities';

/**
 * Temporal's own ceiling for this flow: the service request's happy path with nothing but its
 * shape — the same activities (no-ops, but for the marks the driver waits on), the same three
 * signals each awaited with a timer, and the same search-attribute upserts, stage by stage.
 */
export const ceilingSignal = defineSignal<[string]>('ceilingStep');

const STAGE = 'ServiceRequestStage';
const { step, mark } = proxyActivities<CeilingActivities>({ startToCloseTimeout: '1 minute' });

export async function ceilingWorkflow(requestId: string): Promise<void> {
  const received = new Set<string>();
  setHandler(ceilingSignal, (name) => void received.add(name));
  // As the product writes them: the stage and the customer come with the start (flowDriver), then
  // one upsert per stage entered, carrying what was learned in the stage before it.
  const stage = (value: string, learned: Record<string, string[]> = {}) => upsertSearchAttributes({ [STAGE]: [value], ...learned });

  await step('registerServiceRequest');
  stage('assigning_technician', { ServiceCentreId: ['bench-centre'] });
  await step('findTechnicianCandidates');
  stage('awaiting_customer_choice');
  await step('contactHoursWait');
  await mark(requestId, 'offer');
  await condition(() => received.has('chosen'), '4 hours');
  stage('assigning_technician');
  await step('reserveTechnicianSlot');
  await step('dispatchJob');
  await step('contactHoursWait');
  await mark(requestId, 'visit');
  stage('awaiting_completion', { ServiceTechnicianId: ['bench-technician'] });
  await condition(() => received.has('completed'), '2 days');
  await step('recordJobCompleted');
  await step('contactOptions');
  stage('phone_attempt');
  await step('contactHoursWait');
  await mark(requestId, 'call');
  await condition(() => received.has('rated'), '15 minutes');
  stage('settling_reply');
  await step('classifyAndStoreReply');
  await step('grantReplyIncentive');
  await mark(requestId, 'closed');
  stage('closed', { ServiceReplyCategory: ['satisfied'] });
}
