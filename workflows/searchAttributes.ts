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

/**
 * What a request carries from its start: its starter passes these with the start (they are stored
 * with it, at no cost of their own), so a request started with grouped search attributes has
 * nothing to write at intake. A request started without them writes them itself.
 */
export const startingSearchAttributes = (customerId: string) => [
  { key: ServiceRequestStageKey, value: 'intake' as const },
  { key: ServiceCustomerIdKey, value: customerId },
];

export const SEARCH_ATTRIBUTE_KEYS = [
  ServiceRequestStageKey,
  ServiceCustomerIdKey,
  ServiceCentreIdKey,
  ServiceTechnicianIdKey,
  ServiceReplyCategoryKey,
] as const;
