import { createHash } from 'node:crypto';

export const SPLITS = ['train', 'dev', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/**
 * Which split a labelled reply belongs to, from its id alone: the same reply always lands in the
 * same split, whatever order the corpus is in and however it grows. About 70 % train, 10 % dev
 * (for tuning), 20 % test (held out: never used while tuning).
 */
export function splitOf(id: string): Split {
  const bucket = createHash('sha256').update(id).digest()[0]! % 10;
  if (bucket < 2) return 'test';
  if (bucket < 3) return 'dev';
  return 'train';
}

export const LANGUAGES = ['ko', 'en', 'mixed'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Korean, English, or both: Hangul and at least one Latin word of three letters or more. */
export function languageOf(text: string): Language {
  const korean = /[가-힣ㄱ-ㅎㅏ-ㅣ]/.test(text);
  const english = /[A-Za-z]{3,}/.test(text.replace(/^>.*$/gm, '').replace(/\S+@\S+/g, ''));
  if (korean && english) return 'mixed';
  return korean ? 'ko' : 'en';
}
