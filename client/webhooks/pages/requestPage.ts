import type { FreeTime, RequestPageView } from '../../../db/queries/requestPage';
import type { ServiceRequestState } from '../../../workflows/types';
import { visitTime } from './choicePage';
import { escapeHtml, page, text, type PageLanguage, type PageText } from './html';

/** After the visit is done nothing can be cancelled or moved. */
const AFTER_THE_VISIT = new Set(['letting_repair_settle', 'phone_attempt', 'sending_survey', 'awaiting_reply', 'settling_reply', 'closed']);

export interface RequestPageForms {
  /** Single-use tokens of the buttons shown; a button is shown only with its token. */
  rescheduleToken?: string;
  cancelToken?: string;
  freeTimes: FreeTime[];
}

/** What the page offers, decided from the workflow's state (the Update's validator has the last word). */
export function offeredActions(view: RequestPageView, state: ServiceRequestState | undefined): { reschedule: boolean; cancel: boolean } {
  if (!state || view.closeReason || state.closeReason) return { reschedule: false, cancel: false };
  const visitDone = AFTER_THE_VISIT.has(state.stage) || state.progress.some((p) => p.status === 'completed');
  return {
    cancel: !visitDone,
    reschedule: !visitDone && view.visit !== undefined && state.stage === 'awaiting_completion' && state.progress.length === 0,
  };
}

/** The stage in plain words. */
export function stageWords(lang: PageLanguage, view: RequestPageView, state: ServiceRequestState | undefined): string {
  const closeReason = state?.closeReason ?? view.closeReason;
  if (closeReason === 'cancelled') return text(lang, 'closed_cancelled');
  // Booked, while the job is being dispatched and the visit announced: the customer's news is the booking.
  if (state && view.visit && (state.stage === 'assigning_technician' || state.stage === 'waiting_for_contact_hours') && !state.progress.length) return text(lang, 'stage_awaiting_completion');
  if (state) return text(lang, `stage_${state.stage}` as PageText);
  if (closeReason) return text(lang, 'stage_closed');
  return text(lang, 'requestProgressUnknown');
}

/**
 * The customer's page for one request: where it stands, the visit and the technician, and the
 * buttons to move or cancel the visit. Forms post to addresses relative to the page, so it works
 * under any public prefix; no scripts.
 */
export function requestPage(lang: PageLanguage, pageToken: string, view: RequestPageView, state: ServiceRequestState | undefined, forms: RequestPageForms): string {
  const visit = view.visit;
  const enRoute = visit && state?.progress.at(-1)?.status === 'en_route' ? `<p role="status">${escapeHtml(text(lang, 'requestEnRoute', { name: visit.technicianName }))}</p>` : '';
  const facts = `<fieldset>
<legend>${escapeHtml(text(lang, 'requestStage'))}</legend>
<p data-testid="stage">${escapeHtml(stageWords(lang, view, state))}</p>
${enRoute}
<p><strong>${escapeHtml(text(lang, 'requestVisit'))}:</strong> <span class="time" data-testid="visit">${visit ? escapeHtml(visitTime(visit.startsAt, visit.endsAt, view.timeZone, lang)) : escapeHtml(text(lang, 'requestNoVisit'))}</span></p>
<p><strong>${escapeHtml(text(lang, 'requestTechnician'))}:</strong> <span data-testid="technician">${visit ? escapeHtml(visit.technicianName) : '-'}</span></p>
</fieldset>`;
  const reschedule = forms.rescheduleToken
    ? `<form method="post" action="${escapeHtml(pageToken)}/reschedule">
<fieldset>
<legend>${escapeHtml(text(lang, 'requestMoveTitle'))}</legend>
<input type="hidden" name="action" value="${escapeHtml(forms.rescheduleToken)}">
${
  forms.freeTimes.length === 0
    ? `<p>${escapeHtml(text(lang, 'requestNoFreeTimes'))}</p>`
    : `<p>${escapeHtml(text(lang, 'requestMoveIntro'))}</p>
${forms.freeTimes
  .map(
    (f, i) => `<label class="offer"><input type="radio" name="slot" value="${escapeHtml(`${f.technicianId}|${f.slotId}|${f.startsAt.toISOString()}`)}"${i === 0 ? ' checked' : ''}>
<span class="time">${escapeHtml(visitTime(f.startsAt, f.endsAt, view.timeZone, lang))}</span> · ${escapeHtml(f.technicianName)}</label>`,
  )
  .join('\n')}
<button type="submit">${escapeHtml(text(lang, 'requestMoveSubmit'))}</button>`
}
</fieldset>
</form>`
    : '';
  const cancel = forms.cancelToken
    ? `<form method="post" action="${escapeHtml(pageToken)}/cancel">
<fieldset>
<legend>${escapeHtml(text(lang, 'requestCancelTitle'))}</legend>
<input type="hidden" name="action" value="${escapeHtml(forms.cancelToken)}">
<label>${escapeHtml(text(lang, 'requestCancelReason'))}<textarea name="reason" maxlength="500"></textarea></label>
<button type="submit">${escapeHtml(text(lang, 'requestCancelSubmit'))}</button>
</fieldset>
</form>`
    : '';
  const intro = `<p>${escapeHtml(view.centre)} · ${escapeHtml(view.product)}</p>`;
  return page(lang, text(lang, 'requestTitle'), `${intro}\n${facts}\n${reschedule}\n${cancel}`);
}

/** The answer to a button: what happened (or why not), and the way back to the page. */
export function requestAnswer(lang: PageLanguage, title: PageText, message: string, backHref?: string): string {
  const back = backHref ? `\n<p><a href="${escapeHtml(backHref)}">${escapeHtml(text(lang, 'requestBack'))}</a></p>` : '';
  return page(lang, text(lang, title), `<p role="status">${escapeHtml(message)}</p>${back}`);
}
