import { inTransaction, type Pool } from '../pool';
import { logPersonalDataAccess } from './consoleAccessLog';

/** An inbound message nobody could match to a request, as an operator reads it. */
export interface UnmatchedMessage {
  id: number;
  source: string;
  kind: string;
  text: string | null;
  rating: number | null;
  /** Who sent it, when the provider said: the SMS number or the email sender. */
  sender: string | null;
  receivedAt: Date;
}

/**
 * The messages nobody could match, oldest first. Their text and sender are personal data, so each
 * one shown is logged for the operator, in the same transaction as the read.
 */
export async function readUnmatchedMessages(pool: Pool, input: { username: string; limit?: number }): Promise<UnmatchedMessage[]> {
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query(
      `SELECT id, source, kind, payload, received_at FROM inbox WHERE status = 'unmatched' ORDER BY received_at, id LIMIT $1`,
      [input.limit ?? 100],
    );
    const messages = rows.map((r) => toMessage(r));
    await logPersonalDataAccess(db, messages.map((m) => ({ username: input.username, what: 'unmatched_message', inboxId: m.id })));
    return messages;
  });
}

function toMessage(r: { id: string; source: string; kind: string; payload: Record<string, unknown>; received_at: Date }): UnmatchedMessage {
  const p = r.payload ?? {};
  const raw = (p.raw ?? {}) as Record<string, unknown>;
  const sender = [raw.From, raw.from, p.from, p.sender].find((v) => typeof v === 'string' && v.trim() !== '') as string | undefined;
  return {
    id: Number(r.id),
    source: r.source,
    kind: r.kind,
    text: typeof p.text === 'string' ? p.text : null,
    rating: typeof p.rating === 'number' ? p.rating : null,
    sender: sender ?? null,
    receivedAt: r.received_at,
  };
}

export type Assignment =
  | { outcome: 'assigned' }
  /** Someone already assigned it, or it was never unmatched. */
  | { outcome: 'not_unmatched'; requestId: string | null; assignedBy: string | null }
  | { outcome: 'not_found' }
  | { outcome: 'no_such_request' };

/**
 * Gives an unmatched message its request. One conditional UPDATE, so two operators assigning the
 * same message at once cannot both do it; the row becomes pending, due at once, and is then
 * delivered like any inbox row (by the caller, or the relay if Temporal does not answer).
 */
export async function assignUnmatchedMessage(pool: Pool, input: { inboxId: number; requestId: string; username: string }): Promise<Assignment> {
  // The message's match_reply task (an SMS reply with several open surveys) is settled by the
  // same statement: the assignment is its answer.
  const { rows: assigned } = await pool.query(
    `WITH assigned AS (
       UPDATE inbox SET request_id = $2, status = 'pending', assigned_by = $3, assigned_at = now(), next_attempt_at = now(), last_error = NULL
        WHERE id = $1 AND status = 'unmatched' AND request_id IS NULL AND EXISTS (SELECT 1 FROM service_requests WHERE id = $2)
        RETURNING id),
     settled AS (
       UPDATE agent_tasks SET status = 'closed', assignee = COALESCE(assignee, $3), taken_at = COALESCE(taken_at, now()),
              resolution = 'assigned in the console to request ' || $2::text, closed_at = now()
        WHERE inbox_id IN (SELECT id FROM assigned) AND status <> 'closed')
     SELECT id FROM assigned`,
    [input.inboxId, input.requestId, input.username],
  );
  if (assigned.length === 1) return { outcome: 'assigned' };
  const { rows } = await pool.query(`SELECT request_id, assigned_by, status FROM inbox WHERE id = $1`, [input.inboxId]);
  if (!rows[0]) return { outcome: 'not_found' };
  if (rows[0].status !== 'unmatched') return { outcome: 'not_unmatched', requestId: rows[0].request_id, assignedBy: rows[0].assigned_by };
  return { outcome: 'no_such_request' };
}
