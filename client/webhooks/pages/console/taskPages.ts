import type { AgentTask } from '../../../../db/queries/agentTasks';
import type { TaskCase } from '../../../../db/queries/consoleTasks';
import { REPLY_CATEGORIES } from '../../../../domain/classification';
import { escapeHtml as e, type PageLanguage } from '../html';
import { csrfField, table, type ConsoleViewer } from './layout';
import { consoleTime, ct, ctOf } from './texts';

export const TASK_FILTERS = ['open', 'closed', 'all'] as const;
export type TaskFilter = (typeof TASK_FILTERS)[number];

export function taskListBody(lang: PageLanguage, tz: string, tasks: AgentTask[], filter: TaskFilter, centreId?: string): string {
  const inCentre = centreId ? `&centre=${encodeURIComponent(centreId)}` : '';
  const filters = TASK_FILTERS.map((f) => {
    const label = ct(lang, f === 'open' ? 'filterOpen' : f === 'closed' ? 'filterClosed' : 'filterAll');
    return f === filter ? `<strong>${e(label)}</strong>` : `<a href="/console/tasks?status=${f}${e(inCentre)}">${e(label)}</a>`;
  }).join(' · ');
  const centreForm = `<form method="get" action="/console/tasks" class="inline"><input type="hidden" name="status" value="${filter}"><label>${e(ct(lang, 'colCentre'))} <input type="text" name="centre" maxlength="200" value="${e(centreId ?? '')}"></label><button type="submit">${e(ct(lang, 'filterApply'))}</button></form>`;
  const rows = tasks.map((t) => [
    `<a href="/console/tasks/${t.id}">${t.id}</a>`,
    e(ctOf(lang, 'status', t.status)),
    e(t.kind),
    e(t.centreId ?? ''),
    e(consoleTime(t.createdAt, lang, tz)),
    e(t.assignee ?? ''),
    e(listSummary(t)),
    t.requestId === null ? `<a href="/console/inbox">${e(ct(lang, 'navInbox'))}</a>` : `<a href="/console/requests/${e(t.requestId)}">${e(t.requestId.slice(0, 8))}</a>`,
  ]);
  const headers = ['colId', 'colStatus', 'colKind', 'colCentre', 'colCreated', 'colAssignee', 'colSummary', 'colRequest'] as const;
  return `<p>${filters}</p>${centreForm}${table(headers.map((h) => ct(lang, h)), rows, ct(lang, 'tasksEmpty'))}`;
}

/**
 * A review task's summary quotes the customer's reply; the list leaves the quote out, so the reply
 * is only read on the task's own page, where reading it is logged.
 */
function listSummary(t: AgentTask): string {
  const summary = t.kind === 'review_classification' ? t.summary.replace(/ — "[\s\S]*$/, '') : t.summary;
  return summary.length > 90 ? `${summary.slice(0, 89)}…` : summary;
}

export function taskCaseBody(lang: PageLanguage, tz: string, c: TaskCase, viewer: ConsoleViewer & { username: string }, temporalLink: string): string {
  const { task, customer, request, reply } = c;
  const dl = (pairs: [string, string][]) => `<dl>${pairs.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
  const statusLine = `${e(ctOf(lang, 'status', task.status))}${task.assignee ? ` · ${e(task.assignee)}` : ''}`;
  const requestSection = !request || !customer || task.requestId === null
    ? `<section aria-labelledby="req"><h2 id="req">${e(ct(lang, 'requestSection'))}</h2>${dl([
        [ct(lang, 'colRequest'), `<a href="/console/inbox">${e(ct(lang, 'navInbox'))}</a>`],
        [ct(lang, 'taskStatus'), statusLine],
        [ct(lang, 'colSummary'), `<span class="pre">${e(task.summary)}</span>`],
      ])}</section>`
    : `<section aria-labelledby="req"><h2 id="req">${e(ct(lang, 'requestSection'))}</h2>${dl([
    [ct(lang, 'colRequest'), `<a href="/console/requests/${e(task.requestId)}">${e(task.requestId)}</a>`],
    [ct(lang, 'product'), e(request.productField)],
    [ct(lang, 'fault'), `<span class="pre">${e(request.faultDescription)}</span>`],
    [ct(lang, 'requestStatus'), e(request.status)],
    [ct(lang, 'taskStatus'), statusLine],
    [ct(lang, 'colSummary'), `<span class="pre">${e(task.summary)}</span>`],
  ])}<p><a href="${e(temporalLink)}" rel="noreferrer" target="_blank">${e(ct(lang, 'temporalLink'))}</a> · <a href="/console/customers/${encodeURIComponent(customer.id)}/consent">${e(ct(lang, 'consentLink'))}</a></p></section>`;
  const customerSection = !customer ? '' : `<section aria-labelledby="cust"><h2 id="cust">${e(ct(lang, 'customerSection'))}</h2>${dl([
    [ct(lang, 'customerName'), e(customer.name)],
    [ct(lang, 'customerEmail'), customer.email ? `<a href="mailto:${e(customer.email)}">${e(customer.email)}</a>` : ''],
    [ct(lang, 'customerMobile'), customer.mobile ? `<a href="tel:${e(customer.mobile)}">${e(customer.mobile)}</a>` : ''],
    [ct(lang, 'customerLanguage'), e(customer.language)],
  ])}</section>`;
  const replySection = `<section aria-labelledby="reply"><h2 id="reply">${e(ct(lang, 'replySection'))}</h2>${
    reply
      ? dl([
          [ct(lang, 'colWhen'), e(consoleTime(reply.receivedAt, lang, tz))],
          [ct(lang, 'colChannel'), e(reply.channel)],
          [ct(lang, 'replyRating'), reply.rating === null ? '' : `${reply.rating}/5`],
          [ct(lang, 'replyCategory'), e(reply.category)],
          [ct(lang, 'replyItems'), e(Object.entries(reply.items).map(([k, v]) => `${k} ${v}`).join(', '))],
          [ct(lang, 'colText'), `<blockquote class="pre" id="reply-text">${e(reply.text ?? '')}</blockquote>`],
        ])
      : `<p class="muted">${e(ct(lang, 'replyNone'))}</p>`
  }</section>`;

  const path = `/console/tasks/${task.id}`;
  const actions: string[] = [];
  if (task.status === 'open') {
    actions.push(`<form method="post" action="${path}/take" class="inline">${csrfField(viewer)}<button type="submit">${e(ct(lang, 'take'))}</button></form>`);
  }
  if (task.status === 'taken') {
    actions.push(`<form method="post" action="${path}/close" class="stack">${csrfField(viewer)}
<label>${e(ct(lang, 'resolution'))}<br><textarea name="resolution" required maxlength="2000"></textarea></label>
<button type="submit">${e(ct(lang, 'close'))}</button></form>`);
  }
  if (task.kind === 'review_classification' && task.status !== 'closed' && (task.status === 'open' || task.assignee === viewer.username)) {
    const options = REPLY_CATEGORIES.map((c) => `<option value="${c}"${reply?.category === c ? ' selected' : ''}>${c}</option>`).join('');
    actions.push(`<h2>${e(ct(lang, 'labelSection'))}</h2><form method="post" action="${path}/label" class="inline">${csrfField(viewer)}
<label>${e(ct(lang, 'category'))} <select name="category">${options}</select></label><button type="submit">${e(ct(lang, 'label'))}</button></form>`);
  }
  const notes = c.notes.length
    ? `<ul>${c.notes.map((n) => `<li><strong>${e(n.author)}</strong> <span class="muted">${e(consoleTime(n.createdAt, lang, tz))}</span><div class="pre">${e(n.body)}</div></li>`).join('')}</ul>`
    : `<p class="muted">${e(ct(lang, 'notesEmpty'))}</p>`;
  const notesSection = `<section aria-labelledby="notes"><h2 id="notes">${e(ct(lang, 'notesSection'))}</h2>${notes}
<form method="post" action="${path}/notes" class="stack">${csrfField(viewer)}<label>${e(ct(lang, 'note'))}<br><textarea name="note" required maxlength="4000"></textarea></label><button type="submit">${e(ct(lang, 'addNote'))}</button></form></section>`;
  return `${requestSection}${customerSection}${replySection}<section aria-label="${e(ct(lang, 'colAction'))}">${actions.join('') || `<p class="muted">${e(ctOf(lang, 'status', task.status))}</p>`}</section>${notesSection}`;
}
