import type { ReplyCategory } from './categories';
import { isEmphasised } from './emphasis';
import { LEXICON, type Lang, type LexiconEntry } from './lexicon';
import { isNegatedEn, isNegatedKo } from './negation';

export interface Cue {
  readonly lang: Lang;
  readonly id: string;
  readonly start: number;
  readonly end: number;
  /** null when the cue is neutral in this context ("problem" with no negation). */
  readonly category: ReplyCategory | null;
  readonly negated: boolean;
  readonly emphasised: boolean;
}

interface Compiled {
  readonly entry: LexiconEntry;
  readonly order: number;
  readonly regex: RegExp;
}

// English cues must be whole words; Korean ones attach to stems and particles, so they are not bounded.
const COMPILED: readonly Compiled[] = LEXICON.map((entry, order) => ({
  entry,
  order,
  regex: new RegExp(entry.lang === 'en' ? `(?<![a-z0-9])(?:${entry.pattern})(?![a-z0-9])` : `(?:${entry.pattern})`, 'gu'),
}));

interface Hit {
  readonly compiled: Compiled;
  readonly start: number;
  readonly end: number;
}

/**
 * Finds cues in normalised text. Overlapping hits are resolved longest-first, so a phrase
 * ("not bad", "is it ok to", "고장 안 났") silences the shorter cues inside it ("bad", "ok", "고장").
 */
export function findCues(text: string): Cue[] {
  const hits: Hit[] = [];
  for (const compiled of COMPILED) {
    for (const m of text.matchAll(compiled.regex)) {
      if (m[0].length > 0) hits.push({ compiled, start: m.index, end: m.index + m[0].length });
    }
  }
  hits.sort(
    (a, b) =>
      b.end - b.start - (a.end - a.start) ||
      Number(a.compiled.entry.category === null) - Number(b.compiled.entry.category === null) ||
      a.start - b.start ||
      a.compiled.order - b.compiled.order,
  );
  const taken: Hit[] = [];
  for (const hit of hits) {
    if (taken.every((t) => hit.end <= t.start || hit.start >= t.end)) taken.push(hit);
  }
  return taken.sort((a, b) => a.start - b.start).map((hit) => interpret(text, hit));
}

function interpret(text: string, { compiled: { entry }, start, end }: Hit): Cue {
  let category = entry.category;
  let negated = false;
  if (entry.onNegation !== 'keep' && negatedAt(entry.lang, text, start, end)) {
    negated = true;
    category = entry.onNegation;
  }
  const emphasised = !negated && entry.praise && category === 'satisfied' && isEmphasised(entry.lang, text, start, end);
  if (emphasised) category = 'delighted';
  return { lang: entry.lang, id: entry.id, start, end, category, negated, emphasised };
}

function negatedAt(lang: Lang, text: string, start: number, end: number): boolean {
  if (lang === 'en') return isNegatedEn(text, start);
  if (lang === 'ko') return isNegatedKo(text, start, end);
  return false;
}

/** Audit form of a cue: which rule fired and how it was read, never the customer's words. */
export function cueSignal(cue: Cue): string {
  const how = `${cue.negated ? ':negated' : ''}${cue.emphasised ? ':emphatic' : ''}`;
  return `${cue.lang}:${cue.id}${how}->${cue.category ?? 'none'}`;
}
