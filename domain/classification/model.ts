import { REPLY_CATEGORIES, type ReplyCategory } from './categories';
import { FEATURE_SPACE } from './features';
import trained from './model/reply-model.json' with { type: 'json' };

/**
 * The statistical half of the classifier: a multinomial naive Bayes model over hashed character
 * n-grams and rule features, trained by `npm run train:classifier` (ml-naivebayes) and committed
 * as JSON. Scoring is a sparse sum over the reply's features, so a reply costs microseconds.
 */
export interface ReplyModel {
  readonly format: 'reply-naive-bayes/1';
  readonly featureSpace: number;
  readonly categories: readonly ReplyCategory[];
  /** log P(category) */
  readonly logPriors: readonly number[];
  /** log P(feature | category), one row per category. */
  readonly logLikelihoods: readonly (readonly number[])[];
  /** Divides the log-joint before the softmax: naive Bayes is overconfident, this calibrates it. */
  readonly temperature: number;
  /** Log-odds added to the rules' verdict, tuned on the dev split. */
  readonly ruleBonus: number;
  /** What the model was trained on, for the README and the freshness test. */
  readonly trainedOn: { readonly replies: number; readonly corpusSha256: string };
}

export const REPLY_MODEL = trained as ReplyModel;

if (REPLY_MODEL.featureSpace !== FEATURE_SPACE || REPLY_MODEL.categories.join() !== REPLY_CATEGORIES.join()) {
  throw new Error('reply-model.json does not match this code: run `npm run train:classifier`');
}

/** log P(category) + Σ count · log P(feature | category), per category in REPLY_CATEGORIES order. */
export function logJoint(model: ReplyModel, features: ReadonlyMap<number, number>): number[] {
  return model.categories.map((_, c) => {
    const row = model.logLikelihoods[c]!;
    let score = model.logPriors[c]!;
    for (const [index, count] of features) score += count * row[index]!;
    return score;
  });
}

/** Softmax of scores: probabilities that sum to 1. */
export function softmax(scores: readonly number[]): number[] {
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}
