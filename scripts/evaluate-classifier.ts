/**
 * Held-out figures of the reply classifier: accuracy, per-category precision and recall, overall
 * and per language and channel, on the corpus's test split (never used while training or tuning).
 *
 *   npm run evaluate:classifier                 the test split
 *   npm run evaluate:classifier -- --split dev  the dev split (for tuning)
 *   npm run evaluate:classifier -- FILE.jsonl   every reply of another labelled file
 *
 * The replies it got wrong are listed for dev and other files; for the test split only their
 * number (add --show-misses to see them), so looking at the figures never means looking at
 * held-out replies while tuning.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPLY_CATEGORIES, classifyReply, type LabelledReply, type ReplyCategory } from '../domain/classification';
import { languageOf, splitOf, SPLITS, type Split } from '../domain/classification/corpus';
import { loadCorpus } from './train-classifier';

export interface CategoryScore {
  readonly category: ReplyCategory;
  readonly support: number;
  readonly predicted: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface Miss {
  readonly id: string;
  readonly expected: ReplyCategory;
  readonly actual: ReplyCategory;
  readonly confidence: number;
  readonly text: string;
  readonly signals: readonly string[];
}

export interface EvaluationReport {
  readonly total: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly perCategory: readonly CategoryScore[];
  /** Accuracy per slice (language, channel), to spot a weak language or channel. */
  readonly slices: Readonly<Record<string, { total: number; correct: number; accuracy: number }>>;
  /** Precision and recall per category within each language. */
  readonly perLanguage: Readonly<Record<string, readonly CategoryScore[]>>;
  readonly misses: readonly Miss[];
}

/** The labelled replies of one split of the corpus (the test split unless told otherwise). */
export function loadSplit(split: Split = 'test', files?: readonly string[]): LabelledReply[] {
  return loadCorpus(files).filter((r) => splitOf(r.id) === split);
}

interface Outcome {
  readonly expected: ReplyCategory;
  readonly actual: ReplyCategory;
}

export function evaluate(set: readonly LabelledReply[]): EvaluationReport {
  const misses: Miss[] = [];
  const slices: Record<string, { total: number; correct: number; accuracy: number }> = {};
  const outcomes: Outcome[] = [];
  const byLanguage: Record<string, Outcome[]> = {};

  for (const item of set) {
    const result = classifyReply({ channel: item.channel, text: item.text, rating: item.rating });
    const hit = result.category === item.expected;
    const outcome = { expected: item.expected, actual: result.category };
    outcomes.push(outcome);
    const language = languageOf(result.cleanedText);
    (byLanguage[language] ??= []).push(outcome);
    if (!hit) {
      misses.push({ id: item.id, expected: item.expected, actual: result.category, confidence: result.confidence, text: result.cleanedText, signals: result.signals });
    }
    for (const slice of [`lang:${language}`, `channel:${item.channel}`]) {
      const s = (slices[slice] ??= { total: 0, correct: 0, accuracy: 0 });
      s.total++;
      if (hit) s.correct++;
      s.accuracy = s.correct / s.total;
    }
  }
  const correct = outcomes.filter((o) => o.expected === o.actual).length;
  const perLanguage = Object.fromEntries(Object.entries(byLanguage).map(([language, list]) => [language, categoryScores(list)]));
  return { total: set.length, correct, accuracy: set.length === 0 ? 0 : correct / set.length, perCategory: categoryScores(outcomes), slices, perLanguage, misses };
}

function categoryScores(outcomes: readonly Outcome[]): CategoryScore[] {
  const predictedCount = new Map<ReplyCategory, number>();
  const truePositives = new Map<ReplyCategory, number>();
  const support = new Map<ReplyCategory, number>();
  for (const { expected, actual } of outcomes) {
    bump(support, expected);
    bump(predictedCount, actual);
    if (expected === actual) bump(truePositives, expected);
  }
  return REPLY_CATEGORIES.map((category): CategoryScore => {
    const tp = truePositives.get(category) ?? 0;
    const predicted = predictedCount.get(category) ?? 0;
    const sup = support.get(category) ?? 0;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = sup === 0 ? 0 : tp / sup;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { category, support: sup, predicted, precision, recall, f1 };
  });
}

/** The report as text; misses (the replies themselves) only when asked, never for the test split by default. */
export function formatReport(report: EvaluationReport, options: { showMisses?: boolean } = {}): string {
  const out: string[] = [];
  const f = (n: number): string => n.toFixed(3);
  out.push(`Accuracy: ${f(report.accuracy)} (${report.correct}/${report.total})`, '');
  const table = (title: string, scores: readonly CategoryScore[]) => {
    out.push(row([title, 'support', 'predicted', 'precision', 'recall', 'f1']));
    for (const c of scores) out.push(row([c.category, String(c.support), String(c.predicted), f(c.precision), f(c.recall), f(c.f1)]));
  };
  table('category', report.perCategory);
  for (const [language, scores] of Object.entries(report.perLanguage).sort()) {
    out.push('');
    table(`[${language}]`, scores);
  }
  out.push('', row(['slice', 'total', 'correct', 'accuracy']));
  for (const [name, s] of Object.entries(report.slices).sort()) {
    out.push(row([name, String(s.total), String(s.correct), f(s.accuracy)]));
  }
  out.push('', `Misses: ${report.misses.length}`);
  if (!(options.showMisses ?? true)) return out.join('\n');
  for (const m of report.misses) {
    const text = m.text.replace(/\s+/g, ' ').slice(0, 70);
    out.push(`  ${m.id}  expected ${m.expected}, got ${m.actual} (${m.confidence})  "${text}"  [${m.signals.join(', ')}]`);
  }
  return out.join('\n');
}

function row(cells: readonly string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(18) : c.padStart(10))).join('');
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { values, positionals } = parseArgs({ options: { split: { type: 'string', default: 'test' }, 'show-misses': { type: 'boolean', default: false } }, allowPositionals: true });
  const split = values.split as Split;
  if (!SPLITS.includes(split)) throw new Error(`--split must be one of ${SPLITS.join(', ')}`);
  const set = positionals[0] ? loadCorpus([resolve(positionals[0])]) : loadSplit(split);
  console.log(positionals[0] ? `All ${set.length} replies of ${positionals[0]}` : `Held-out ${split} split of the corpus: ${set.length} replies`);
  const showMisses = positionals[0] !== undefined || split !== 'test' || values['show-misses'] === true;
  console.log(formatReport(evaluate(set), { showMisses }));
}
