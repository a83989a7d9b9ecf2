import en from './texts/en.json';
import ko from './texts/ko.json';

export type PageLanguage = 'ko' | 'en';
export type PageText = keyof typeof en;
const TEXTS: Record<PageLanguage, Record<PageText, string>> = { en, ko };

/** A page text in the language, with {vars} filled in (escaped by the caller's template). */
export function text(language: PageLanguage, name: PageText, vars: Record<string, string | number> = {}): string {
  return TEXTS[language][name].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Every page picks its language the same way: ?lang= wins, then the customer's language, then the browser's (Korean unless it asks for English). */
export function pageLanguage(query: unknown, customer?: string | null, acceptLanguage?: string): PageLanguage {
  const asked = (query as { lang?: unknown } | undefined)?.lang;
  if (asked === 'ko' || asked === 'en') return asked;
  if (customer === 'ko' || customer === 'en') return customer;
  return acceptLanguage?.toLowerCase().startsWith('en') ? 'en' : 'ko';
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Apple SD Gothic Neo","Noto Sans KR",sans-serif;color:#1b1f24;background:#f4f6f8}
main{max-width:34rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.5rem 0 1rem}
fieldset{border:1px solid #d0d7de;border-radius:.6rem;background:#fff;margin:0 0 1rem;padding:.75rem}
legend{font-weight:600;padding:0 .25rem}.scale{display:flex;gap:.4rem;margin:.4rem 0 .2rem}
.scale label{flex:1;min-height:2.75rem;display:flex;align-items:center;justify-content:center;border:1px solid #adb5bd;border-radius:.5rem;background:#fff;cursor:pointer;font-size:1.1rem}
.scale input{position:absolute;opacity:0;width:1px;height:1px}.scale input:checked+span{font-weight:700}
.scale label:has(input:checked){background:#0b5cad;color:#fff;border-color:#0b5cad}.scale label:has(input:focus-visible){outline:3px solid #f5a623}
.hint{display:flex;justify-content:space-between;font-size:.8rem;color:#57606a}
textarea{width:100%;min-height:6rem;font:inherit;padding:.5rem;border:1px solid #adb5bd;border-radius:.5rem}
button{width:100%;min-height:3rem;font:inherit;font-weight:600;color:#fff;background:#0b5cad;border:0;border-radius:.6rem;cursor:pointer}
.error{background:#ffebe9;border:1px solid #cf222e;color:#82071e;padding:.6rem;border-radius:.5rem}
.offer{display:block;border:1px solid #d0d7de;border-radius:.6rem;background:#fff;padding:.8rem;margin:.7rem 0}
.offer input{margin-right:.5rem;transform:scale(1.3)}.offer strong{font-size:1.05rem}.time{color:#0a5;font-weight:600}`;

/** The frame of every customer page: phone-sized, language-tagged, no scripts. */
export function page(language: PageLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>`;
}

/** A page that only says something: errors, thanks. */
export function messagePage(language: PageLanguage, title: PageText, message: string): string {
  return page(language, text(language, title), `<p role="status">${escapeHtml(message)}</p>`);
}
