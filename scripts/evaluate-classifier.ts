import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  REPLY_CATEGORIES,
  classifyReply,
  describeZodError,
  labelledReplySchema,
  type LabelledReply,
  type ReplyCategory,
} from '../domain/classification';

export const DEFAULT_EVAL_SET = fileURLToPath(new URL('../test/domain/classification/eval-set.jsonl', import.meta.url));

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
  readonly text: string;
  readonly signals: readonly string[];
}

export interface EvaluationReport {
  readonly total: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly perCategory: readonly CategoryScore[];
  /** Accuracy per slice (language by script, channel), to spot a weak language or channel. */
  readonly slices: Readonly<Record<string, { total: number; correct: number; accuracy: number }>>;
  readonly misses: readonly Miss[];
}

export function loadEvalSet(path: string = DEFAULT_EVAL_SET): LabelledReply[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, index) => ({ line: line.trim(), lineNo: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, lineNo }) => {
      const parsed = labelledReplySchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${lineNo}: ${describeZodError(parsed.error)}`);
      return parsed.data;
    });
}

export function evaluate(set: readonly LabelledReply[]): EvaluationReport {
  const misses: Miss[] = [];
  const slices: Record<string, { total: number; correct: number; accuracy: number }> = {};
  const predictedCount = new Map<ReplyCategory, number>();
  const truePositives = new Map<ReplyCategory, number>();
  const support = new Map<ReplyCategory, number>();
  let correct = 0;

  for (const item of set) {
    const result = classifyReply({ channel: item.channel, text: item.text, rating: item.rating });
    const hit = result.category === item.expected;
    bump(support, item.expected);
    bump(predictedCount, result.category);
    if (hit) {
      correct++;
      bump(truePositives, item.expected);
    } else {
      misses.push({ id: item.id, expected: item.expected, actual: result.category, text: item.text, signals: result.signals });
    }
    for (const slice of [`lang:${/[가-힣]/.test(item.text) ? 'ko' : 'en/none'}`, `channel:${item.channel}`]) {
      const s = (slices[slice] ??= { total: 0, correct: 0, accuracy: 0 });
      s.total++;
      if (hit) s.correct++;
      s.accuracy = s.correct / s.total;
    }
  }

  const perCategory = REPLY_CATEGORIES.map((category): CategoryScore => {
    const tp = truePositives.get(category) ?? 0;
    const predicted = predictedCount.get(category) ?? 0;
    const sup = support.get(category) ?? 0;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = sup === 0 ? 0 : tp / sup;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { category, support: sup, predicted, precision, recall, f1 };
  });
  return { total: set.length, correct, accuracy: set.length === 0 ? 0 : correct / set.length, perCategory, slices, misses };
}

export function formatReport(report: EvaluationReport): string {
  const out: string[] = [];
  const f = (n: number): string => n.toFixed(3);
  out.push(`Accuracy: ${f(report.accuracy)} (${report.correct}/${report.total})`, '');
  out.push(row(['category', 'support', 'predicted', 'precision', 'recall', 'f1']));
  for (const c of report.perCategory) {
    out.push(row([c.category, String(c.support), String(c.predicted), f(c.precision), f(c.recall), f(c.f1)]));
  }
  out.push('', row(['slice', 'total', 'correct', 'accuracy']));
  for (const [name, s] of Object.entries(report.slices).sort()) {
    out.push(row([name, String(s.total), String(s.correct), f(s.accuracy)]));
  }
  out.push('', `Misses (${report.misses.length}):`);
  for (const m of report.misses) {
    const text = m.text.replace(/\s+/g, ' ').slice(0, 70);
    out.push(`  ${m.id}  expected ${m.expected}, got ${m.actual}  "${text}"  [${m.signals.join(', ')}]`);
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
  console.log(formatReport(evaluate(loadEvalSet(process.argv[2] ?? DEFAULT_EVAL_SET))));
}
