import { ApplicationFailure } from '@temporalio/common';

/** Bad data that no retry will fix; the workflow sees the type and takes its own branch. */
export const invalidInput = (message: string) => ApplicationFailure.nonRetryable(message, 'InvalidInput');
export const unknownRecord = (message: string) => ApplicationFailure.nonRetryable(message, 'UnknownRecord');
export const permanentDeliveryFailure = (message: string) =>
  ApplicationFailure.nonRetryable(message, 'PermanentDeliveryFailure');
