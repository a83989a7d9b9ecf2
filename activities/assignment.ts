import { Context } from '@temporalio/activity';
import type { Booking, Candidate } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { sendOnce } from './messaging/outbox';
import { render } from '../domain/messageTemplates';
import { issueToken } from '../db/queries/accessTokens';
import { formatLocal } from './messaging/format';
import { escapeHtml, noticeChannel, sendToCustomer } from './messaging/customerMessage';
import { loadRequestContext } from './requestContext';
import { unknownRecord, unlessUndeliverable } from './errors';
import { inTransaction } from '../db/pool';
import { searchCandidates } from '../db/queries/candidateSearch';
import { moveBooking as moveBookingInDb } from '../db/queries/technicianSlots';
import { reserveVisit } from '../db/queries/reservation';
import { REQUEST_PAGE_LINK_TTL_MS } from '../db/queries/requestPage';
import { msUntilContactAllowed } from '../domain/contactHours';
import { DateTime } from 'luxon';

const MAX_CANDIDATES = 5;

/**
 * Stage 2 (US claims 3, 15, 38-42): find, offer, reserve, dispatch, notify. Who qualifies and the
 * ranking rule are documented with the query in db/queries/candidateSearch.ts.
 *
 * With nobody free, findTechnicianCandidates answers an empty list; the workflow then alerts the
 * centre's supervisor once and searches again as technicians register new slots.
 */
export function createAssignmentActivities(deps: ActivityDeps) {
  const { pool, gateways, clock, log, settings } = deps;
  async function findTechnicianCandidates({ requestId }: { requestId: string }): Promise<Candidate[]> {
    const req = await pool.query(
      'SELECT product_field, area_code, lower(wanted_during) AS starts, upper(wanted_during) AS ends FROM service_requests WHERE id = $1',
      [requestId],
    );
    const r = req.rows[0];
    if (!r) throw unknownRecord(`service request ${requestId} is not registered`);
    const found = await searchCandidates(pool, {
      field: r.product_field,
      areaCode: r.area_code,
      window: { start: r.starts, end: r.ends },
      now: clock(),
      limit: MAX_CANDIDATES,
    });
    const candidates: Candidate[] = found.map((c) => ({
      technicianId: c.technicianId,
      slotId: c.slotId,
      startsAt: c.startsAt.toISOString(),
      endsAt: c.endsAt.toISOString(),
    }));
    // The choice page reads the offers; it must never see half of a round.
    await inTransaction(pool, async (db) => {
      await db.query('DELETE FROM candidate_offers WHERE request_id = $1', [requestId]);
      await db.query(
        `INSERT INTO candidate_offers (request_id, technician_id, slot_id, starts_at, rank)
         SELECT $1, c.technician_id, c.slot_id, c.starts_at, c.rank
           FROM unnest($2::text[], $3::bigint[], $4::timestamptz[]) WITH ORDINALITY AS c(technician_id, slot_id, starts_at, rank)`,
        [requestId, candidates.map((c) => c.technicianId), candidates.map((c) => c.slotId), candidates.map((c) => c.startsAt)],
      );
    });
    return candidates;
  }

  /** Sends the customer a link to a page listing the candidates with their introductions. */
  async function offerTechnicianChoice(args: { requestId: string; candidates: Candidate[]; expiresInMs: number }) {
    const ctx = await loadRequestContext(pool, args.requestId);
    const expiresAt = new Date(clock().getTime() + args.expiresInMs);
    const round = offerRound(args.candidates);
    const channel = noticeChannel(ctx);
    if (!channel) return { offered: false };
    const token = await issueToken(pool, 'choice', ctx.requestId, ctx.customerId, expiresAt);
    const text = render(ctx.language, 'choiceSms', {
      centre: ctx.centre.name,
      product: ctx.product,
      deadline: formatLocal(expiresAt, ctx.timeZone, ctx.language),
      link: `${settings.publicBaseUrl}/choose/${token}`,
    });
    const sent = await unlessUndeliverable(log, 'technician choice', () =>
      sendToCustomer(deps, ctx, { channel, idempotencyKey: `${ctx.workflowId}:technician-choice:${round}`, purpose: 'technician-choice', text }),
    );
    // Undeliverable: the choice times out and the best candidate is taken.
    return { offered: sent !== undefined };
  }

  /**
   * Books the customer's choice (or, after the time limit, the best candidate), falling back to the
   * same technician's next free slot inside the wanted window when the offered one was taken
   * meanwhile, and only then to the other candidates in order (db/queries/reservation.ts). The
   * booking carries the times really booked, which the dispatch and the visit notice announce.
   * Null only when nobody could be booked: the workflow then searches and offers again.
   */
  async function reserveTechnicianSlot({ requestId, candidates }: { requestId: string; candidates: Candidate[] }): Promise<Booking | null> {
    const visit = await reserveVisit(pool, {
      requestId,
      candidates,
      now: clock(),
      onLostRace: ({ technicianId, offeredSlotId }) =>
        log.info({ requestId, technicianId, slotId: offeredSlotId }, "slot taken by another request; trying the technician's next free slot"),
    });
    if (!visit) return null;
    const offered = candidates.find((c) => c.technicianId === visit.technicianId);
    if (offered && offered.slotId !== visit.slotId) {
      log.info({ requestId, technicianId: visit.technicianId, offeredSlotId: offered.slotId, slotId: visit.slotId }, "offered slot taken: booked the technician's next free slot");
    }
    return { technicianId: visit.technicianId, slotId: visit.slotId, startsAt: visit.startsAt.toISOString(), endsAt: visit.endsAt.toISOString() };
  }

  /** Sends the job and the customer's handling guidance to the technician's terminal (US claims 16-18). */
  async function dispatchJob({ requestId, booking }: { requestId: string; booking: Booking }) {
    const ctx = await loadRequestContext(pool, requestId);
    const { rows } = await pool.query(
      `SELECT t.name, t.phone, t.email, t.terminal_channel, sc.label, sc.guidance_en, sc.guidance_ko
         FROM technicians t, sensitivity_classes sc WHERE t.id = $1 AND sc.code = $2`,
      [booking.technicianId, ctx.sensitivityClass],
    );
    const t = rows[0];
    const vars = {
      requestRef: requestId.slice(0, 8),
      visitTime: formatLocal(new Date(booking.startsAt), ctx.timeZone, ctx.language),
      area: ctx.areaName,
      product: ctx.product,
      fault: ctx.fault,
      sensitivity: t.label,
      guidance: ctx.language === 'ko' ? t.guidance_ko : t.guidance_en,
      progressLink: `${settings.publicBaseUrl}/technicians/jobs/${requestId}/progress`,
    };
    const text = render(ctx.language, 'dispatchText', vars);
    const subject = render(ctx.language, 'dispatchSubject', vars);
    const key = `${ctx.workflowId}:dispatch:${booking.slotId}`;
    const send = () =>
      t.terminal_channel === 'sms'
        ? sendOnce(pool, log, { idempotencyKey: key, requestId, channel: 'sms', purpose: 'dispatch', recipient: t.phone, sender: ctx.centre.senderPhone, body: { text }, mode: gateways.sms.mode }, () =>
            gateways.sms.sendSms({ to: t.phone, from: ctx.centre.senderPhone, body: text }),
          )
        : sendOnce(pool, log, { idempotencyKey: key, requestId, channel: 'email', purpose: 'dispatch', recipient: t.email, sender: ctx.centre.senderEmail, body: { subject, text }, mode: gateways.email.mode }, () =>
            gateways.email.sendEmail({ to: t.email, from: { email: ctx.centre.senderEmail, name: ctx.centre.senderName }, replyTo: ctx.centre.agentEmail, subject, text, html: `<pre>${escapeHtml(text)}</pre>` }),
          );
    if ((await unlessUndeliverable(log, 'dispatch', send)) === undefined) {
      // The technician's terminal refuses messages: the centre must reach them another way.
      await pool.query(
        `INSERT INTO escalations (request_id, kind, detail) VALUES ($1, 'dispatch_failed', $2) ON CONFLICT (request_id, kind) DO NOTHING`,
        [requestId, `the job could not be sent to technician ${booking.technicianId}'s ${t.terminal_channel}; call them`],
      );
    }
  }

  /** Tells the customer in advance when the technician will come (US claims 19-20). */
  async function sendVisitNotice({ requestId, booking }: { requestId: string; booking: Booking }) {
    const ctx = await loadRequestContext(pool, requestId);
    const { rows } = await pool.query('SELECT name FROM technicians WHERE id = $1', [booking.technicianId]);
    const channel = noticeChannel(ctx);
    if (channel) {
      const text = render(ctx.language, 'visitNoticeSms', {
        centre: ctx.centre.name,
        technician: rows[0]?.name ?? booking.technicianId,
        visitTime: formatLocal(new Date(booking.startsAt), ctx.timeZone, ctx.language),
        product: ctx.product,
        replyPhone: ctx.centre.replyPhone,
        link: await requestPageLink(ctx.requestId, ctx.customerId),
        // No email address on file: the notice asks for one (a reply with it is stored, see inbound SMS).
        askEmail: ctx.emailRequested && !ctx.email ? `\n${render(ctx.language, 'askEmailSms', {}).trim()}` : '',
      });
      await unlessUndeliverable(log, 'visit notice', () =>
        sendToCustomer(deps, ctx, { channel, idempotencyKey: `${ctx.workflowId}:visit-notice:${booking.slotId}`, purpose: 'visit-notice', text }),
      );
    }
  }

  /** A link to the customer's request page (see client/webhooks/routes/requestPage.ts). */
  async function requestPageLink(requestId: string, customerId: string): Promise<string> {
    const token = await issueToken(pool, 'request-page', requestId, customerId, new Date(clock().getTime() + REQUEST_PAGE_LINK_TTL_MS));
    return `${settings.publicBaseUrl}/requests/${token}`;
  }

  /**
   * Moves the visit (a reschedule or an operator's reassignment): the old booking released and the
   * new one held in one transaction, or null when the slot was taken (nothing changed).
   */
  async function moveBooking(args: { requestId: string; from: Booking; to: { technicianId: string; slotId?: number } }): Promise<Booking | null> {
    const moved = await moveBookingInDb(pool, { requestId: args.requestId, to: args.to, now: clock() });
    if (!moved) {
      log.info({ requestId: args.requestId, technicianId: args.to.technicianId, slotId: args.to.slotId }, 'visit not moved: the slot is taken or the technician has no free slot');
      return null;
    }
    return { technicianId: moved.technicianId, slotId: moved.slotId, startsAt: new Date(moved.startsAt).toISOString(), endsAt: new Date(moved.endsAt).toISOString() };
  }

  /**
   * The technician has set out: the customer learns by when to expect them (the visit's start, or
   * its end once the start has passed). Only within contact hours: an ETA is no use the next
   * morning, so outside them none is sent.
   */
  async function sendEtaNotice({ requestId, booking }: { requestId: string; booking: Booking }): Promise<{ sent: boolean }> {
    const ctx = await loadRequestContext(pool, requestId);
    const now = clock();
    // An ETA is a text message: a customer without a mobile number (or who refused SMS) gets none.
    if (!ctx.mobile || ctx.optedOut.has('sms')) return { sent: false };
    if (msUntilContactAllowed(now, ctx.timeZone, settings.contactHours.start, settings.contactHours.end) > 0) {
      log.info({ requestId }, 'technician en route outside contact hours: no ETA notice');
      return { sent: false };
    }
    const { rows } = await pool.query('SELECT name FROM technicians WHERE id = $1', [booking.technicianId]);
    const start = new Date(booking.startsAt);
    const eta = start > now ? start : new Date(booking.endsAt);
    const text = render(ctx.language, 'etaSms', {
      centre: ctx.centre.name,
      technician: rows[0]?.name ?? booking.technicianId,
      product: ctx.product,
      eta: DateTime.fromJSDate(eta, { zone: ctx.timeZone }).toFormat('HH:mm'),
      link: await requestPageLink(ctx.requestId, ctx.customerId),
    });
    const sent = await unlessUndeliverable(log, 'eta notice', () =>
      sendToCustomer(deps, ctx, { channel: 'sms', idempotencyKey: `${ctx.workflowId}:eta-notice:${booking.slotId}`, purpose: 'eta-notice', text }),
    );
    return { sent: sent !== undefined };
  }

  return { findTechnicianCandidates, offerTechnicianChoice, reserveTechnicianSlot, moveBooking, dispatchJob, sendVisitNotice, sendEtaNotice };
}

/**
 * Which offer this is, for the message's idempotency key: the same across retries of one offer, new
 * for every round. A later round can list exactly the candidates of an earlier one (slots freed
 * meanwhile), so the list itself is no key: the new link would never be sent. Within Temporal the
 * scheduled activity's id (and run) is that key; called directly (tests), the candidate list is.
 */
function offerRound(candidates: Candidate[]): string {
  const list = candidates.map((c) => `${c.technicianId}@${c.slotId}`).join(',');
  let info;
  try {
    info = Context.current().info;
  } catch {
    return list;
  }
  return `${info.workflowExecution?.runId ?? ""}:${info.activityId}`;
}
