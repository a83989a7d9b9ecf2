import { ActivityFailure, ApplicationFailure, sleep } from '@temporalio/workflow';
import { acts } from '../activityProxy';
import type { RequestState } from '../requestState';
import type { ServiceRequestInput } from '../types';

export interface StageContext {
  input: ServiceRequestInput;
  state: RequestState;
}

/** No call or message outside the customer's allowed hours: sleep durably until they open. */
export async function waitForContactHours({ input, state }: StageContext): Promise<void> {
  const waitMs = await acts.contactHoursWait({ requestId: input.requestId });
  if (waitMs <= 0) return;
  const resumeStage = state.view.stage;
  state.enter('waiting_for_contact_hours');
  await sleep(waitMs);
  state.enter(resumeStage);
}

/** True when an activity failed with a non-retryable error of this type (see activityProxy.ts). */
export function activityFailedWith(err: unknown, type: 'InvalidInput' | 'PermanentDeliveryFailure'): err is ActivityFailure {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === type;
}

/** True when an activity gave up for good (bounced address, invalid number, ...). */
export const isPermanentFailure = (err: unknown): err is ActivityFailure => activityFailedWith(err, 'PermanentDeliveryFailure');

export const now = (): number => Date.now();
