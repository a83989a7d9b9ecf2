import type { ReplyCategory } from './categories';

export type Lang = 'en' | 'ko' | 'sym';

/**
 * One cue. `pattern` is a regular-expression source matched against normalised text.
 * `category` is what the cue means when affirmed (null: neutral, only meaningful when negated).
 * `onNegation` is what it means when negated; 'keep' marks cues whose polarity is already
 * spelled out inside the pattern ("not fixed", "문제없이"), so a negator before them is ignored.
 * `praise` cues are upgraded to delighted by an intensifier ("very helpful", "정말 친절").
 */
export interface LexiconEntry {
  readonly lang: Lang;
  readonly id: string;
  readonly pattern: string;
  readonly category: ReplyCategory | null;
  readonly onNegation: ReplyCategory | null | 'keep';
  readonly praise: boolean;
}

interface GroupOptions {
  readonly onNegation: ReplyCategory | null | 'keep';
  readonly praise?: boolean;
}

/** Builds entries sharing a meaning, so the lexicon files read as id → pattern tables. */
export function group(
  lang: Lang,
  category: ReplyCategory | null,
  options: GroupOptions,
  patterns: Readonly<Record<string, string>>,
): LexiconEntry[] {
  return Object.entries(patterns).map(([id, pattern]) => ({
    lang,
    id,
    pattern,
    category,
    onNegation: options.onNegation,
    praise: options.praise ?? false,
  }));
}

/** Joins alternatives into one non-capturing group. */
export const anyOf = (...alternatives: string[]): string => `(?:${alternatives.join('|')})`;
