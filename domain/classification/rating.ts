import { foldFullWidth } from './normalize';

export interface ExtractedRating {
  readonly rating: number;
  /** The text with a leading score removed, so "5 - great" is classified on "great". */
  readonly rest: string;
  readonly source: 'leading-digit' | 'inline-score';
}

// A leading digit followed by a unit is a count or a time, not a score: "2 days later it broke",
// "1시간 늦게", "3번째 고장".
const UNIT = String.raw`(?:st|nd|rd|th|am|pm|h|hrs?|hours?|mins?|minutes?|days?|weeks?|months?|years?|times?|x|%|kg|cm|mm|°|일|주|시|분|번|개월|달|년|회|차|층|명|개|월|도|호|대)(?![a-z])`;
const LEADING = new RegExp(
  String.raw`^\s*([1-5])(?!\d|[.,]\d)(?!\s*${UNIT})(?!\s*점\s*만점)(?:\s*(?:/\s*5|out of (?:5|five)|점|stars?|별))?\s*[-–—:.)\],!/]*\s*`,
  'iu',
);
const INLINE = [
  new RegExp(String.raw`(?:^|[^\d.])([1-5])\s*(?:/\s*5|out of (?:5|five)|점(?!\s*만점)|stars?)(?![\d])`, 'iu'),
  new RegExp(String.raw`(?:rate|rating|score|give (?:it|you|him|her|them)|별점|점수|평점|만족도)\D{0,12}?(?<![\d.])([1-5])(?!\d|[.,]\d)(?!\s*${UNIT})`, 'iu'),
  new RegExp(String.raw`별\s*([1-5])\s*개`, 'u'),
];

/**
 * Reads a 1-5 score typed into a reply: a leading digit ("5", "4 good thanks", "2 - he was
 * late", "5점"), or a score stated inline ("I'd give it 4/5", "별점 4점").
 */
export function extractRating(raw: string): ExtractedRating | undefined {
  const text = foldFullWidth(raw);
  const leading = LEADING.exec(text);
  if (leading?.[1]) {
    return { rating: Number(leading[1]), rest: text.slice(leading[0].length), source: 'leading-digit' };
  }
  for (const pattern of INLINE) {
    const m = pattern.exec(text);
    if (m?.[1]) return { rating: Number(m[1]), rest: text, source: 'inline-score' };
  }
  return undefined;
}
