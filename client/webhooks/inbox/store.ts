import type { Pool, PoolClient } from '../../../db/pool';

export type InboxSource = 'twilio-sms' | 'twilio-sms-status' | 'twilio-voice' | 'sendgrid-inbound' | 'sendgrid-event' | 'web-form' | 'schedules';
export type InboxKind = 'survey-reply' | 'call-outcome' | 'delivery-failed' | 'booking-released';
export type InboxStatus = 'pending' | 'delivered' | 'late' | 'unmatched';

export interface InboundEvent {
  source: InboxSource;
  /** The provider's own id for the event, so a provider retry lands on the same row. */
  eventId: string;
  requestId: string | null;
  kind: InboxKind;
  payload: Record<string, unknown>;
}

/**
 * Stores an inbound event before anything else happens to it. The same event twice is one row:
 * the second call gets the first row back (and `created: false`), whatever became of it.
 */
export async function acceptInbound(db: Pool | PoolClient, event: InboundEvent): Promise<{ id: number; status: InboxStatus; created: boolean }> {
  const status: InboxStatus = event.requestId ? 'pending' : 'unmatched';
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

/** Provider payloads keep what helps an operator, minus anything large (HTML bodies, headers dumps). */
export function trimRaw(raw: Record<string, unknown>, maxChars = 2000): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' && value.length > maxChars) out[key] = `${value.slice(0, maxChars)}…`;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}
