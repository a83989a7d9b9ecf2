import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findToken, hashToken, issueToken, type TokenRecord } from '../../../db/queries/accessTokens';
import { loadInboxRow, settleInboxRow, type InboxStatus } from '../../../db/queries/inbox';
import { REQUEST_PAGE_LINK_TTL_MS, technicianName } from '../../../db/queries/requestPage';
import { activeVisit } from '../../../db/queries/reservation';
import { chooseTechnician } from '../../requests/signalRequest';
import { loadChoiceView, recordChoice, recordedChoice, releaseChoiceToken, type ChoiceView } from '../../../db/queries/choiceOffers';
import { deliverAfterAnswer, deliverInbound } from '../inbox/deliver';
import type { WebhookDeps } from '../server';
import { choiceAnswer, choiceForm, choiceMessage, visitTime } from '../pages/choicePage';
import { emailAsk } from './choiceEmail';
import { pageLanguage, text, type PageLanguage, type PageText } from '../pages/html';

/**
 * The page answers within 2 s like every webhook. Not even accepted within 0.7 s (Temporal down or
 * hanging): the recorded choice goes on through the inbox. Accepted but the booking not made within
 * 1.2 s (the workflow is still sending the offer, say): the page says it is being booked and links
 * the request page, which shows the booking once made.
 */
const ACCEPT_DEADLINE_MS = 700;
const ANSWER_DEADLINE_MS = 1200;

const ChoiceBody = z.object({ technicianId: z.string().trim().min(1).max(200) });

type Usable = { ok: true; record: TokenRecord; view: ChoiceView };
type Refused = { ok: false; status: number; key: PageText; language: PageLanguage; view?: ChoiceView; requestId?: string };

/**
 * The customer's technician choice (US claims 3, 15, 38-39): a signed single-use link lists this
 * round's candidates with their introductions; the answer is the chooseTechnician update, and the
 * page says what was really booked (or why not), with a link to the customer's request page.
 */
export const choiceRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { token: string } }>('/choose/:token', async (req, reply) => {
      const found = await usableToken(deps, req, req.params.token);
      if (!found.ok) return html(reply, found.status, await refusedPage(deps, found, req.params.token));
      if (found.view.offers.length === 0) return html(reply, 410, choiceMessage(found.view.language, 'choiceNoOffers'));
      return html(reply, 200, choiceForm(found.view, found.record.expiresAt, undefined, await emailAsk(deps, found.record, req.params.token)));
    });

    app.post<{ Params: { token: string } }>('/choose/:token', async (req, reply) => {
      const found = await usableToken(deps, req, req.params.token);
      if (!found.ok) return html(reply, found.status, await refusedPage(deps, found, req.params.token));
      const { view, record } = found;
      const parsed = ChoiceBody.safeParse(req.body ?? {});
      if (!parsed.success) return html(reply, 400, choiceForm(view, record.expiresAt, text(view.language, 'choiceMissing')));
      const chosen = view.offers.find((o) => o.technicianId === parsed.data.technicianId);
      if (!chosen) return html(reply, 400, choiceForm(view, record.expiresAt, text(view.language, 'choiceNotOffered', { id: parsed.data.technicianId })));

      const tokenHash = hashToken(req.params.token);
      // The choice is recorded (token spent, choice in the inbox) before the workflow hears of it,
      // so the page can only ever confirm what was recorded; the relay passes it on if Temporal is down.
      const recorded = await recordChoice(deps.pool, { tokenHash, requestId: record.requestId, technicianId: chosen.technicianId, now: deps.clock() });
      if (recorded === 'used') return html(reply, 409, await usedPage(deps, view, tokenHash, record.requestId));
      if (recorded === 'expired') return html(reply, 410, choiceMessage(view.language, 'choiceExpired'));
      // The choice is an Update: the page shows what was really booked (or why not). When Temporal
      // does not answer, the recorded choice goes on as a signal through the inbox (relay).
      const outcome = await chooseTechnician(deps.temporal, record.requestId, { technicianId: chosen.technicianId }, { updateId: `choice:${tokenHash}`, deadlineMs: ANSWER_DEADLINE_MS, acceptDeadlineMs: ACCEPT_DEADLINE_MS });
      if (outcome.status === 'closed' || outcome.status === 'unavailable') {
        const status = await passOnRecordedChoice(deps, recorded.inboxId, outcome.status);
        if (status === 'late') {
          // No workflow is waiting for this request: nothing was chosen, and the link is given back.
          await releaseChoiceToken(deps.pool, tokenHash);
          return html(reply, 410, choiceMessage(view.language, 'choiceClosed'));
        }
        return html(reply, 202, choiceAnswer(view.language, 'choicePending', { name: chosen.name, time: visitTime(chosen.startsAt, chosen.endsAt, view.timeZone, view.language) }, 'choiceConfirmedTitle', await requestLink(deps, record)));
      }
      if (outcome.status === 'refused') {
        await settleInboxRow(deps.pool, recorded.inboxId, 'late');
        if (outcome.reason === 'not_offered' || outcome.reason === 'no_open_offer') await releaseChoiceToken(deps.pool, tokenHash);
        return html(reply, 409, choiceAnswer(view.language, `refusal_${outcome.reason}` as PageText, { replyPhone: '' }, 'choiceNotBookedTitle', await requestLink(deps, record)));
      }
      await settleInboxRow(deps.pool, recorded.inboxId, 'delivered');
      if (outcome.status === 'accepted') {
        return html(reply, 202, choiceAnswer(view.language, 'choicePending', { name: chosen.name, time: visitTime(chosen.startsAt, chosen.endsAt, view.timeZone, view.language) }, 'choiceConfirmedTitle', await requestLink(deps, record)));
      }
      const result = outcome.result;
      if (result.outcome === 'not_booked') {
        return html(reply, 409, choiceAnswer(view.language, `refusal_${result.reason}` as PageText, { replyPhone: '' }, 'choiceNotBookedTitle', await requestLink(deps, record)));
      }
      const { booking } = result;
      const time = visitTime(new Date(booking.startsAt), new Date(booking.endsAt), view.timeZone, view.language);
      const name = await technicianName(deps.pool, booking.technicianId);
      const link = await requestLink(deps, record);
      const message = result.asChosen
        ? choiceAnswer(view.language, 'choiceBooked', { name, time }, 'choiceBookedTitle', link)
        : choiceAnswer(view.language, 'choiceBookedOther', { chosen: chosen.name, name, time }, 'choiceBookedTitle', link);
      return html(reply, 200, message);
    });
  };

/**
 * The recorded choice goes on as the technicianChosen signal. Temporal said the workflow is gone:
 * delivered now, which finds the request closed. Temporal did not answer: the customer is not kept
 * waiting on it a second time; the signal goes after the page is sent (the relay if it fails),
 * unless the request is closed already, which the database says without Temporal.
 */
async function passOnRecordedChoice(deps: WebhookDeps, inboxId: number, temporal: 'closed' | 'unavailable'): Promise<InboxStatus> {
  if (temporal === 'closed') return deliverInbound(deps, inboxId);
  const row = await loadInboxRow(deps.pool, inboxId);
  if (!row || row.status !== 'pending' || row.requestStatus === 'closed') return deliverInbound(deps, inboxId, row);
  deliverAfterAnswer(deps, inboxId, row);
  return 'pending';
}

/** The answer links the customer's request page (a fresh request-page token), relative to /choose/<token>. */
async function requestLink(deps: WebhookDeps, record: TokenRecord): Promise<string> {
  const token = await issueToken(deps.pool, 'request-page', record.requestId, record.customerId, new Date(deps.clock().getTime() + REQUEST_PAGE_LINK_TTL_MS));
  return `../requests/${token}`;
}

function refusedPage(deps: WebhookDeps, refused: Refused, token: string): Promise<string> | string {
  if (refused.key === 'choiceUsed' && refused.view && refused.requestId) return usedPage(deps, refused.view, hashToken(token), refused.requestId);
  return choiceMessage(refused.language, refused.key);
}

/**
 * A used link names the choice recorded with it, and nothing else: with the time really booked
 * when that technician holds the request's booking (a slot taken meanwhile is booked at the
 * technician's next free time), else the time that was offered.
 */
async function usedPage(deps: WebhookDeps, view: ChoiceView, tokenHash: string, requestId: string): Promise<string> {
  const technicianId = await recordedChoice(deps.pool, tokenHash);
  const offer = view.offers.find((o) => o.technicianId === technicianId);
  if (!offer) return choiceMessage(view.language, 'choiceUsed');
  const booked = await activeVisit(deps.pool, requestId);
  const visit = booked?.technicianId === offer.technicianId ? booked : offer;
  return choiceMessage(view.language, 'choiceUsedWith', { name: offer.name, time: visitTime(visit.startsAt, visit.endsAt, view.timeZone, view.language) });
}

async function usableToken(deps: WebhookDeps, req: FastifyRequest, token: string): Promise<Usable | Refused> {
  const record = token.length <= 100 ? await findToken(deps.pool, token, 'choice') : undefined;
  if (!record) return { ok: false, status: 404, key: 'choiceNotFound', language: acceptLanguage(req) };
  const view = await loadChoiceView(deps.pool, record.requestId);
  const language = acceptLanguage(req, view?.language);
  if (!view) return { ok: false, status: 404, key: 'choiceNotFound', language };
  if (record.usedAt) return { ok: false, status: 409, key: 'choiceUsed', language, view, requestId: record.requestId };
  if (record.expiresAt <= deps.clock()) return { ok: false, status: 410, key: 'choiceExpired', language };
  return { ok: true, record, view };
}

function acceptLanguage(req: FastifyRequest, customer?: string): PageLanguage {
  return pageLanguage(req.query, customer, req.headers['accept-language']);
}

function html(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}
