import type { Client } from '@temporalio/client';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { Pool } from '../../../db/pool';
import { loadInboxRow, postponeInboxRow, settleInboxRow, type InboxRow, type InboxSource, type InboxStatus } from '../../../db/queries/inbox';
import { storeSurveyReply, type InboxReplyPayload } from '../../../db/queries/surveyReplies';
import {
  bookingReleasedSignal,
  callOutcomeSignal,
  jobCompletedSignal,
  surveyDeliveryFailedSignal,
  surveyReplySignal,
  technicianChosenSignal,
  technicianProgressSignal,
} from '../../../workflows/messages';
import type { CallOutcome, ProgressStatus, ReplyChannel } from '../../../workflows/types';
import { signalRequest, type SignalOutcome } from '../../requests/signalRequest';

export interface DeliveryDeps {
  pool: Pool;
  /**
   * Where a delivery's own bookkeeping goes (reading the row back, marking it delivered, late or
   * due again): a few connections apart from the webhooks' pool, so signals finishing in a burst
   * never keep a provider's request waiting for a connection, and whose commits need not wait for
   * the disk, since a lost mark only means the relay signals the row again (see createPool).
   * Defaults to `pool`.
   */
  deliveryPool?: Pool;
  temporal: Client;
  log: Logger;
  /** How long one signal may take before the row is left for the relay (a webhook must answer within 2 s). */
  signalTimeoutMs?: number;
}

/** Leaves the rest of a webhook's 2 s for the database and the answer. */
export const DEFAULT_SIGNAL_DEADLINE_MS = 800;

const REPLY_CHANNEL: Partial<Record<InboxSource, ReplyChannel>> = {
  'twilio-sms': 'sms',
  'twilio-whatsapp': 'whatsapp',
  'twilio-voice': 'voice',
  'twilio-voice-inbound': 'voice',
  'sendgrid-inbound': 'email',
  'web-form': 'web',
};

/**
 * Turns a stored inbox row into its signal. Delivered: the workflow has it. Late: the request is
 * closed, so a reply is stored flagged late and never reopens it. Pending: Temporal did not answer
 * in time; the row is due again after a growing pause and the relay tries again. Nothing here holds
 * a transaction or a row lock while Temporal is called.
 */
export async function deliverInbound(deps: DeliveryDeps, id: number, stored?: InboxRow): Promise<InboxStatus> {
  const row = stored ?? (await loadInboxRow(deps.deliveryPool ?? deps.pool, id));
  if (!row || row.status !== 'pending') return row?.status ?? 'unmatched';
  if (!row.requestId) return settle(deps, row, 'unmatched');
  if (row.requestStatus === 'closed') return settleLate(deps, row);
  const outcome = await signalFor(deps, row);
  if (outcome.status === 'delivered') return settle(deps, row, 'delivered');
  if (outcome.status === 'closed') return settleLate(deps, row);
  const attempts = await postponeInboxRow(deps.deliveryPool ?? deps.pool, id, outcome.reason);
  deps.log.warn({ inboxId: id, attempts, err: outcome.reason }, 'inbox: Temporal did not take the signal; the relay will retry');
  return 'pending';
}

function signalFor(deps: DeliveryDeps, row: InboxRow): Promise<SignalOutcome> {
  const requestId = row.requestId!;
  const eventId = `${row.source}:${row.eventId}`;
  const at = row.receivedAt.toISOString();
  const p = row.payload;
  const deadline = deps.signalTimeoutMs ?? DEFAULT_SIGNAL_DEADLINE_MS;
  const send = <T>(signal: Parameters<typeof signalRequest<T>>[2], payload: T) => signalRequest(deps.temporal, requestId, signal, payload, deadline);
  switch (row.kind) {
    case 'survey-reply':
      return send(surveyReplySignal, { eventId, channel: REPLY_CHANNEL[row.source] ?? 'web', inboxId: row.id, rating: numberOrUndefined(p.rating), at });
    case 'call-outcome':
      return send(callOutcomeSignal, { eventId, callSid: String(p.callSid), outcome: p.outcome as CallOutcome, rating: numberOrUndefined(p.rating), at });
    case 'delivery-failed':
      return send(surveyDeliveryFailedSignal, { eventId, channel: p.channel === 'sms' || p.channel === 'whatsapp' ? p.channel : 'email', reason: String(p.reason) });
    case 'booking-released':
      return send(bookingReleasedSignal, { eventId, technicianId: String(p.technicianId), slotId: numberOrUndefined(p.slotId), reason: String(p.reason) });
    case 'technician-chosen':
      return send(technicianChosenSignal, { eventId, technicianId: String(p.technicianId) });
    case 'technician-report': {
      const reportedAt = typeof p.at === 'string' ? p.at : at;
      return p.status === 'completed'
        ? send(jobCompletedSignal, { eventId, technicianId: String(p.technicianId), resolved: p.resolved === true, at: reportedAt })
        : send(technicianProgressSignal, { eventId, technicianId: String(p.technicianId), status: p.status as ProgressStatus, at: reportedAt });
    }
    case 'call-step':
      // Stored 'recorded', never pending: a step of a customer's call has nothing to signal.
      throw new Error(`inbox row ${row.id}: a call step is never signalled`);
  }
}

async function settleLate(deps: DeliveryDeps, row: InboxRow): Promise<InboxStatus> {
  if (row.kind === 'survey-reply') {
    const p = row.payload as InboxReplyPayload;
    const channel = REPLY_CHANNEL[row.source] ?? 'web';
    await storeSurveyReply(deps.deliveryPool ?? deps.pool, row.requestId!, { eventId: `${row.source}:${row.eventId}`, channel, inboxId: row.id, rating: p.rating, receivedAt: row.receivedAt.toISOString() }, true);
  }
  deps.log.info({ inboxId: row.id, kind: row.kind }, 'inbox: request already closed; kept on record as late');
  return settle(deps, row, 'late');
}

async function settle(deps: DeliveryDeps, row: InboxRow, status: Exclude<InboxStatus, 'pending'>): Promise<InboxStatus> {
  await settleInboxRow(deps.deliveryPool ?? deps.pool, row.id, status);
  return status;
}

/** Signals in flight after their webhooks answered, at most this many at once per process. */
const AFTER_ANSWER_CONCURRENCY = 32;
/** Beyond this many waiting, a row is left to the relay (it picks up rows nobody tried after 10 s). */
const AFTER_ANSWER_MAX_WAITING = 10_000;
const afterAnswer = pLimit(AFTER_ANSWER_CONCURRENCY);
const inFlight = new Set<Promise<unknown>>();

/**
 * Signals a stored inbox row after the webhook has answered, so the provider never waits on
 * Temporal. The row is durable before this is called: if the signal fails, times out, or the process
 * ends first, the row stays pending and the relay delivers it; the signal carries the event's id, so
 * the workflow takes it once even when both try. `stored` is the row as the webhook just wrote it,
 * when it has it, so the delivery does not read it back.
 */
export function deliverAfterAnswer(deps: DeliveryDeps, id: number, stored?: InboxRow): void {
  if (afterAnswer.pendingCount >= AFTER_ANSWER_MAX_WAITING) {
    deps.log.warn({ inboxId: id }, 'inbox: too many signals waiting; the relay will deliver this row');
    return;
  }
  const delivery = afterAnswer(() => deliverInbound(deps, id, stored)).then(
    (status) => deps.log.debug({ inboxId: id, status }, 'inbox: delivered after the answer'),
    (err: unknown) => deps.log.warn({ inboxId: id, err: (err as Error)?.message }, 'inbox: delivery after the answer failed; the relay will retry'),
  );
  inFlight.add(delivery);
  void delivery.finally(() => inFlight.delete(delivery));
}

/** Resolves when every delivery started by deliverAfterAnswer so far has ended (server shutdown). */
export async function deliveriesAfterAnswerSettled(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

const numberOrUndefined = (v: unknown) => (typeof v === 'number' ? v : undefined);
