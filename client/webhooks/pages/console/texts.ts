import type { PageLanguage } from '../html';
import en from './texts/en.json';
import ko from './texts/ko.json';

export type ConsoleText = keyof typeof en;
const TEXTS: Record<PageLanguage, Record<ConsoleText, string>> = { en, ko };

/** A console text in the language, with {vars} filled in (escaped by the caller's template). */
export function ct(language: PageLanguage, name: ConsoleText, vars: Record<string, string | number> = {}): string {
  return TEXTS[language][name].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** A text chosen by a value from the data (a status, a stage), falling back to the value itself. */
export function ctOf(language: PageLanguage, prefix: string, value: string): string {
  const key = `${prefix}_${value}`;
  return key in TEXTS[language] ? TEXTS[language][key as ConsoleText] : value;
}

/** Times on the console, in the operators' zone, written the way each language writes them. */
export function consoleTime(at: Date | null | undefined, language: PageLanguage, timeZone: string): string {
  if (!at) return '';
  return new Intl.DateTimeFormat(language === 'ko' ? 'ko-KR' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(at);
}
