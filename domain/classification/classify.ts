import { ratingCategory, strongestCategory, type ReplyCategory } from './categories';
import { visibleEmailText } from './emailBody';
import { cueSignal, findCues } from './matcher';
import { normalizeText } from './normalize';
import { extractRating } from './rating';

export const REPLY_CHANNELS = ['sms', 'email', 'ivr', 'web'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];

export interface ReplyInput {
  readonly channel: ReplyChannel;
  readonly text?: string;
  /** A score given outside the text (IVR key, web form). Takes priority over a digit in the text. */
  readonly rating?: number;
}

export interface ReplyClassification {
  readonly category: ReplyCategory;
  readonly rating?: number;
  /** The customer's own words: for email, without the quoted survey and signature. */
  readonly cleanedText: string;
  /** Rules that fired, for audit. Rule ids only, never the customer's text. */
  readonly signals: string[];
}

/** With no evidence at all (an empty reply), the customer at least answered: neutral. */
const DEFAULT_CATEGORY: ReplyCategory = 'satisfied';

/**
 * Sorts a survey reply into one category. Every rating and text cue votes for a category and
 * the highest-precedence vote wins (see REPLY_CATEGORIES), so "5, but the noise is back" is a
 * repeat failure and "4, he was rude" a complaint. Pure and deterministic.
 */
export function classifyReply(input: ReplyInput): ReplyClassification {
  if (input.rating !== undefined && !(Number.isInteger(input.rating) && input.rating >= 1 && input.rating <= 5)) {
    throw new RangeError(`rating must be an integer from 1 to 5, got ${input.rating}`);
  }
  const rawText = input.text ?? '';
  const cleanedText = input.channel === 'email' ? visibleEmailText(rawText) : rawText.trim();

  const signals: string[] = [];
  const votes: ReplyCategory[] = [];
  let rating = input.rating;
  let body = cleanedText;
  if (rating !== undefined) {
    signals.push(`rating:given:${rating}->${ratingCategory(rating)}`);
  } else {
    const extracted = extractRating(cleanedText);
    if (extracted) {
      rating = extracted.rating;
      body = extracted.rest;
      signals.push(`rating:${extracted.source}:${rating}->${ratingCategory(rating)}`);
    }
  }
  if (rating !== undefined) votes.push(ratingCategory(rating));

  for (const cue of findCues(normalizeText(body))) {
    signals.push(cueSignal(cue));
    if (cue.category) votes.push(cue.category);
  }

  let category = strongestCategory(votes);
  if (!category) {
    category = DEFAULT_CATEGORY;
    signals.push(`default:no-evidence->${DEFAULT_CATEGORY}`);
  }
  return { category, ...(rating !== undefined ? { rating } : {}), cleanedText, signals };
}
