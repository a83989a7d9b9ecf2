import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { storeSurveyReply, type InboxReplyPayload } from '../../../db/queries/surveyReplies';
import type { Pool, PoolClient } from '../../../db/pool';
import {
  bookingReleasedSignal,
  callOutcomeSignal,
  serviceRequestWorkflowId,
  surveyDeliveryFailedSignal,
  surveyReplySignal,
} from '../../../workflows/messages';
import type { CallOutcome, ReplyChannel } from '../../../workflows/types';
import type { InboxKind, InboxSource, InboxStatus } from './store';

export interface DeliveryDeps {
  pool: Pool;
  temporal: Client;
  log: Logger;
  /** How long one signal may take before the row is left for the relay (a webhook must answer soon). */
  signalTimeoutMs?: number;
}

const REPLY_CHANNEL: Partial<Record<InboxSource, ReplyChannel>> = {
  'twilio-sms': 'sms',
  'twilio-voice': 'voice',
  'sendgrid-inbound': 'email',
  'web-form': 'web',
};

interface InboxRow {
  id: string;
  source: InboxSource;
  event_id: string;
  request_id: string | null;
  kind: InboxKind;
  payload: Record<string, unknown>;
  status: InboxStatus;
  received_at: Date;
  request_status: string | null;
}

/**
 * Turns a stored inbox row into its signal. Delivered: the workflow has it. Late: the request is
 * closed, so a reply is stored flagged late and never reopens it. Pending: Temporal did not answer;
 * the row keeps its place and the relay tries again later. `db` lets the relay update the rows it
 * holds locked; the late reply itself is stored through the pool.
 */
export async function deliverInbound(deps: DeliveryDeps, id: number, db: Pool | PoolClient = deps.pool): Promise<InboxStatus> {
  const { rows } = await db.query<InboxRow>(
    `SELECT i.id, i.source, i.event_id, i.request_id, i.kind, i.payload, i.status, i.received_at, r.status AS request_status
       FROM inbox i LEFT JOIN service_requests r ON r.id = i.request_id WHERE i.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row || row.status !== 'pending') return row?.status ?? 'unmatched';
  if (!row.request_id) return mark(db, id, 'unmatched');
  if (row.request_status === 'closed') return settleLate(deps, db, row);
  try {
    await signal(deps, row);
    return await mark(db, id, 'delivered');
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return settleLate(deps, db, row);
    const attempts = await db.query<{ attempts: number }>(
      `UPDATE inbox SET attempts = attempts + 1, last_error = $2,
              next_attempt_at = now() + least(interval '1 second' * power(2, attempts), interval '5 minutes')
        WHERE id = $1 RETURNING attempts`,
      [id, String((err as Error).message ?? err).slice(0, 500)],
    );
    deps.log.warn({ inboxId: id, attempts: attempts.rows[0]?.attempts, err: (err as Error).message }, 'inbox: Temporal did not take the signal; the relay will retry');
    return 'pending';
  }
}

async function signal(deps: DeliveryDeps, row: InboxRow): Promise<void> {
  const handle = deps.temporal.workflow.getHandle(serviceRequestWorkflowId(row.request_id!));
  const eventId = `${row.source}:${row.event_id}`;
  const at = row.received_at.toISOString();
  const p = row.payload;
  const send = (): Promise<void> => {
    switch (row.kind) {
      case 'survey-reply':
        return handle.signal(surveyReplySignal, { eventId, channel: REPLY_CHANNEL[row.source] ?? 'web', inboxId: Number(row.id), rating: numberOrUndefined(p.rating), at });
      case 'call-outcome':
        return handle.signal(callOutcomeSignal, { eventId, callSid: String(p.callSid), outcome: p.outcome as CallOutcome, rating: numberOrUndefined(p.rating), at });
      case 'delivery-failed':
        return handle.signal(surveyDeliveryFailedSignal, { eventId, channel: p.channel === 'sms' ? 'sms' : 'email', reason: String(p.reason) });
      case 'booking-released':
        return handle.signal(bookingReleasedSignal, { eventId, technicianId: String(p.technicianId), slotId: numberOrUndefined(p.slotId), reason: String(p.reason) });
    }
  };
  await deps.temporal.withAbortSignal(AbortSignal.timeout(deps.signalTimeoutMs ?? 3000), send);
}

async function settleLate(deps: DeliveryDeps, db: Pool | PoolClient, row: InboxRow): Promise<InboxStatus> {
  if (row.kind === 'survey-reply') {
    const p = row.payload as InboxReplyPayload;
    const channel = REPLY_CHANNEL[row.source] ?? 'web';
    await storeSurveyReply(deps.pool, row.request_id!, { eventId: `${row.source}:${row.event_id}`, channel, inboxId: Number(row.id), rating: p.rating, receivedAt: row.received_at.toISOString() }, true);
  }
  deps.log.info({ inboxId: Number(row.id), kind: row.kind }, 'inbox: request already closed; kept on record as late');
  return mark(db, Number(row.id), 'late');
}

async function mark(db: Pool | PoolClient, id: number, status: InboxStatus): Promise<InboxStatus> {
  await db.query(`UPDATE inbox SET status = $2, attempts = attempts + 1, delivered_at = CASE WHEN $2 = 'delivered' THEN now() END, last_error = NULL WHERE id = $1`, [id, status]);
  return status;
}

const numberOrUndefined = (v: unknown) => (typeof v === 'number' ? v : undefined);
