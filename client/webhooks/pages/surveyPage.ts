import { escapeHtml, page, text, type PageLanguage, type PageText } from './html';

export const SURVEY_ITEMS = ['kindness', 'punctuality', 'fixed', 'overall'] as const;
export type SurveyItem = (typeof SURVEY_ITEMS)[number];
const LABEL: Record<SurveyItem, PageText> = { kindness: 'itemKindness', punctuality: 'itemPunctuality', fixed: 'itemFixed', overall: 'itemOverall' };
export const MAX_COMMENT = 2000;

export interface SurveyFormView {
  language: PageLanguage;
  action: string;
  centre: string;
  product: string;
  values?: Partial<Record<SurveyItem, number>>;
  comment?: string;
  error?: string;
}

/** The graded items (KR claim 7) as 1-5 button rows, then free text; works without JavaScript. */
export function surveyFormPage(view: SurveyFormView): string {
  const { language } = view;
  const groups = SURVEY_ITEMS.map((item) => {
    const required = item === 'overall';
    const options = [1, 2, 3, 4, 5]
      .map(
        (n) =>
          `<label><input type="radio" name="${item}" value="${n}"${view.values?.[item] === n ? ' checked' : ''}${required && n === 1 ? ' required' : ''}><span>${n}</span></label>`,
      )
      .join('');
    return `<fieldset>
<legend>${escapeHtml(text(language, LABEL[item]))}${required ? ` <small>(${escapeHtml(text(language, 'required'))})</small>` : ''}</legend>
<div class="scale">${options}</div>
<div class="hint" aria-hidden="true"><span>1 ${escapeHtml(text(language, 'scaleLow'))}</span><span>5 ${escapeHtml(text(language, 'scaleHigh'))}</span></div>
</fieldset>`;
  }).join('\n');
  const body = `${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<p>${escapeHtml(text(language, 'surveyIntro', { centre: view.centre, product: view.product }))}</p>
<form method="post" action="${escapeHtml(view.action)}" accept-charset="utf-8">
<input type="hidden" name="lang" value="${language}">
${groups}
<fieldset>
<legend><label for="comment">${escapeHtml(text(language, 'commentLabel'))}</label></legend>
<textarea id="comment" name="comment" maxlength="${MAX_COMMENT}">${escapeHtml(view.comment ?? '')}</textarea>
</fieldset>
<button type="submit">${escapeHtml(text(language, 'submit'))}</button>
</form>`;
  return page(language, text(language, 'surveyTitle'), body);
}
