import { extractGradedItems, type GradedAnswers } from '../../../domain/classification/gradedItems';
import { extractRating } from '../../../domain/classification/rating';

/** The 1-5 score typed into a free-text reply, as an optional payload field. */
export function ratingOf(text: string): { rating?: number } {
  const found = extractRating(text);
  return found ? { rating: found.rating } : {};
}

/**
 * The answer an email carries: the graded items answered in words or between the quoted
 * questions (read from the raw body, which still has the questions), and the rating: the
 * "overall" item, else a score typed into the visible text.
 */
export function emailAnswerOf(visibleText: string, rawText: string): { rating?: number; items?: GradedAnswers } {
  const items = extractGradedItems(rawText);
  if (Object.keys(items).length === 0) return ratingOf(visibleText);
  const rating = items.overall ?? ratingOf(visibleText).rating;
  return { ...(rating !== undefined ? { rating } : {}), items: { ...items, ...(rating !== undefined ? { overall: rating } : {}) } };
}
