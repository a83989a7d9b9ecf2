import { escapeHtml, type PageLanguage } from '../html';
import { ct, type ConsoleText } from './texts';

/** Who is looking, for the page's header and its forms. */
export interface ConsoleViewer {
  displayName: string;
  csrfToken: string;
}

export interface ConsoleFrame {
  language: PageLanguage;
  title: string;
  /** The page's own path and query, for the language switch. */
  path: string;
  viewer?: ConsoleViewer;
  /** A line of feedback above the page: what just happened, or why it did not. */
  flash?: { kind: 'ok' | 'error'; message: string };
  active?: 'tasks' | 'escalations' | 'inbox' | 'requests';
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Apple SD Gothic Neo","Noto Sans KR",sans-serif;color:#1b1f24;background:#f4f6f8}
header{background:#1d2433;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
header strong{font-size:1.05rem;margin-right:1rem}header nav{display:flex;flex-wrap:wrap;gap:.2rem .9rem;flex:1}
header a{color:#cfe1ff;text-decoration:none}header a[aria-current=page]{color:#fff;font-weight:700;text-decoration:underline}
header form{display:inline;margin:0}header button{background:none;border:1px solid #cfe1ff;color:#fff;border-radius:.3rem;padding:.15rem .6rem;cursor:pointer;font:inherit}
main{max-width:72rem;margin:0 auto;padding:1rem}h1{font-size:1.35rem;margin:.3rem 0 1rem}h2{font-size:1.1rem;margin:1.2rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}section{background:#fff;border:1px solid #d0d7de;border-radius:.5rem;padding:.6rem 1rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dt{color:#57606a}dd{margin:0}
form.inline{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.3rem 0}
input[type=text],input[type=password],select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #adb5bd;border-radius:.35rem;background:#fff}
textarea{width:100%;min-height:4rem}.stack{display:flex;flex-direction:column;gap:.4rem;max-width:24rem}
button{font:inherit;font-weight:600;color:#fff;background:#0b5cad;border:0;border-radius:.35rem;padding:.4rem .9rem;cursor:pointer}
.flash{padding:.6rem .8rem;border-radius:.4rem;margin:0 0 1rem}.flash.ok{background:#dafbe1;border:1px solid #1a7f37}.flash.error{background:#ffebe9;border:1px solid #cf222e;color:#82071e}
.muted{color:#57606a}.pre{white-space:pre-wrap}blockquote{margin:0}`;

const NAV: [NonNullable<ConsoleFrame['active']>, string, ConsoleText][] = [
  ['tasks', '/console/tasks', 'navTasks'],
  ['escalations', '/console/escalations', 'navEscalations'],
  ['inbox', '/console/inbox', 'navInbox'],
  ['requests', '/console/requests', 'navRequests'],
];

/** The frame of every console page: header with the sections, the language switch and logout. */
export function consolePage(frame: ConsoleFrame, body: string): string {
  const { language: lang, viewer } = frame;
  const other = lang === 'ko' ? 'en' : 'ko';
  const switchUrl = withQuery(frame.path, 'lang', other);
  const nav = viewer
    ? `<nav aria-label="${escapeHtml(ct(lang, 'consoleTitle'))}">${NAV.map(
        ([key, href, label]) => `<a href="${href}"${frame.active === key ? ' aria-current="page"' : ''}>${escapeHtml(ct(lang, label))}</a>`,
      ).join('')}<a href="/stats?lang=${lang}">${escapeHtml(ct(lang, 'navStatistics'))}</a></nav>
<span>${escapeHtml(ct(lang, 'signedInAs', { name: viewer.displayName }))}</span>
<form method="post" action="/console/logout">${csrfField(viewer)}<button type="submit">${escapeHtml(ct(lang, 'logout'))}</button></form>`
    : '<nav></nav>';
  const flash = frame.flash ? `<p class="flash ${frame.flash.kind}" role="${frame.flash.kind === 'error' ? 'alert' : 'status'}">${escapeHtml(frame.flash.message)}</p>` : '';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(frame.title)} · ${escapeHtml(ct(lang, 'consoleTitle'))}</title>
<style>${STYLE}</style>
</head>
<body>
<header><strong>${escapeHtml(ct(lang, 'consoleTitle'))}</strong>${nav}<a href="${escapeHtml(switchUrl)}" lang="${other}">${escapeHtml(ct(lang, 'languageSwitch'))}</a></header>
<main>
${flash}<h1>${escapeHtml(frame.title)}</h1>
${body}
</main>
</body>
</html>`;
}

/** The hidden field every console form carries; the server refuses a post without the session's value. */
export function csrfField(viewer: ConsoleViewer): string {
  return `<input type="hidden" name="_csrf" value="${escapeHtml(viewer.csrfToken)}">`;
}

export function withQuery(path: string, name: string, value: string): string {
  const url = new URL(path, 'http://console.invalid');
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}

/** A table from rows; each cell is HTML the caller escaped. */
export function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;
}
