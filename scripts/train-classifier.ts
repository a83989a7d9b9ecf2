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

const ALPHAS = [0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1];
const TEMPERATURES = [1, 2, 4, 6, 8, 12, 16, 24, 32];
const RULE_BONUSES = [0, 0.5, 1, 1.5, 2, 3];
const FOLDS = 5;

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
  /** The train/dev replies the chosen settings got wrong out of fold: the material for error analysis. */
  readonly misses: readonly { readonly reply: LabelledReply; readonly predicted: string; readonly signals: readonly string[] }[];
}

/**
 * 5-fold cross-validation over train + dev: every reply is scored by a model that did not see it,
 * for every smoothing, temperature and rule bonus; the best accuracy wins, ties go to the better
 * calibrated confidence (log loss).
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
  let best: CrossValidation | undefined;
  ALPHAS.forEach((alpha, a) => {
    for (const temperature of TEMPERATURES) {
      for (const ruleBonus of RULE_BONUSES) {
        const settings = { alpha, temperature, ruleBonus };
        let correct = 0;
        let logLoss = 0;
        const languages: Record<string, { n: number; correct: number }> = {};
        const misses: { reply: LabelledReply; predicted: string; signals: readonly string[] }[] = [];
        examples.forEach((e, i) => {
          const scores = raw[a]![i];
          const probabilities = scores
            ? categoryProbabilities(e.reading, scores, settings)
            : REPLY_CATEGORIES.map((c) => (c === decideWithoutModel(e.reading)!.category ? 1 : 0));
          let predicted = 0;
          for (let c = 1; c < probabilities.length; c++) if (probabilities[c]! > probabilities[predicted]!) predicted = c;
          const hit = predicted === e.label;
          if (hit) correct++;
          else misses.push({ reply: e.reply, predicted: REPLY_CATEGORIES[predicted]!, signals: e.reading.signals });
          logLoss -= Math.log(Math.max(probabilities[e.label]!, 1e-6));
          const language = (languages[languageOf(e.reading.cleanedText)] ??= { n: 0, correct: 0 });
          language.n++;
          if (hit) language.correct++;
        });
        const accuracy = correct / examples.length;
        logLoss /= examples.length;
        if (!best || accuracy > best.accuracy + 1e-9 || (Math.abs(accuracy - best.accuracy) < 1e-9 && logLoss < best.logLoss - 1e-9)) {
          const byLanguage = Object.fromEntries(Object.entries(languages).map(([l, s]) => [l, s.correct / s.n]));
          best = { settings, accuracy, logLoss, byLanguage, misses };
        }
      }
    }
  });
  return best!;
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
      `Wrote ${MODEL_FILE}.`,
  );
  // --misses: the out-of-fold mistakes on train + dev, for error analysis (never the test split).
  if (process.argv.includes('--misses')) {
    for (const { reply, predicted, signals } of cv.misses) {
      console.log(`${reply.id}\texpected ${reply.expected}\tgot ${predicted}\t${JSON.stringify(reply.text.slice(0, 120))}\t[${signals.join(', ')}]`);
    }
  }
}
