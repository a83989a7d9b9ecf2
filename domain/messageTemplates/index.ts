import en from './en.json';
import ko from './ko.json';

export type Language = 'ko' | 'en';
export type TemplateName = keyof typeof en;

const TEMPLATES: Record<Language, Record<TemplateName, string>> = { en, ko };

/** Fills a message text from the language's template file; a missing variable is an error, not a blank. */
export function render(language: Language, name: TemplateName, vars: Record<string, string | number>): string {
  const template = TEMPLATES[language][name];
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`template ${language}/${name} needs {${key}}`);
    return String(value);
  });
}
