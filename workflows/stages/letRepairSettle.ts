import { sleep } from '@temporalio/workflow';
import { acts } from '../activityProxy';
import type { StageContext } from './context';

/**
 * Between completion and the survey: the customer gets time to try the repair before being asked
 * how it went (KR paragraphs 31 and 113). A durable timer, visible as its own stage; the product
 * field may ask for another time than the configured default. Contact hours apply after it, at
 * the survey call.
 */
export async function letRepairSettle({ input, state }: StageContext): Promise<void> {
  const { settleTimeMs = 0, timeScale = 1 } = input.policy;
  const fieldMs = await acts.surveySettleTime({ requestId: input.requestId });
  const waitMs = fieldMs === null ? settleTimeMs : Math.round(fieldMs / timeScale);
  if (waitMs <= 0) return;
  state.enter('letting_repair_settle');
  await sleep(waitMs);
}
