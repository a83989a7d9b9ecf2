import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyReply, REPLY_CATEGORIES, REPLY_CHANNELS, visibleEmailText } from '../../../domain/classification';
import { languageOf, splitOf } from '../../../domain/classification/corpus';
import { evaluate, loadSplit } from '../../../scripts/evaluate-classifier';
import { loadCorpus, MODEL_FILE, serializeModel, trainReplyModel } from '../../../scripts/train-classifier';

const corpus = loadCorpus();
function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
const language = (r: { channel: string; text: string }) => languageOf(r.channel === 'email' ? visibleEmailText(r.text) : r.text);

describe('the labelled corpus', () => {
  it('is large, Korean, English and mixed, and covers every channel and category', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(1500);
    const byLanguage = countBy(corpus, language);
    expect(byLanguage.ko).toBeGreaterThan(corpus.length * 0.4);
    expect(byLanguage.en).toBeGreaterThan(corpus.length * 0.25);
    expect(byLanguage.mixed).toBeGreaterThan(50);
    for (const channel of REPLY_CHANNELS) expect(corpus.filter((r) => r.channel === channel).length).toBeGreaterThan(40);
    for (const category of REPLY_CATEGORIES) expect(corpus.filter((r) => r.expected === category).length).toBeGreaterThan(200);
  });

  it('has email replies in every client layout, with quoted originals and signatures', () => {
    const emails = corpus.filter((r) => r.channel === 'email').map((r) => r.text);
    for (const marker of [/wrote:/, /님이 작성:/, /-----Original Message-----/, /Get Outlook for/, /보낸 사람:/, /Sent from my iPhone/, /iPhone에서 보냄/, /갤럭시 스마트폰에서 보냈습니다/, /Sent from my Galaxy/]) {
      expect(emails.some((text) => marker.test(text)), String(marker)).toBe(true);
    }
  });

  it('splits deterministically by id: about 70 % train, 10 % dev, 20 % test', () => {
    const counts = countBy(corpus, (r) => splitOf(r.id));
    expect(counts.test! / corpus.length).toBeGreaterThan(0.15);
    expect(counts.test! / corpus.length).toBeLessThan(0.25);
    expect(counts.dev! / corpus.length).toBeGreaterThan(0.06);
    expect(counts.train! / corpus.length).toBeGreaterThan(0.6);
    // The split is a hash of the id: a change to it would move held-out replies into training.
    expect(['en-001', 'ko-complaint-001', 'ko-complaint-002', 'more-ko-050'].map(splitOf)).toEqual(['train', 'dev', 'test', 'dev']);
  });
});

describe('the trained model', () => {
  it('is what `npm run train:classifier` produces from the corpus (training is deterministic)', () => {
    const { model } = trainReplyModel(corpus);
    expect(model.trainedOn.replies).toBe(corpus.filter((r) => splitOf(r.id) !== 'test').length);
    expect(serializeModel(model) === readFileSync(MODEL_FILE, 'utf8'), 'domain/classification/model/reply-model.json is stale: run npm run train:classifier').toBe(true);
  }, 120_000);

  it('classifies a reply in a few milliseconds at most (about 1 ms on an idle machine)', () => {
    const sample = corpus.slice(0, 200);
    let fastest = Infinity;
    for (let pass = 0; pass < 3; pass++) {
      const started = performance.now();
      for (const r of sample) classifyReply(r);
      fastest = Math.min(fastest, (performance.now() - started) / sample.length);
    }
    expect(fastest).toBeLessThan(10);
  });
});

describe('held-out figures (test split, never used while training or tuning)', () => {
  const report = evaluate(loadSplit('test'));

  it('meets the accuracy the issue asks for: 0.93 overall, 0.90 for Korean', () => {
    expect(report.total).toBeGreaterThan(300);
    // Released at 0.951 overall (Korean 0.944, English 0.956), see the README.
    expect(report.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(report.slices['lang:ko']!.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.slices['lang:en']!.accuracy).toBeGreaterThanOrEqual(0.92);
  });

  it.each(REPLY_CATEGORIES)('%s keeps precision and recall of at least 0.85', (category) => {
    const score = report.perCategory.find((c) => c.category === category)!;
    expect(score.precision).toBeGreaterThanOrEqual(0.85);
    expect(score.recall).toBeGreaterThanOrEqual(0.85);
  });

  it('is unsure where it is wrong: below the review threshold it is right far less often than above it', () => {
    const results = loadSplit('test').map((r) => {
      const { category, confidence } = classifyReply(r);
      return { hit: category === r.expected, confidence };
    });
    const below = results.filter((r) => r.confidence < 0.6);
    const above = results.filter((r) => r.confidence >= 0.6);
    const accuracy = (list: typeof results) => list.filter((r) => r.hit).length / list.length;
    expect(below.length / results.length).toBeLessThan(0.15);
    expect(accuracy(above)).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(below)).toBeLessThan(accuracy(above) - 0.2);
  });
});
