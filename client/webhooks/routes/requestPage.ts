import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findToken, hashToken, issueToken, spendToken, type TokenRecord } from '../../../db/queries/accessTokens';
import { freeTimesFor, loadRequestPageView, technicianName, type RequestPageView } from '../../../db/queries/requestPage';
import type { Booking } from '../../../workflows/types';
import type { RefusalCode } from '../../../workflows/messages';
import { cancelRequest, requestState, rescheduleVisit, type UpdateOutcome } from '../../requests/signalRequest';
import type { WebhookDeps } from '../server';
import { offeredActions, requestAnswer, requestPage } from '../pages/requestPage';
import { visitTime } from '../pages/choicePage';
import { pageLanguage, text, type PageLanguage, type PageText } from '../pages/html';

/** The page waits this long for the workflow's state; without it the page still shows the visit. */
const STATE_DEADLINE_MS = 2000;
/** A person is waiting for the answer to a button, but not for ever. */
export const UPDATE_DEADLINE_MS = 8000;
/** A button shown on the page can be used this long. */
const ACTION_TOKEN_TTL_MS = 24 * 3_600_000;
const DEFAULT_NOTICE_MS = 24 * 3_600_000;
const DEFAULT_HORIZON_MS = 14 * 24 * 3_600_000;

const CancelBody = z.object({ action: z.string().min(1).max(100), reason: z.string().trim().max(500).optional() });
const RescheduleBody = z.object({ action: z.string().min(1).max(100), slot: z.string().regex(/^[^|]{1,200}\|\d{1,18}\|[0-9T:.\-Z+]{10,40}$/) });

type Page = { record: TokenRecord; view: RequestPageView; lang: PageLanguage };

/**
 * The customer's page for one request (linked from the visit notice, the ETA notice and the choice
 * confirmation): the stage in plain words, the visit, the technician, and buttons to move or cancel
 * the visit. The link's token (purpose request-page) opens the page until it expires; each button
 * carries its own single-use token, whose hash is the Update's id, so a form sent twice is one
 * action with one answer.
 */
export const requestPageRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { token: string } }>('/requests/:token', async (req, reply) => {
      const found = await openPage(deps, req, req.params.token);
      if ('status' in found) return html(reply, found.status, found.body);
      const { record, view, lang } = found;
      const state = await requestState(deps.temporal, record.requestId, STATE_DEADLINE_MS);
      const offered = offeredActions(view, state);
      const now = deps.clock();
      const actionExpiry = new Date(Math.min(now.getTime() + ACTION_TOKEN_TTL_MS, record.expiresAt.getTime()));
      const issue = (purpose: 'reschedule' | 'cancel') => issueToken(deps.pool, purpose, record.requestId, record.customerId, actionExpiry);
      const notice = deps.settings.rescheduleNoticeMs ?? DEFAULT_NOTICE_MS;
      const horizon = deps.settings.rescheduleHorizonMs ?? DEFAULT_HORIZON_MS;
      const freeTimes = offered.reschedule
        ? (await freeTimesFor(deps.pool, record.requestId, { start: new Date(now.getTime() + notice), end: new Date(now.getTime() + horizon) }, now)).filter((f) => f.slotId !== view.visit?.slotId)
        : [];
      const forms = {
        rescheduleToken: offered.reschedule ? await issue('reschedule') : undefined,
        cancelToken: offered.cancel ? await issue('cancel') : undefined,
        freeTimes,
      };
      return html(reply, 200, requestPage(lang, req.params.token, view, state, forms));
    });

    app.post<{ Params: { token: string } }>('/requests/:token/cancel', async (req, reply) => {
      const found = await openPage(deps, req, req.params.token);
      if ('status' in found) return html(reply, found.status, found.body);
      const { record, view, lang } = found;
      const parsed = CancelBody.safeParse(req.body ?? {});
      if (!parsed.success) return html(reply, 400, answer(lang, view, 'requestNotDoneTitle', text(lang, 'requestActionUsed'), req.params.token));
      const spent = await spendAction(deps, parsed.data.action, 'cancel', record);
      if (!spent) return html(reply, 409, answer(lang, view, 'requestNotDoneTitle', text(lang, 'requestActionUsed'), req.params.token));
      const reason = parsed.data.reason || 'cancelled by the customer on the request page';
      const outcome = await cancelRequest(deps.temporal, record.requestId, { reason }, { updateId: `cancel:${hashToken(parsed.data.action)}`, deadlineMs: UPDATE_DEADLINE_MS });
      return respond(reply, lang, view, req.params.token, outcome, async (r) => {
        if (r.outcome !== 'cancelled') return { ok: false, reason: r.reason };
        if (!r.released) return { ok: true, title: 'requestCancelledTitle', message: text(lang, 'requestCancelled') };
        return { ok: true, title: 'requestCancelledTitle', message: text(lang, 'requestCancelledVisit', await visitWords(deps, lang, view, r.released)) };
      });
    });

    app.post<{ Params: { token: string } }>('/requests/:token/reschedule', async (req, reply) => {
      const found = await openPage(deps, req, req.params.token);
      if ('status' in found) return html(reply, found.status, found.body);
      const { record, view, lang } = found;
      const parsed = RescheduleBody.safeParse(req.body ?? {});
      if (!parsed.success) return html(reply, 400, answer(lang, view, 'requestNotDoneTitle', text(lang, 'refusal_in_the_past'), req.params.token));
      const [technicianId, slot, startsAt] = parsed.data.slot.split('|') as [string, string, string];
      if (Number.isNaN(Date.parse(startsAt))) return html(reply, 400, answer(lang, view, 'requestNotDoneTitle', text(lang, 'refusal_in_the_past'), req.params.token));
      const spent = await spendAction(deps, parsed.data.action, 'reschedule', record);
      if (!spent) return html(reply, 409, answer(lang, view, 'requestNotDoneTitle', text(lang, 'requestActionUsed'), req.params.token));
      const to = { technicianId, slotId: Number(slot), startsAt: new Date(startsAt).toISOString() };
      const outcome = await rescheduleVisit(deps.temporal, record.requestId, to, { updateId: `reschedule:${hashToken(parsed.data.action)}`, deadlineMs: UPDATE_DEADLINE_MS });
      return respond(reply, lang, view, req.params.token, outcome, async (r) =>
        r.outcome === 'moved'
          ? { ok: true, title: 'requestMovedTitle', message: text(lang, 'requestMoved', await visitWords(deps, lang, view, r.booking)) }
          : { ok: false, reason: r.reason },
      );
    });
  };

/** The page's link token, still valid, and the request it opens. */
async function openPage(deps: WebhookDeps, req: FastifyRequest, token: string): Promise<Page | { status: number; body: string }> {
  const record = token.length <= 100 ? await findToken(deps.pool, token, 'request-page') : undefined;
  const view = record ? await loadRequestPageView(deps.pool, record.requestId) : undefined;
  const lang = pageLanguage(req.query, view?.language, req.headers['accept-language']);
  if (!record || !view) return { status: 404, body: requestAnswer(lang, 'requestTitle', text(lang, 'requestNotFound')) };
  if (record.expiresAt <= deps.clock()) return { status: 410, body: requestAnswer(lang, 'requestTitle', text(lang, 'requestExpired')) };
  return { record, view, lang };
}

/** A button's token: of this request, of this purpose, spent now (a second use finds it spent). */
async function spendAction(deps: WebhookDeps, action: string, purpose: 'cancel' | 'reschedule', page: TokenRecord): Promise<boolean> {
  const found = await findToken(deps.pool, action, purpose);
  if (!found || found.requestId !== page.requestId) return false;
  return spendToken(deps.pool, action, purpose, deps.clock());
}

async function visitWords(deps: WebhookDeps, lang: PageLanguage, view: RequestPageView, booking: Booking) {
  return { name: await technicianName(deps.pool, booking.technicianId), time: visitTime(new Date(booking.startsAt), new Date(booking.endsAt), view.timeZone, lang) };
}

type Told = { ok: true; title: PageText; message: string } | { ok: false; reason: RefusalCode };

async function respond<R>(reply: FastifyReply, lang: PageLanguage, view: RequestPageView, token: string, outcome: UpdateOutcome<R>, tell: (r: R) => Promise<Told>) {
  const refused = (reason: RefusalCode, status: number) => html(reply, status, answer(lang, view, 'requestNotDoneTitle', refusalText(lang, view, reason), token));
  switch (outcome.status) {
    case 'answered': {
      const told = await tell(outcome.result);
      return told.ok ? html(reply, 200, answer(lang, view, told.title, told.message, token)) : refused(told.reason, 409);
    }
    case 'refused':
      return refused(outcome.reason, 409);
    case 'accepted':
      return html(reply, 202, answer(lang, view, 'requestTitle', text(lang, 'requestAccepted'), token));
    case 'closed':
      return refused('request_closed', 410);
    case 'unavailable':
      return html(reply, 503, answer(lang, view, 'requestNotDoneTitle', text(lang, 'requestUnavailable'), token));
  }
}

export function refusalText(lang: PageLanguage, view: { replyPhone: string }, reason: RefusalCode): string {
  return text(lang, `refusal_${reason}` as PageText, { replyPhone: view.replyPhone });
}

const answer = (lang: PageLanguage, _view: RequestPageView, title: PageText, message: string, token: string) => requestAnswer(lang, title, message, `../${token}`);

function html(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}
