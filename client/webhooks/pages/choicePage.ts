import { DateTime } from 'luxon';
import type { ChoiceView } from '../../../db/queries/choiceOffers';
import { escapeHtml, messagePage, page, text, type PageLanguage, type PageText } from './html';

const KO_WEEKDAYS = ['월', '화', '수', '목', '금', '토', '일'];

/**
 * A date and time as the customer reads it, in their zone, on a 24-hour clock. Korean is spelled
 * out here rather than left to the runtime's ICU data, which differs between Node builds.
 */
export function localDateTime(at: Date, timeZone: string, language: PageLanguage): string {
  const d = DateTime.fromJSDate(at, { zone: timeZone });
  if (language === 'ko') return `${d.year}년 ${d.month}월 ${d.day}일 (${KO_WEEKDAYS[d.weekday - 1]}) ${d.toFormat('HH:mm')}`;
  return d.setLocale('en-GB').toFormat('ccc d LLL yyyy, HH:mm');
}

/** A visit: the start's date and time, then the end time. */
export function visitTime(start: Date, end: Date, timeZone: string, language: PageLanguage): string {
  return `${localDateTime(start, timeZone, language)}–${DateTime.fromJSDate(end, { zone: timeZone }).toFormat('HH:mm')}`;
}

/** A choice page that only says something (refusals, the confirmation). */
export function choiceMessage(language: PageLanguage, message: PageText, vars: Record<string, string> = {}, title: PageText = 'choiceTitle'): string {
  return messagePage(language, title, text(language, message, vars));
}

/** The answer to a choice: what was booked (or why not), and the link to the customer's request page. */
export function choiceAnswer(language: PageLanguage, message: PageText, vars: Record<string, string>, title: PageText, requestHref: string): string {
  return page(
    language,
    text(language, title),
    `<p role="status">${escapeHtml(text(language, message, vars))}</p>\n<p><a href="${escapeHtml(requestHref)}">${escapeHtml(text(language, 'requestPageLink'))}</a></p>`,
  );
}

/**
 * The form posts back to its own address (no action attribute), so it works under any public prefix.
 * `after` is a section of its own shown below the form (the optional email address).
 */
export function choiceForm(view: ChoiceView, deadline: Date, error?: string, after = ''): string {
  const lang = view.language;
  const intro = text(lang, 'choiceIntro', { centre: view.centre, product: view.product, deadline: localDateTime(deadline, view.timeZone, lang) });
  const offers = view.offers
    .map(
      (o, i) => `<label class="offer">
  <input type="radio" name="technicianId" value="${escapeHtml(o.technicianId)}"${i === 0 ? ' checked' : ''}>
  <strong>${escapeHtml(o.name)}</strong><br>
  <span class="time">${escapeHtml(text(lang, 'choiceVisit'))}: ${escapeHtml(visitTime(o.startsAt, o.endsAt, view.timeZone, lang))}</span>
  <p>${escapeHtml(o.introduction)}</p>
</label>`,
    )
    .join('\n');
  return page(
    lang,
    text(lang, 'choiceTitle'),
    `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p>${escapeHtml(intro)}</p>
<form method="post">
${offers}
<button type="submit">${escapeHtml(text(lang, 'choiceSubmit'))}</button>
</form>${after}`,
  );
}
