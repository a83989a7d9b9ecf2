import { inTransaction, type Pool } from '../pool';
import type { CallOutcome } from '../../workflows/types';
import { acceptInbound } from './inbox';

export interface CallOutcomeEvent {
  callSid: string;
  /** Which callback this is (gather, status): with the call SID, the provider event's id. */
  step: 'gather' | 'status';
  outcome: CallOutcome;
  rating?: number;
  raw: Record<string, unknown>;
}

export interface SurveyCall {
  requestId: string;
  language: 'ko' | 'en';
  centre: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The survey call a callback is about. Its row is written after the provider placed the call, so
 * a callback can come first: the request id in the (signed) callback URL then records it here.
 */
export async function surveyCall(pool: Pool, callSid: string, requestIdFromUrl?: string): Promise<SurveyCall | undefined> {
  if (requestIdFromUrl && UUID.test(requestIdFromUrl)) {
    await pool.query(
      `INSERT INTO call_attempts (call_sid, request_id) SELECT $1, id FROM service_requests WHERE id = $2 ON CONFLICT (call_sid) DO NOTHING`,
      [callSid, requestIdFromUrl],
    );
  }
  const { rows } = await pool.query<{ request_id: string; language: 'ko' | 'en'; centre: string }>(
    `SELECT ca.request_id, c.language, sc.name AS centre
       FROM call_attempts ca JOIN service_requests r ON r.id = ca.request_id
       JOIN customers c ON c.id = r.customer_id JOIN service_centres sc ON sc.id = r.service_centre_id
      WHERE ca.call_sid = $1`,
    [callSid],
  );
  const r = rows[0];
  return r && { requestId: r.request_id, language: r.language, centre: r.centre };
}

/**
 * Keeps the asynchronous answering-machine verdict without deciding anything: it can say
 * "machine" while a person listens and then presses a key. The call's end decides (below).
 */
export async function noteMachineVerdict(pool: Pool, callSid: string, answeredBy: string): Promise<void> {
  await pool.query('UPDATE call_attempts SET answered_by = $2 WHERE call_sid = $1', [callSid, answeredBy.slice(0, 40)]);
}

/**
 * Records a call's outcome once. The first decisive callback wins (a keypad answer, then the
 * call's end, arrive for one call); a call that ends without a key after a machine verdict is the
 * machine outcome. A key the customer pressed is their answer even after an earlier status, so it
 * is always stored. A provider retry of the same callback finds its inbox row again (`created`
 * false: the first callback's delivery, or the relay, passes it on).
 */
export async function recordCallOutcome(pool: Pool, event: CallOutcomeEvent): Promise<{ id: number; created: boolean } | undefined> {
  const eventId = `${event.callSid}:${event.step}`;
  return inTransaction(pool, async (db) => {
    const call = await db.query<{ request_id: string; outcome: string | null; answered_by: string | null }>(
      'SELECT request_id, outcome, answered_by FROM call_attempts WHERE call_sid = $1 FOR UPDATE',
      [event.callSid],
    );
    const row = call.rows[0];
    if (!row) return undefined;
    const seen = await db.query<{ id: string }>(`SELECT id FROM inbox WHERE source = 'twilio-voice' AND event_id = $1`, [eventId]);
    if (seen.rows[0]) return { id: Number(seen.rows[0].id), created: false };
    const keyed = event.step === 'gather';
    const decidedByKey = row.outcome === 'answered' || row.outcome === 'callback_requested';
    if (row.outcome !== null && !(keyed && !decidedByKey)) return undefined;
    const machine = row.answered_by !== null && (row.answered_by.startsWith('machine') || row.answered_by === 'fax');
    // Hung up without a key after a machine verdict: that was the machine, not a refusal.
    const outcome: CallOutcome = event.step === 'status' && event.outcome === 'refused' && machine ? 'machine' : event.outcome;
    await db.query('UPDATE call_attempts SET outcome = $2, rating = $3, ended_at = now() WHERE call_sid = $1', [event.callSid, outcome, event.rating ?? null]);
    const accepted = await acceptInbound(db, {
      source: 'twilio-voice',
      eventId,
      requestId: row.request_id,
      kind: 'call-outcome',
      payload: {
        callSid: event.callSid,
        outcome,
        ...(event.rating !== undefined ? { rating: event.rating } : {}),
        ...(row.outcome !== null ? { after: row.outcome } : {}),
        raw: event.raw,
      },
    });
    return { id: accepted.id, created: accepted.created };
  });
}
