import type { Pool, PoolClient } from '../pool';

export type InboxSource =
  | 'twilio-sms'
  | 'twilio-sms-status'
  | 'twilio-whatsapp'
  | 'twilio-whatsapp-status'
  | 'twilio-voice'
  | 'sendgrid-inbound'
  | 'sendgrid-event'
  | 'web-form'
  | 'schedules'
  | 'technician'
  | 'choice'
  | 'twilio-voice-inbound';
export type InboxKind = 'survey-reply' | 'call-outcome' | 'delivery-failed' | 'booking-released' | 'technician-report' | 'technician-chosen' | 'call-step';
/** recorded: kept for the record (a step of a customer's call), nothing to signal. */
export type InboxStatus = 'pending' | 'delivered' | 'late' | 'unmatched' | 'recorded';

export interface InboundEvent {
  source: InboxSource;
  /** The provider's own id for the event, so a provider retry lands on the same row. */
  eventId: string;
  requestId: string | null;
  kind: InboxKind;
  payload: Record<string, unknown>;
  /** Only kept for the record: never signalled (the steps of a customer's call to the centre). */
  recordOnly?: boolean;
}

export interface InboxRow {
  id: number;
  source: InboxSource;
  eventId: string;
  requestId: string | null;
  kind: InboxKind;
  payload: Record<string, unknown>;
  status: InboxStatus;
  receivedAt: Date;
  /** The request's own status in the database (closed requests take no more signals). */
  requestStatus: string | null;
}

type Db = Pool | PoolClient;

/**
 * Stores an inbound event before anything else happens to it. The same event twice is one row:
 * the second call gets the first row back (and `created: false`), whatever became of it.
 */
export async function acceptInbound(db: Db, event: InboundEvent): Promise<{ id: number; status: InboxStatus; created: boolean }> {
  const status: InboxStatus = event.recordOnly ? 'recorded' : event.requestId ? 'pending' : 'unmatched';
  const inserted = await db.query<{ id: string; status: InboxStatus }>(
    `INSERT INTO inbox (source, event_id, request_id, kind, payload, status) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (source, event_id) DO NOTHING RETURNING id, status`,
    [event.source, event.eventId, event.requestId, event.kind, JSON.stringify(event.payload), status],
  );
  const row = inserted.rows[0];
  if (row) return { id: Number(row.id), status: row.status, created: true };
  const existing = await db.query<{ id: string; status: InboxStatus }>('SELECT id, status FROM inbox WHERE source = $1 AND event_id = $2', [event.source, event.eventId]);
  const found = existing.rows[0];
  if (!found) throw new Error(`inbox row ${event.source}/${event.eventId} vanished`);
  return { id: Number(found.id), status: found.status, created: false };
}

export async function loadInboxRow(db: Db, id: number): Promise<InboxRow | undefined> {
  const { rows } = await db.query(
    `SELECT i.id, i.source, i.event_id, i.request_id, i.kind, i.payload, i.status, i.received_at, r.status AS request_status
       FROM inbox i LEFT JOIN service_requests r ON r.id = i.request_id WHERE i.id = $1`,
    [id],
  );
  const r = rows[0];
  return (
    r && {
      id: Number(r.id),
      source: r.source,
      eventId: r.event_id,
      requestId: r.request_id,
      kind: r.kind,
      payload: r.payload,
      status: r.status,
      receivedAt: r.received_at,
      requestStatus: r.request_status,
    }
  );
}

/** Settles a row: delivered (the workflow has it), late (closed request) or unmatched. */
export async function settleInboxRow(db: Db, id: number, status: Exclude<InboxStatus, 'pending'>): Promise<void> {
  await db.query(
    `UPDATE inbox SET status = $2, attempts = attempts + 1, delivered_at = CASE WHEN $2 = 'delivered' THEN now() END, last_error = NULL WHERE id = $1`,
    [id, status],
  );
}

/** A delivery that did not go through: the row stays pending and is due again after a pause that doubles (1 s … 5 min). */
export async function postponeInboxRow(db: Db, id: number, error: string): Promise<number> {
  const { rows } = await db.query<{ attempts: number }>(
    `UPDATE inbox SET attempts = attempts + 1, last_error = $2,
            next_attempt_at = now() + least(interval '1 second' * power(2, attempts), interval '5 minutes')
      WHERE id = $1 RETURNING attempts`,
    [id, error.slice(0, 500)],
  );
  return rows[0]?.attempts ?? 0;
}

/**
 * Claims the rows that are due for the relay and releases them at once: each is leased (its next
 * attempt moved a minute ahead) in one short statement, so no transaction or row lock is held
 * while Temporal is called, other relays skip them, and a relay that dies mid-way only delays them.
 * A row nobody has tried yet belongs to the webhook that stored it for its first few seconds.
 */
export async function claimDueInboxRows(db: Db, limit: number, leaseSeconds = 60): Promise<number[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE inbox SET next_attempt_at = now() + make_interval(secs => $2)
      WHERE id IN (
        SELECT id FROM inbox
         WHERE status = 'pending' AND next_attempt_at <= now() AND (attempts > 0 OR received_at < now() - interval '10 seconds')
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    [limit, leaseSeconds],
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}
