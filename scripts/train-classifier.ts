/**
 * Trains the reply classifier's model from the labelled corpus and writes it where the classifier
 * loads it (domain/classification/model/reply-model.json). Deterministic: the same corpus gives
 * the same file, byte for byte (a test retrains and compares).
 *
 *   npm run train:classifier
 *   npm run train:classifier -- --misses   also list the cross-validation mistakes (train + dev only)
 *
 * Only the train and dev splits are read; the test split is filtered out before anything. The
 * smoothing, the temperature and the bonus for the rules' verdict are chosen by 5-fold
 * cross-validation over train + dev (a 250-reply dev split alone was too small to choose them
 * without luck), and the model is then fitted on all of train + dev with those values.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeZodError, labelledReplySchema, readReply, REPLY_CATEGORIES, type LabelledReply } from '../domain/classification';
import { categoryProbabilities, decideWithoutModel, type RuleReading } from '../domain/classification/classify';
import { languageOf, splitOf } from '../domain/classification/corpus';
import { replyFeatures } from '../domain/classification/features';
import { compileModel, logJoint, type TrainedReplyModel } from '../domain/classification/model';

/** The replies written for the corpus, and the ones agents labelled in review (exported). */
export const CORPUS_FILES = ['../data/replies/corpus.jsonl', '../data/replies/agent-labels.jsonl'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
export const MODEL_FILE = fileURLToPath(new URL('../domain/classification/model/reply-model.json', import.meta.url));

const ALPHAS = [0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1];
const TEMPERATURES = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];
/** The rules' bonus in log-joint units (before the temperature divides the scores). */
const RULE_BONUSES = [0, 2, 4, 8, 12, 16, 24, 32, 48, 64];
const FOLDS = 5;
const round = (n: number): number => Math.round(n * 10_000) / 10_000;

/** Every labelled reply, in file order; a file that does not exist yet (no agent labels) is skipped. */
export function loadCorpus(files: readonly string[] = CORPUS_FILES): LabelledReply[] {
  const seen = new Set<string>();
  return files.filter((file) => existsSync(file)).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, index) => ({ line: line.trim(), lineNo: index + 1 }))
      .filter(({ line }) => line.length > 0)
      .map(({ line, lineNo }) => {
        const parsed = labelledReplySchema.safeParse(JSON.parse(line));
        if (!parsed.success) throw new Error(`${file}:${lineNo}: ${describeZodError(parsed.error)}`);
        if (seen.has(parsed.data.id)) throw new Error(`${file}:${lineNo}: id ${parsed.data.id} appears twice`);
        seen.add(parsed.data.id);
        return parsed.data;
      }),
  );
}

/** A labelled reply as the trainer sees it: the rules' reading and the model's features. */
interface Example {
  readonly reply: LabelledReply;
  readonly label: number;
  readonly reading: RuleReading;
  readonly features: ReadonlyMap<string, number>;
  /** True when the rules decide alone (a bare rating, no words): the model is not consulted. */
  readonly ruleOnly: boolean;
}

function toExample(reply: LabelledReply): Example {
  const reading = readReply(reply);
  return {
    reply,
    label: REPLY_CATEGORIES.indexOf(reply.expected),
    reading,
    features: replyFeatures(reading.modelText, reading),
    ruleOnly: decideWithoutModel(reading) !== undefined,
  };
}

/** Which cross-validation fold a reply is in, from its id (independent of the split hash). */
const foldOf = (id: string): number => createHash('sha256').update(`fold:${id}`).digest()[0]! % FOLDS;

interface Settings {
  readonly alpha: number;
  readonly temperature: number;
  readonly ruleBonus: number;
}

/** Counts the features of each category: the whole of multinomial naive Bayes training. */
export function fitModel(examples: readonly Example[], settings: Settings, corpusSha256 = ''): TrainedReplyModel {
  const k = REPLY_CATEGORIES.length;
  const replies = new Array<number>(k).fill(0);
  const counts = new Map<string, number[]>();
  for (const { label, features } of examples) {
    replies[label]!++;
    for (const [feature, count] of features) {
      let row = counts.get(feature);
      if (!row) counts.set(feature, (row = new Array<number>(k).fill(0)));
      row[label]! += count;
    }
  }
  const sorted = [...counts.keys()].sort();
  return {
    format: 'reply-naive-bayes/2',
    categories: [...REPLY_CATEGORIES],
    replies,
    alpha: settings.alpha,
    temperature: settings.temperature,
    ruleBonus: settings.ruleBonus,
    trainedOn: { replies: examples.length, corpusSha256 },
    features: Object.fromEntries(sorted.map((feature) => [feature, counts.get(feature)!])),
  };
}

export interface CrossValidation {
  readonly settings: Settings;
  readonly accuracy: number;
  readonly logLoss: number;
  /** Accuracy per language of the chosen settings. */
  readonly byLanguage: Readonly<Record<string, number>>;
  /** How the confidence splits the replies at the default review threshold: share below it, accuracy on each side. */
  readonly review: { readonly threshold: number; readonly shareBelow: number; readonly accuracyBelow: number; readonly accuracyAbove: number };
  /** The train/dev replies the chosen settings got wrong out of fold: the material for error analysis. */
  readonly misses: readonly { readonly reply: LabelledReply; readonly predicted: string; readonly signals: readonly string[] }[];
}

interface Scored {
  readonly predicted: number;
  readonly probabilities: readonly number[];
}

/** The default CLASSIFIER_REVIEW_THRESHOLD, for the calibration figure the trainer prints. */
const REVIEW_THRESHOLD = 0.6;

/**
 * 5-fold cross-validation over train + dev: every reply is scored by a model that did not see it.
 * The decision (smoothing, and the rules' bonus in log-joint units, which with the temperature
 * sets the argmax) is chosen for accuracy, with the one-standard-error rule for the smoothing; the temperature is then chosen for the best calibrated
 * confidence (log loss), which leaves every decision as it was.
 */
export function crossValidate(examples: readonly Example[]): CrossValidation {
  // raw[a][i]: log-joint scores of example i under smoothing ALPHAS[a], from the model without its fold.
  const raw = ALPHAS.map(() => new Array<number[]>(examples.length));
  for (let fold = 0; fold < FOLDS; fold++) {
    const training = examples.filter((e) => foldOf(e.reply.id) !== fold);
    const counted = fitModel(training, { alpha: 1, temperature: 1, ruleBonus: 0 });
    ALPHAS.forEach((alpha, a) => {
      const model = compileModel({ ...counted, alpha });
      examples.forEach((e, i) => {
        if (foldOf(e.reply.id) === fold && !e.ruleOnly) raw[a]![i] = logJoint(model, e.features);
      });
    });
  }
  const score = (a: number, settings: { temperature: number; ruleBonus: number }): Scored[] =>
    examples.map((e, i) => {
      const scores = raw[a]![i];
      const probabilities = scores
        ? categoryProbabilities(e.reading, scores, settings)
        : REPLY_CATEGORIES.map((c) => (c === decideWithoutModel(e.reading)!.category ? 1 : 0));
      let predicted = 0;
      for (let c = 1; c < probabilities.length; c++) if (probabilities[c]! > probabilities[predicted]!) predicted = c;
      return { predicted, probabilities };
    });
  const accuracyOf = (scored: readonly Scored[]) => scored.filter((s, i) => s.predicted === examples[i]!.label).length / examples.length;
  const logLossOf = (scored: readonly Scored[]) =>
    scored.reduce((sum, s, i) => sum - Math.log(Math.max(s.probabilities[examples[i]!.label]!, 1e-6)), 0) / examples.length;

  // The best rule bonus for each smoothing; then the one-standard-error rule: the most smoothed
  // model whose accuracy is within one standard error of the best. Very light smoothing fits the
  // corpus's own wording; replies written differently are better served by the smoother model.
  const perAlpha = ALPHAS.map((_, a) => {
    let best = { a, bonus: 0, accuracy: -1 };
    for (const bonus of RULE_BONUSES) {
      const accuracy = accuracyOf(score(a, { temperature: 1, ruleBonus: bonus }));
      if (accuracy > best.accuracy + 1e-9) best = { a, bonus, accuracy };
    }
    return best;
  });
  const top = Math.max(...perAlpha.map((d) => d.accuracy));
  const standardError = Math.sqrt((top * (1 - top)) / examples.length);
  const decision = perAlpha.filter((d) => d.accuracy >= top - standardError - 1e-9).at(-1)!;
  let calibration = { temperature: 1, logLoss: Infinity };
  for (const temperature of TEMPERATURES) {
    const logLoss = logLossOf(score(decision.a, { temperature, ruleBonus: decision.bonus / temperature }));
    if (logLoss < calibration.logLoss - 1e-9) calibration = { temperature, logLoss };
  }
  const settings = { alpha: ALPHAS[decision.a]!, temperature: calibration.temperature, ruleBonus: round(decision.bonus / calibration.temperature) };
  const scored = score(decision.a, settings);

  const languages: Record<string, { n: number; correct: number }> = {};
  const misses: { reply: LabelledReply; predicted: string; signals: readonly string[] }[] = [];
  const sides = { below: { n: 0, correct: 0 }, above: { n: 0, correct: 0 } };
  scored.forEach((s, i) => {
    const e = examples[i]!;
    const hit = s.predicted === e.label;
    if (!hit) misses.push({ reply: e.reply, predicted: REPLY_CATEGORIES[s.predicted]!, signals: e.reading.signals });
    const language = (languages[languageOf(e.reading.cleanedText)] ??= { n: 0, correct: 0 });
    language.n++;
    if (hit) language.correct++;
    const side = s.probabilities[s.predicted]! < REVIEW_THRESHOLD ? sides.below : sides.above;
    side.n++;
    if (hit) side.correct++;
  });
  return {
    settings,
    accuracy: accuracyOf(scored),
    logLoss: logLossOf(scored),
    byLanguage: Object.fromEntries(Object.entries(languages).map(([l, s]) => [l, s.correct / s.n])),
    review: {
      threshold: REVIEW_THRESHOLD,
      shareBelow: sides.below.n / examples.length,
      accuracyBelow: sides.below.correct / Math.max(sides.below.n, 1),
      accuracyAbove: sides.above.correct / Math.max(sides.above.n, 1),
    },
    misses,
  };
}

export interface TrainingResult {
  readonly model: TrainedReplyModel;
  readonly crossValidation: CrossValidation;
}

/** Cross-validate on train + dev, then fit on all of it. The test split is filtered out before anything. */
export function trainReplyModel(corpus: readonly LabelledReply[]): TrainingResult {
  const pool = corpus.filter((r) => splitOf(r.id) !== 'test');
  const examples = pool.map(toExample);
  const crossValidation = crossValidate(examples);
  const corpusSha256 = createHash('sha256').update(pool.map((r) => JSON.stringify(r)).join('\n')).digest('hex');
  return { model: fitModel(examples, crossValidation.settings, corpusSha256), crossValidation };
}

/** The model file's text: one feature per line keeps diffs readable. */
export function serializeModel(model: TrainedReplyModel): string {
  const { features, ...rest } = model;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  const rows = Object.entries(features).map(([feature, counts]) => `    ${JSON.stringify(feature)}: ${JSON.stringify(counts)}`);
  return `${head},\n  "features": {\n${rows.join(',\n')}\n  }\n}\n`;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const corpus = loadCorpus();
  const { model, crossValidation: cv } = trainReplyModel(corpus);
  writeFileSync(MODEL_FILE, serializeModel(model));
  const languages = Object.entries(cv.byLanguage).sort().map(([l, a]) => `${l} ${a.toFixed(3)}`).join(', ');
  console.log(
    `Trained on ${model.trainedOn.replies} replies (train + dev of ${corpus.length}); ${FOLDS}-fold cross-validated accuracy ` +
      `${cv.accuracy.toFixed(3)} (${languages}); smoothing ${model.alpha}, temperature ${model.temperature}, rule bonus ${model.ruleBonus}. ` +
      `Confidence below ${cv.review.threshold}: ${(cv.review.shareBelow * 100).toFixed(1)} % of replies, ${cv.review.accuracyBelow.toFixed(3)} correct ` +
      `(above: ${cv.review.accuracyAbove.toFixed(3)}). ` +
      `Wrote ${MODEL_FILE}.`,
  );
  // --misses: the out-of-fold mistakes on train + dev, for error analysis (never the test split).
  if (process.argv.includes('--misses')) {
    for (const { reply, predicted, signals } of cv.misses) {
      console.log(`${reply.id}\texpected ${reply.expected}\tgot ${predicted}\t${JSON.stringify(reply.text.slice(0, 120))}\t[${signals.join(', ')}]`);
    }
  }
}
