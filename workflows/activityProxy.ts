import { proxyActivities } from '@temporalio/workflow';
import type { ServiceRequestActivities } from '../activities';

/** Errors an activity raises when retrying cannot help; the workflow takes another branch instead. */
export const NON_RETRYABLE = ['InvalidInput', 'PermanentDeliveryFailure', 'UnknownRecord'];

export const acts = proxyActivities<ServiceRequestActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});
