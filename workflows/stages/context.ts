import { ActivityFailure, ApplicationFailure, log, sleep } from '@temporalio/workflow';
import { patchedActs } from '../activityProxy';
import { FailureType } from '../failures';
import type { Patches } from '../patches';
import type { RequestState } from '../requestState';
import type { ServiceRequestInput } from '../types';

export interface StageContext {
  input: ServiceRequestInput;
  state: RequestState;
  /** The behaviour the request was started with (patches.ts). */
  patches: Patches;
}

/** No call or message outside the customer's allowed hours: sleep durably until they open. */
export async function waitForContactHours({ input, state, patches }: StageContext): Promise<void> {
  const waitMs = await patchedActs(patches).contactHoursWait({ requestId: input.requestId });
  if (waitMs <= 0) return;
  const resumeStage = state.stage;
  state.enter('waiting_for_contact_hours');
  await sleep(waitMs);
  state.enter(resumeStage);
}

/** True when an activity failed with a non-retryable error of this type (see failures.ts). */
export function activityFailedWith(err: unknown, type: FailureType): err is ActivityFailure {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === type;
}

/**
 * True when a message to the customer did not go and will not: refused for good (bounced address,
 * invalid number, ...) or given up after its bounded retries (see activityProxy.ts).
 */
export const messageNotSent = (err: unknown): err is ActivityFailure => err instanceof ActivityFailure;

/** A customer message whose loss must not stop the request (choice link, visit notice, reminder). */
export async function unlessNotSent<T>(what: string, send: () => Promise<T>): Promise<T | undefined> {
  try {
    return await send();
  } catch (err) {
    if (!messageNotSent(err)) throw err;
    log.warn('message not sent; the request carries on', { what, failure: err.cause?.message });
    return undefined;
  }
}

export const now = (): number => Date.now();
