import { foldFullWidth } from './normalize';

export interface ExtractedRating {
  readonly rating: number;
  /** The text with a leading score removed, so "5 - great" is classified on "great". */
  readonly rest: string;
  readonly source: 'leading-digit' | 'inline-score' | 'words' | 'stars';
}

// A leading digit followed by a unit is a count or a time, not a score: "2 days later it broke",
// "1시간 늦게", "3번째 고장".
const UNIT = String.raw`(?:st|nd|rd|th|am|pm|h|hrs?|secs?|seconds?|초|hours?|mins?|minutes?|days?|weeks?|months?|years?|times?|x|%|kg|cm|mm|°|일|주|시|분|번|개월|달|년|회|차|층|명|개|월|도|호|대)(?![a-z])`;
const LEADING = new RegExp(
  String.raw`^\s*([1-5])(?!\d|[.,]\d)(?!\s*${UNIT})(?!\s*점\s*만점)(?:\s*(?:/\s*5|out of (?:5|five)|점|stars?|별))?\s*[-–—:.)\],!/]*\s*`,
  'iu',
);
const INLINE = [
  new RegExp(String.raw`(?:^|[^\d.])([1-5])\s*(?:/\s*5|out of (?:5|five)|점(?!\s*만점)|stars?)(?![\d])`, 'iu'),
  new RegExp(String.raw`(?:rate|rating|score|give (?:it|you|him|her|them)|별점|점수|평점|만족도)\D{0,12}?(?<![\d.])([1-5])(?!\d|[.,]\d)(?!\s*${UNIT})`, 'iu'),
  new RegExp(String.raw`별\s*([1-5])\s*개`, 'u'),
];

const EN_NUMBER: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4, five: 5 };
const KO_SINO: Readonly<Record<string, number>> = { 일: 1, 이: 2, 삼: 3, 사: 4, 오: 5 };
const KO_NATIVE: Readonly<Record<string, number>> = { 하나: 1, 한: 1, 둘: 2, 두: 2, 셋: 3, 세: 3, 넷: 4, 네: 4, 다섯: 5 };

// The whole reply is a score in words, as IVR transcripts and SMS give it: "four", "three out of
// five", "사 점이요", "별 하나", "별점 두 개". Sino-Korean digits only with 점 and only as the whole
// reply, so "오점" inside a sentence or "이점" (an advantage) are not read.
const WORDS_ONLY: readonly [RegExp, (m: RegExpExecArray) => number][] = [
  [/^\s*(?:(?:i'?d|i would) (?:say|give (?:it|you|him|them)) )?(one|two|three|four|five|[1-5])(?: (?:stars?|out of (?:5|five)))?\s*[.!]*\s*$/i, (m) => EN_NUMBER[m[1]!.toLowerCase()] ?? Number(m[1])],
  [/^\s*([일이삼사오])\s?점(?:이?요|입니다|이에요|이다|임|요)?\s*[.!]*\s*$/u, (m) => KO_SINO[m[1]!]!],
  [/^\s*별(?:점)?\s?(하나|한|둘|두|셋|세|넷|네|다섯)(?:\s?개)?\s?(?:요|이요|입니다|드려요|드립니다|줌|줄게요)?\s*[.!]*\s*$/u, (m) => KO_NATIVE[m[1]!]!],
  [/^\s*별점\s?([1-5])\s?개/u, (m) => Number(m[1])],
];
/** Zero is not on the scale, but "0점" or "would rate 0" is the lowest a customer can say. */
const ZERO = /(?:^|[^\d.])0\s?점(?!\s*만점)|빵점|(?:rate|give (?:it|you|him|them)) (?:a )?(?:0|zero)\b|\bzero stars?\b/iu;
/** A run of star glyphs counts itself: "★★★★★", "⭐⭐". */
const STARS = /^\s*([★⭐]{1,5})(?:\s*[☆]*)\s*$/u;

/**
 * Reads a 1-5 score typed into a reply: a leading digit ("5", "4 good thanks", "2 - he was
 * late", "5점"), a score stated inline ("I'd give it 4/5", "별점 4점"), a reply that is only a
 * score in words or stars ("four", "사 점이요", "별 하나", "★★★★★"), or a zero ("0점", "would
 * rate 0 if I could"), read as the lowest score.
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
  for (const [pattern, value] of WORDS_ONLY) {
    const m = pattern.exec(text);
    if (m) return { rating: value(m), rest: '', source: 'words' };
  }
  const stars = STARS.exec(text);
  if (stars?.[1]) return { rating: [...stars[1]].length, rest: '', source: 'stars' };
  if (ZERO.test(text)) return { rating: 1, rest: text, source: 'words' };
  return undefined;
}
