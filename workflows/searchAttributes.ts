import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes: what an operator filters requests by in the Web UI, e.g.
 * `ServiceRequestStage = "awaiting_reply"`. The dev server registers them at start from this list.
 */
export const ServiceRequestStageKey = defineSearchAttributeKey('ServiceRequestStage', SearchAttributeType.KEYWORD);
export const ServiceCustomerIdKey = defineSearchAttributeKey('ServiceCustomerId', SearchAttributeType.KEYWORD);
export const ServiceCentreIdKey = defineSearchAttributeKey('ServiceCentreId', SearchAttributeType.KEYWORD);
export const ServiceTechnicianIdKey = defineSearchAttributeKey('ServiceTechnicianId', SearchAttributeType.KEYWORD);
export const ServiceReplyCategoryKey = defineSearchAttributeKey('ServiceReplyCategory', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [
  ServiceRequestStageKey,
  ServiceCustomerIdKey,
  ServiceCentreIdKey,
  ServiceTechnicianIdKey,
  ServiceReplyCategoryKey,
] as const;
