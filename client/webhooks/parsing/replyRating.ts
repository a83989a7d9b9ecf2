import { extractRating } from '../../../domain/classification/rating';

/** The 1-5 score typed into a free-text reply, as an optional payload field. */
export function ratingOf(text: string): { rating?: number } {
  const found = extractRating(text);
  return found ? { rating: found.rating } : {};
}
