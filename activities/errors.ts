import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../workflows/failures';

/** Bad data that no retry will fix; the workflow sees the type and takes its own branch. */
export const invalidInput = (message: string) => ApplicationFailure.nonRetryable(message, FailureType.InvalidInput);
export const unknownRecord = (message: string) => ApplicationFailure.nonRetryable(message, FailureType.UnknownRecord);
export const permanentDeliveryFailure = (message: string) => ApplicationFailure.nonRetryable(message, FailureType.PermanentDeliveryFailure);

const isPermanentDeliveryFailure = (err: unknown) => err instanceof ApplicationFailure && err.type === FailureType.PermanentDeliveryFailure;

/**
 * For messages whose loss must not stop the request (visit notice, reminder, a note to staff): a
 * permanently undeliverable one is logged and skipped; anything else still fails for a retry.
 */
export async function unlessUndeliverable<T>(log: { warn: (obj: object, msg: string) => void }, what: string, send: () => Promise<T>): Promise<T | undefined> {
  try {
    return await send();
  } catch (err) {
    if (!isPermanentDeliveryFailure(err)) throw err;
    log.warn({ what, reason: (err as Error).message }, 'message could not be delivered; the request carries on');
    return undefined;
  }
}
