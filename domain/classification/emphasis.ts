import { EN_INTENSIFIERS, KO_INTENSIFIERS } from './lexicon';
import { enWordsBefore } from './negation';
import type { Lang } from './lexiconTypes';

const EXCLAIMED = /^[^\s.?]*\s?!{2,}/;

/**
 * Whether plain praise is said emphatically: an intensifier just before it ("really helpful",
 * "정말 친절") or a double exclamation right after it ("great!!"). Politeness formulas such as
 * "thank you very much" never get here because thanks are not praise cues.
 */
export function isEmphasised(lang: Lang, text: string, start: number, end: number): boolean {
  if (EXCLAIMED.test(text.slice(end))) return true;
  if (lang === 'en') return enWordsBefore(text, start).slice(-2).some((w) => EN_INTENSIFIERS.has(w));
  if (lang === 'ko') return koWordsBefore(text, start).slice(-2).some(isKoIntensifier);
  return false;
}

function koWordsBefore(text: string, start: number): string[] {
  const before = text.slice(0, start);
  const clause = before.slice(Math.max(before.lastIndexOf('.'), before.lastIndexOf(','), before.lastIndexOf('!')) + 1);
  return clause.split(/\s+/).filter((w) => w.length > 0);
}

// Prefix match only for multi-syllable intensifiers, so "정말로"/"너무나도" count but "참석" is not "참".
function isKoIntensifier(word: string): boolean {
  if (KO_INTENSIFIERS.has(word)) return true;
  for (const i of KO_INTENSIFIERS) if (i.length >= 2 && word.startsWith(i)) return true;
  return false;
}
