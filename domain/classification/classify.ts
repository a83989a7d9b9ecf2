import { ratingCategory, REPLY_CATEGORIES, strongestCategory, type ReplyCategory } from './categories';
import { visibleEmailText } from './emailBody';
import { replyFeatures } from './features';
import { extractGradedItems, type GradedAnswers } from './gradedItems';
import { cueSignal, findCues } from './matcher';
import { logJoint, REPLY_MODEL, softmax, type ReplyModel } from './model';
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
  /** How sure the classifier is, 0-1 (the probability of the chosen category). */
  readonly confidence: number;
  readonly rating?: number;
  /** Graded items answered in the text (email, SMS): the same keys the web form stores. */
  readonly items: GradedAnswers;
  /** The customer's own words: for email, without the quoted survey and signature. */
  readonly cleanedText: string;
  /** Rules that fired and how the model decided, for audit. Never the customer's text. */
  readonly signals: string[];
}

/** What the rules read in a reply: its rating, graded items and cue votes. */
export interface RuleReading {
  readonly cleanedText: string;
  /** The text with a leading score removed. */
  readonly body: string;
  readonly rating?: number;
  readonly items: GradedAnswers;
  readonly votes: ReplyCategory[];
  readonly ruleCategory?: ReplyCategory;
  readonly negated: boolean;
  /** Ids of the cues read as negated ("not leaking", "한 번도 안 멈췄어요"). */
  readonly negatedCues: string[];
  /** The normalised body with negated cues blanked, for the model: "noise" in "no noise" is no fault. */
  readonly modelText: string;
  readonly signals: string[];
}

const ADMIN_TOPIC = 'admin-topic';
/** Cues that spell out a fault is over ("the leak has stopped"): their fault words are blanked for the model. */
const RESOLVED_FAULT_CUES: ReadonlySet<string> = new Set(['fault-gone']);
/** Question cues that only say "a question", not what about: an administrative topic overrides them. */
const GENERIC_QUESTIONS: ReadonlySet<string> = new Set(['where', 'how-much', 'how-long', 'can-i', 'may-i', 'how-do-i']);

/** Whether kindness or punctuality was scored 1-2. */
const lowGradedItem = (items: GradedAnswers): boolean => [items.kindness, items.punctuality].some((score) => score !== undefined && score <= 2);

/** With no words and no rating (an empty email), the customer at least answered: neutral, unsure. */
const DEFAULT_CATEGORY: ReplyCategory = 'satisfied';

/**
 * The rules: a rating (given, graded "overall", or typed), graded items, and lexicon cues with
 * negation. Every rating and cue votes for a category; the highest-precedence vote is the rules'
 * verdict (see REPLY_CATEGORIES), so "5, but the noise is back" reads as a repeat failure.
 */
export function readReply(input: ReplyInput): RuleReading {
  if (input.rating !== undefined && !(Number.isInteger(input.rating) && input.rating >= 1 && input.rating <= 5)) {
    throw new RangeError(`rating must be an integer from 1 to 5, got ${input.rating}`);
  }
  const rawText = input.text ?? '';
  const cleanedText = input.channel === 'email' ? visibleEmailText(rawText) : rawText.trim();
  const items = input.channel === 'email' || input.channel === 'sms' ? extractGradedItems(rawText) : {};

  const signals: string[] = [];
  const votes: ReplyCategory[] = [];
  let rating = input.rating;
  let body = cleanedText;
  if (rating !== undefined) {
    signals.push(`rating:given:${rating}->${ratingCategory(rating)}`);
  } else if (items.overall !== undefined) {
    rating = items.overall;
    signals.push(`rating:graded-overall:${rating}->${ratingCategory(rating)}`);
  } else {
    const extracted = extractRating(cleanedText);
    if (extracted) {
      rating = extracted.rating;
      body = extracted.rest;
      signals.push(`rating:${extracted.source}:${rating}->${ratingCategory(rating)}`);
    }
  }
  if (rating !== undefined) votes.push(ratingCategory(rating));
  const graded = Object.keys(items);
  if (graded.length > 0) signals.push(`items:${graded.sort().join(',')}`);

  // "Fixed: no" (or a 1-2 for the fixed item) says the fault came back or was never fixed.
  if (items.fixed !== undefined && items.fixed <= 2) {
    votes.push('repeat_failure');
    signals.push('items:fixed-low->repeat_failure');
  }
  // A 1-2 for kindness or punctuality is a complaint about it ("Courtesy 4, on time 2").
  if (lowGradedItem(items)) {
    votes.push('complaint');
    signals.push('items:service-low->complaint');
  }

  const normalised = normalizeText(body);
  let modelText = normalised;
  const negatedCues: string[] = [];
  const cues = findCues(normalised);
  // "포인트 확인은 어디서 하나요", "do I need to keep the receipt?": an administrative topic makes a
  // generic question cue ("where", "can I") no usage question.
  const adminTopic = cues.some((cue) => cue.id === ADMIN_TOPIC);
  for (const found of cues) {
    const cue = adminTopic && GENERIC_QUESTIONS.has(found.id) ? { ...found, category: null } : found;
    signals.push(cueSignal(cue));
    // "the leak is gone" names the fault only to say it is over: for the model it is a negated fault.
    if (cue.negated || RESOLVED_FAULT_CUES.has(cue.id)) {
      negatedCues.push(cue.id);
      modelText = `${modelText.slice(0, cue.start)}${' '.repeat(cue.end - cue.start)}${modelText.slice(cue.end)}`;
    }
    if (cue.category) votes.push(cue.category);
  }
  const ruleCategory = strongestCategory(votes);
  return {
    cleanedText,
    body,
    ...(rating !== undefined ? { rating } : {}),
    items,
    votes,
    ...(ruleCategory ? { ruleCategory } : {}),
    negated: negatedCues.length > 0,
    negatedCues,
    modelText,
    signals,
  };
}

/** Whether the words add anything to a rating: letters, digits or emoji, not only punctuation. */
const hasWords = (text: string): boolean => /[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(text);

export interface Decision {
  readonly category: ReplyCategory;
  readonly confidence: number;
  readonly signal: string;
}

/**
 * What the rules alone decide, before any model: a bare rating is the customer's verdict; no words
 * and no rating (an empty email) is a neutral answer with no confidence. Undefined when the words
 * need reading.
 */
export function decideWithoutModel(reading: RuleReading): Decision | undefined {
  if (hasWords(reading.body) || Object.keys(reading.items).length > 0) return undefined;
  if (reading.rating !== undefined) return { category: ratingCategory(reading.rating), confidence: 1, signal: 'decided:rating-only' };
  return { category: DEFAULT_CATEGORY, confidence: 0, signal: `default:no-evidence->${DEFAULT_CATEGORY}` };
}

export interface ModelSettings {
  readonly temperature: number;
  readonly ruleBonus: number;
}

/** The probability of each category (REPLY_CATEGORIES order) once the rules are applied to the scores. */
export function categoryProbabilities(reading: RuleReading, logJointScores: readonly number[], settings: ModelSettings): number[] {
  const scores = logJointScores.map((s, c) => s / settings.temperature + (REPLY_CATEGORIES[c] === reading.ruleCategory ? settings.ruleBonus : 0));
  const floor = Math.min(
    reading.rating === undefined ? REPLY_CATEGORIES.length - 1 : REPLY_CATEGORIES.indexOf(ratingCategory(reading.rating)),
    // A 1-2 for kindness or punctuality is the customer's own verdict on that item, like a low rating;
    // "Fixed: no" says the fault is not gone.
    lowGradedItem(reading.items) ? REPLY_CATEGORIES.indexOf('complaint') : REPLY_CATEGORIES.length - 1,
    reading.items.fixed !== undefined && reading.items.fixed <= 2 ? REPLY_CATEGORIES.indexOf('repeat_failure') : REPLY_CATEGORIES.length - 1,
  );
  return softmax(scores.map((s, c) => (c <= floor ? s : -Infinity)));
}

/**
 * Combines the model's log-joint scores with the rules: the rules' verdict gets a bonus, and a
 * rating sets a floor in precedence order (after a 1-2 the reply is at least a complaint, after a
 * 5 at least delighted: "2, it's working now" is a complaint).
 */
export function decideWithModel(reading: RuleReading, logJointScores: readonly number[], settings: ModelSettings): Decision {
  const probabilities = categoryProbabilities(reading, logJointScores, settings);
  let best = 0;
  for (let c = 1; c < probabilities.length; c++) if (probabilities[c]! > probabilities[best]!) best = c;
  const category = REPLY_CATEGORIES[best]!;
  const confidence = Math.round(probabilities[best]! * 1000) / 1000;
  return { category, confidence, signal: `model:${category}:${confidence}` };
}

/**
 * Sorts a survey reply into one category, with a confidence. The rules read what they are sure
 * of (ratings, graded items, cues, negation); the trained model reads the words as character
 * n-grams and words, with the rules' findings among its features, and the rules' verdict gets a
 * bonus tuned by cross-validation. A bare rating needs no model. Pure and deterministic.
 */
export function classifyReply(input: ReplyInput, model: ReplyModel = REPLY_MODEL): ReplyClassification {
  const reading = readReply(input);
  const { cleanedText, items, signals } = reading;
  const base = { ...(reading.rating !== undefined ? { rating: reading.rating } : {}), items, cleanedText };
  const decision =
    decideWithoutModel(reading) ?? decideWithModel(reading, logJoint(model, replyFeatures(reading.modelText, reading)), model);
  return { ...base, category: decision.category, confidence: decision.confidence, signals: [...signals, decision.signal] };
}
