/**
 * The failure types an activity raises when retrying cannot help, named once: activities throw them
 * (activities/errors.ts), the activity options never retry them (activityProxy.ts), and the
 * workflow branches on them (stages/context.ts).
 */
export const FailureType = {
  /** Bad data (unknown area or sensitivity class, unreadable contact, ...): the request is rejected. */
  InvalidInput: 'InvalidInput',
  /** The request (or another record) is not in the database; no retry will make it appear. */
  UnknownRecord: 'UnknownRecord',
  /** The provider refused this recipient for good (invalid number, bounce, opt-out): try another channel. */
  PermanentDeliveryFailure: 'PermanentDeliveryFailure',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export const NON_RETRYABLE_FAILURES: FailureType[] = Object.values(FailureType);
