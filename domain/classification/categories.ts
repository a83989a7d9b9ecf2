/**
 * Reply categories in precedence order: when a reply carries evidence for several,
 * the earliest one wins. Repeat failures come first because they trigger a new service
 * request; a usage question beats a complaint because answering it usually resolves it.
 */
export const REPLY_CATEGORIES = [
  'repeat_failure',
  'usage_question',
  'complaint',
  'delighted',
  'satisfied',
] as const;

export type ReplyCategory = (typeof REPLY_CATEGORIES)[number];

export function isReplyCategory(value: unknown): value is ReplyCategory {
  return typeof value === 'string' && (REPLY_CATEGORIES as readonly string[]).includes(value);
}

/** Picks the highest-precedence category, or undefined when there is none. */
export function strongestCategory(categories: Iterable<ReplyCategory>): ReplyCategory | undefined {
  const present = new Set(categories);
  return REPLY_CATEGORIES.find((c) => present.has(c));
}

/** What a bare 1-5 score says when the text adds nothing more specific. */
export function ratingCategory(rating: number): ReplyCategory {
  if (rating <= 2) return 'complaint';
  if (rating >= 5) return 'delighted';
  return 'satisfied';
}
