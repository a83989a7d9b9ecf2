import { REPLY_CATEGORIES, type ReplyCategory } from './categories';
import trained from './model/reply-model.json' with { type: 'json' };

/**
 * The statistical half of the classifier: a multinomial naive Bayes model over character
 * n-grams, words and rule features, trained by `npm run train:classifier` and committed as JSON.
 * The file keeps the raw feature counts per category (readable, diffable); the log-likelihoods
 * are derived from them once, at load. Scoring is a sparse sum over the reply's features, so a
 * reply costs microseconds.
 */
export interface TrainedReplyModel {
  readonly format: 'reply-naive-bayes/2';
  readonly categories: readonly ReplyCategory[];
  /** How many training replies each category had (the priors). */
  readonly replies: readonly number[];
  /** Additive smoothing of the feature counts, chosen by cross-validation. */
  readonly alpha: number;
  /** Divides the log-joint before the softmax: naive Bayes is overconfident, this calibrates it. */
  readonly temperature: number;
  /** Log-odds added to the rules' verdict, chosen by cross-validation. */
  readonly ruleBonus: number;
  /** What the model was trained on, for the README and the freshness test. */
  readonly trainedOn: { readonly replies: number; readonly corpusSha256: string };
  /** Feature → its weighted count in each category's training replies. */
  readonly features: Readonly<Record<string, readonly number[]>>;
}

/** The trained model ready to score: log-priors and per-feature log-likelihoods. */
export interface ReplyModel {
  readonly categories: readonly ReplyCategory[];
  readonly temperature: number;
  readonly ruleBonus: number;
  readonly logPriors: readonly number[];
  readonly logLikelihoods: ReadonlyMap<string, Float64Array>;
}

/** Derives the scoring form of a trained model: log P(category), log P(feature | category). */
export function compileModel(model: TrainedReplyModel): ReplyModel {
  if (model.categories.join() !== REPLY_CATEGORIES.join()) {
    throw new Error('reply-model.json does not match this code: run `npm run train:classifier`');
  }
  const k = model.categories.length;
  const entries = Object.entries(model.features);
  const vocabulary = entries.length;
  const totals = new Array<number>(k).fill(0);
  for (const [, counts] of entries) for (let c = 0; c < k; c++) totals[c]! += counts[c]!;
  const denominators = totals.map((total) => Math.log(total + model.alpha * vocabulary));
  const logLikelihoods = new Map<string, Float64Array>();
  for (const [feature, counts] of entries) {
    logLikelihoods.set(feature, Float64Array.from(counts, (count, c) => Math.log(count + model.alpha) - denominators[c]!));
  }
  const replies = model.replies.reduce((a, b) => a + b, 0);
  return {
    categories: model.categories,
    temperature: model.temperature,
    ruleBonus: model.ruleBonus,
    logPriors: model.replies.map((n) => Math.log(n / replies)),
    logLikelihoods,
  };
}

export const REPLY_MODEL = compileModel(trained as TrainedReplyModel);

/**
 * log P(category) + Σ count · log P(feature | category), per category in REPLY_CATEGORIES order.
 * Features never seen in training carry no evidence either way and are skipped.
 */
export function logJoint(model: ReplyModel, features: ReadonlyMap<string, number>): number[] {
  const scores = [...model.logPriors];
  for (const [feature, count] of features) {
    const row = model.logLikelihoods.get(feature);
    if (!row) continue;
    for (let c = 0; c < scores.length; c++) scores[c]! += count * row[c]!;
  }
  return scores;
}

/** Softmax of scores: probabilities that sum to 1. */
export function softmax(scores: readonly number[]): number[] {
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}
