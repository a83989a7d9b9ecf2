import { escapeHtml, text, type PageLanguage } from './html';

/**
 * The optional "your email address" section under a page's own form (KR claims 16-17): its own
 * small form, posted to `<page address>/email`, so it never changes what the page's form does.
 */
export function emailAskSection(language: PageLanguage, pageToken: string, error?: string): string {
  return `<form method="post" action="${escapeHtml(encodeURIComponent(pageToken))}/email" class="email-ask">
<fieldset>
<legend>${escapeHtml(text(language, 'emailAskLegend'))}</legend>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}<p>${escapeHtml(text(language, 'emailAskHint'))}</p>
<input type="email" name="email" autocomplete="email" inputmode="email" maxlength="254" required style="width:100%;min-height:2.75rem;font:inherit;margin-bottom:.6rem">
<button type="submit">${escapeHtml(text(language, 'emailAskSubmit'))}</button>
</fieldset>
</form>`;
}
