import { EN_NEGATORS, EN_SCOPE_BREAKERS, KO_NEGATION_FILLERS } from './lexicon';

/** How many words back an English negator still reaches ("has not given us any trouble"). */
const EN_SCOPE = 4;
const CLAUSE_END = /[.,;:!?()]/;

/** English words of the same clause before `start`, nearest last. */
export function enWordsBefore(text: string, start: number): string[] {
  const before = text.slice(0, start);
  const clause = before.slice(lastIndexOfPattern(before, CLAUSE_END) + 1);
  return clause.split(/\s+/).filter((w) => w.length > 0);
}

export function isNegatedEn(text: string, start: number): boolean {
  const words = enWordsBefore(text, start);
  for (let i = words.length - 1; i >= 0 && i >= words.length - EN_SCOPE; i--) {
    const word = words[i] ?? '';
    if (EN_SCOPE_BREAKERS.has(word)) return false;
    if (EN_NEGATORS.has(word)) return true;
  }
  return false;
}

const KO_PRE_NEGATOR = /(?:^|[\s,.!?])(?:안|못)\s?$/;
const KO_NEGATOR_WORD = /^(?:없|않|아니|안(?:$|[됐되돼됩났나했하갔가왔오좋고빠닫열켜꺼돌움새])|못(?:$|[했하갔가왔오]))/;
const KO_CONNECTIVE_JI = /(?:지|진|지는|지도|질)$/;
const KO_NEG_AUX = /^(?:않|못|말)/;

/**
 * Korean negation sits on either side of the cue: before it ("안 좋아요", "못 고쳤") or after
 * it, as "-지 않다" ("친절하지 않았어요") or a noun with "없다"/"안 V" ("문제 없어요",
 * "고장은 안 났어요", "불편한 점은 없었어요"). Negation on both sides cancels out
 * ("안 좋은 점은 없었어요").
 */
export function isNegatedKo(text: string, start: number, end: number): boolean {
  const before = KO_PRE_NEGATOR.test(text.slice(Math.max(0, start - 4), start));
  return before !== koNegatedAfter(text, start, end);
}

function koNegatedAfter(text: string, start: number, end: number): boolean {
  const tail = text.slice(end).split(/[.,!?~;\n]/)[0] ?? '';
  const firstSpace = tail.search(/\s/);
  const rest = firstSpace === -1 ? tail : tail.slice(0, firstSpace);
  const following = (firstSpace === -1 ? '' : tail.slice(firstSpace)).split(/\s+/).filter(Boolean).slice(0, 3);
  const cueWord = text.slice(start, end) + rest;

  if (/없|않|아니/.test(rest)) return true;
  if (KO_CONNECTIVE_JI.test(cueWord) && KO_NEG_AUX.test(following[0] ?? '')) return true;
  for (let i = 0; i < following.length; i++) {
    const word = following[i] ?? '';
    if (KO_NEGATOR_WORD.test(word)) return true;
    if (KO_CONNECTIVE_JI.test(word) && KO_NEG_AUX.test(following[i + 1] ?? '')) return true;
    if (!KO_NEGATION_FILLERS.has(word)) return false;
  }
  return false;
}

function lastIndexOfPattern(s: string, pattern: RegExp): number {
  for (let i = s.length - 1; i >= 0; i--) if (pattern.test(s.charAt(i))) return i;
  return -1;
}
