import { describe, expect, it } from 'vitest';
import { REPLY_CATEGORIES, REPLY_CHANNELS } from '../../../domain/classification';
import { evaluate, loadEvalSet } from '../../../scripts/evaluate-classifier';

const set = loadEvalSet();
const report = evaluate(set);

describe('evaluation set', () => {
  it('is large, bilingual and covers every channel and category', () => {
    expect(set.length).toBeGreaterThanOrEqual(220);
    const korean = set.filter((r) => /[가-힣]/.test(r.text)).length;
    expect(korean / set.length).toBeGreaterThan(0.35);
    expect(korean / set.length).toBeLessThan(0.65);
    for (const channel of REPLY_CHANNELS) expect(set.some((r) => r.channel === channel)).toBe(true);
    for (const category of REPLY_CATEGORIES) expect(set.filter((r) => r.expected === category).length).toBeGreaterThan(20);
    expect(new Set(set.map((r) => r.id)).size).toBe(set.length);
  });

  it('is classified with accuracy >= 0.9', () => {
    expect(report.accuracy, JSON.stringify(report.misses, null, 1)).toBeGreaterThanOrEqual(0.9);
  });

  it.each(REPLY_CATEGORIES)('%s has recall >= 0.8', (category) => {
    const score = report.perCategory.find((c) => c.category === category);
    expect(score?.recall).toBeGreaterThanOrEqual(0.8);
  });
});
