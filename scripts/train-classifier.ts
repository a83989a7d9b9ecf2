/**
 * Trains the reply classifier's model from the labelled corpus and writes it where the classifier
 * loads it (domain/classification/model/reply-model.json). Deterministic: the same corpus gives
 * the same file, byte for byte (a test retrains and compares).
 *
 *   npm run train:classifier
 *
 * Train split: fits the naive Bayes model (ml-naivebayes). Dev split: chooses the temperature and
 * the bonus for the rules' verdict. The model is then refitted on train + dev with those values.
 * The test split is never read here.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  classifyReply,
  describeZodError,
  labelledReplySchema,
  readReply,
  REPLY_CATEGORIES,
  type LabelledReply,
} from '../domain/classification';
import { splitOf } from '../domain/classification/corpus';
import { FEATURE_SPACE, replyFeatures } from '../domain/classification/features';
import type { ReplyModel } from '../domain/classification/model';

/** The replies written for the corpus, and the ones agents labelled in review (exported). */
export const CORPUS_FILES = ['../data/replies/corpus.jsonl', '../data/replies/agent-labels.jsonl'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
export const MODEL_FILE = fileURLToPath(new URL('../domain/classification/model/reply-model.json', import.meta.url));

const TEMPERATURES = [1, 2, 3, 4, 6, 8, 12];
const RULE_BONUSES = [0, 0.5, 1, 1.5, 2, 3, 4];

// ml-naivebayes ships CommonJS without type declarations: its small surface is typed here.
interface MultinomialNaiveBayes {
  train(features: number[][], labels: number[]): void;
  toJSON(): { priorProbability: { to1DArray(): number[] }; conditionalProbability: { to2DArray(): number[][] } };
}
const { MultinomialNB } = createRequire(import.meta.url)('ml-naivebayes') as { MultinomialNB: new () => MultinomialNaiveBayes };

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

function featureRow(reply: LabelledReply): number[] {
  const reading = readReply(reply);
  const row = new Array<number>(FEATURE_SPACE).fill(0);
  for (const [index, count] of replyFeatures(reading.modelText, reading)) row[index] = count;
  return row;
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

/** Fits the naive Bayes parameters; temperature and rule bonus are set by the caller. */
export function fitModel(replies: readonly LabelledReply[], settings: { temperature: number; ruleBonus: number }): ReplyModel {
  const nb = new MultinomialNB();
  nb.train(replies.map(featureRow), replies.map((r) => REPLY_CATEGORIES.indexOf(r.expected)));
  const fitted = nb.toJSON();
  const corpusSha256 = createHash('sha256').update(replies.map((r) => JSON.stringify(r)).join('\n')).digest('hex');
  return {
    format: 'reply-naive-bayes/1',
    featureSpace: FEATURE_SPACE,
    categories: [...REPLY_CATEGORIES],
    logPriors: fitted.priorProbability.to1DArray().map(round),
    logLikelihoods: fitted.conditionalProbability.to2DArray().map((row) => row.map(round)),
    temperature: settings.temperature,
    ruleBonus: settings.ruleBonus,
    trainedOn: { replies: replies.length, corpusSha256 },
  };
}

export interface TrainingResult {
  readonly model: ReplyModel;
  readonly dev: { readonly accuracy: number; readonly logLoss: number };
}

/** Train on train, tune on dev, refit on both. The test split is filtered out before anything. */
export function trainReplyModel(corpus: readonly LabelledReply[]): TrainingResult {
  const train = corpus.filter((r) => splitOf(r.id) === 'train');
  const dev = corpus.filter((r) => splitOf(r.id) === 'dev');
  const draft = fitModel(train, { temperature: 1, ruleBonus: 0 });
  let best: { temperature: number; ruleBonus: number; accuracy: number; logLoss: number } | undefined;
  for (const temperature of TEMPERATURES) {
    for (const ruleBonus of RULE_BONUSES) {
      const model = { ...draft, temperature, ruleBonus };
      let correct = 0;
      let logLoss = 0;
      for (const reply of dev) {
        const result = classifyReply(reply, model);
        if (result.category === reply.expected) correct++;
        const p = result.category === reply.expected ? result.confidence : (1 - result.confidence) / (REPLY_CATEGORIES.length - 1);
        logLoss -= Math.log(Math.max(p, 1e-6));
      }
      const accuracy = correct / Math.max(dev.length, 1);
      logLoss /= Math.max(dev.length, 1);
      // Higher accuracy first; among equals the better-calibrated confidence.
      if (!best || accuracy > best.accuracy + 1e-9 || (Math.abs(accuracy - best.accuracy) < 1e-9 && logLoss < best.logLoss - 1e-9)) {
        best = { temperature, ruleBonus, accuracy, logLoss };
      }
    }
  }
  const chosen = best ?? { temperature: 1, ruleBonus: 0, accuracy: 0, logLoss: 0 };
  return { model: fitModel([...train, ...dev], chosen), dev: { accuracy: chosen.accuracy, logLoss: chosen.logLoss } };
}

/** The model file's text: one category row per line keeps diffs readable. */
export function serializeModel(model: ReplyModel): string {
  const { logLikelihoods, ...rest } = model;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  return `${head},\n  "logLikelihoods": [\n${logLikelihoods.map((row) => `    ${JSON.stringify(row)}`).join(',\n')}\n  ]\n}\n`;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const corpus = loadCorpus();
  const { model, dev } = trainReplyModel(corpus);
  writeFileSync(MODEL_FILE, serializeModel(model));
  console.log(
    `Trained on ${model.trainedOn.replies} replies (train + dev of ${corpus.length}); dev accuracy ${dev.accuracy.toFixed(3)}, ` +
      `temperature ${model.temperature}, rule bonus ${model.ruleBonus}. Wrote ${MODEL_FILE}.`,
  );
}
