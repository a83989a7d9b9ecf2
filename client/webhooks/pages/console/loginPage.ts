import { escapeHtml, type PageLanguage } from '../html';
import { consolePage } from './layout';
import { ct } from './texts';

/** The sign-in form. Its hidden token matches a signed cookie set with it, so only this form can post. */
export function loginPage(input: { language: PageLanguage; path: string; loginToken: string; error?: string; notice?: string; next?: string; username?: string }): string {
  const lang = input.language;
  const flash = input.error ? { kind: 'error' as const, message: input.error } : input.notice ? { kind: 'ok' as const, message: input.notice } : undefined;
  const form = input.loginToken
    ? `<form method="post" action="/console/login" class="stack">
<input type="hidden" name="_csrf" value="${escapeHtml(input.loginToken)}">
<input type="hidden" name="next" value="${escapeHtml(input.next ?? '/console/tasks')}">
<label>${escapeHtml(ct(lang, 'username'))}<br><input type="text" name="username" autocomplete="username" required maxlength="64" value="${escapeHtml(input.username ?? '')}"></label>
<label>${escapeHtml(ct(lang, 'password'))}<br><input type="password" name="password" autocomplete="current-password" required maxlength="200"></label>
<button type="submit">${escapeHtml(ct(lang, 'signIn'))}</button>
</form>`
    : `<p><a href="/console/login">${escapeHtml(ct(lang, 'signIn'))}</a></p>`;
  return consolePage({ language: lang, path: input.path, title: ct(lang, 'loginTitle'), flash }, form);
}
