import { normalizeText } from './normalize';

/** What the rules read in a reply, offered to the model as features of their own. */
export interface RuleEvidence {
  /** The rules' verdict (highest-precedence vote), if any rule fired. */
  readonly ruleCategory?: string;
  /** Every category a cue or the rating voted for. */
  readonly votes: readonly string[];
  readonly rating?: number;
  readonly negated: boolean;
  /** Ids of negated cues: their words are blanked from the text, their meaning stays as a feature. */
  readonly negatedCues: readonly string[];
}

/** How many times a rule feature is counted, so a few rule tokens weigh against many n-grams. */
const RULE_WEIGHT = 3;
/** Whole words count double: fewer of them than n-grams, and in English they carry the meaning. */
const WORD_WEIGHT = 2;

/**
 * The reply as a bag of named features: character 1- to 3-grams of the normalised text with its
 * spaces removed (so "불친절했어요" and "불 친절 했어요", endings and typos share most n-grams),
 * whole words and word pairs (word boundaries matter in English), and the rules' evidence.
 * Features are kept by name, not hashed: hashing into a small space merged unrelated Korean
 * n-grams and cost about a point of cross-validated accuracy.
 */
export function replyFeatures(text: string, evidence: RuleEvidence): Map<string, number> {
  const features = new Map<string, number>();
  const add = (token: string, weight = 1) => features.set(token, (features.get(token) ?? 0) + weight);
  const normalised = normalizeText(text);
  const compact = [...normalised.replace(/\s+/g, '')];
  for (let n = 1; n <= 3; n++) {
    for (let i = 0; i + n <= compact.length; i++) add(`c${n}:${compact.slice(i, i + n).join('')}`);
  }
  const words = normalised.split(/[\s.,!?~;:()"'/]+/).filter(Boolean);
  for (const word of words) add(`w:${word}`, WORD_WEIGHT);
  for (let i = 0; i + 1 < words.length; i++) add(`b:${words[i]} ${words[i + 1]}`);
  if (evidence.ruleCategory) add(`rule:${evidence.ruleCategory}`, RULE_WEIGHT);
  for (const vote of evidence.votes) add(`vote:${vote}`);
  if (evidence.rating !== undefined) add(`rating:${evidence.rating}`, RULE_WEIGHT);
  if (evidence.negated) add('negated');
  for (const id of evidence.negatedCues) add(`negated:${id}`);
  if (compact.length === 0) add('empty', RULE_WEIGHT);
  return features;
}
