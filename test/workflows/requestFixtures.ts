import { randomUUID } from 'node:crypto';
import { serviceRequestWorkflowId } from '../../workflows/messages';
import type { FollowUpPolicy, ServiceRequestInput } from '../../workflows/types';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const testPolicy: FollowUpPolicy = {
  choiceTimeoutMs: 4 * HOUR,
  completionSlaMs: 2 * DAY,
  callOutcomeTimeoutMs: 15 * 60_000,
  replyWindowMs: 7 * DAY,
  reminderBeforeCloseMs: 2 * DAY,
  noTechnicianRetryMs: HOUR,
  noTechnicianMaxAttempts: 3,
  surveyChannelPolicy: 'email',
};

export function requestInput(overrides: Partial<ServiceRequestInput> = {}): ServiceRequestInput {
  return {
    requestId: randomUUID(),
    customer: { customerId: `cus-${randomUUID().slice(0, 8)}`, areaCode: 'gangnam-06236', language: 'ko' },
    product: { field: 'refrigerator', model: 'RF-9000', fault: 'not cooling' },
    wantedWindow: { start: '2026-11-23T00:00:00.000Z', end: '2026-11-25T00:00:00.000Z' },
    policy: testPolicy,
    ...overrides,
  };
}

export const workflowIdFor = (input: ServiceRequestInput) => serviceRequestWorkflowId(input.requestId);
