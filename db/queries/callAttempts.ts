import { inTransaction } from '../pool';
import type { CallOutcome } from '../../workflows/types';
import { acceptInbound } from './inbox';

export interface CallOutcomeEvent {
  callSid: string;
  /** Which callback this is (gather, status, amd): with the call SID, the provider event's id. */
  step: 'gather' | 'status' | 'amd';
  outcome: CallOutcome;
  rating?: number;
  raw: Record<string, unknown>;
}

/**
 * Records a call's outcome once. The first decisive callback wins (a keypad answer, then the
 * call's end, arrive for one call); later ones are acknowledged and not signalled. A provider
 * retry of the same callback finds its inbox row again.
 */
export async function recordCallOutcome(pool: Parameters<typeof inTransaction>[0], event: CallOutcomeEvent): Promise<number | undefined> {
  const eventId = `${event.callSid}:${event.step}`;
  return inTransaction(pool, async (db) => {
    const call = await db.query<{ request_id: string; outcome: string | null }>('SELECT request_id, outcome FROM call_attempts WHERE call_sid = $1 FOR UPDATE', [event.callSid]);
    const row = call.rows[0];
    if (!row) return undefined;
    const seen = await db.query<{ id: string }>(`SELECT id FROM inbox WHERE source = 'twilio-voice' AND event_id = $1`, [eventId]);
    if (seen.rows[0]) return Number(seen.rows[0].id);
    if (row.outcome !== null) return undefined;
    await db.query('UPDATE call_attempts SET outcome = $2, rating = $3, ended_at = now() WHERE call_sid = $1', [event.callSid, event.outcome, event.rating ?? null]);
    const accepted = await acceptInbound(db, {
      source: 'twilio-voice',
      eventId,
      requestId: row.request_id,
      kind: 'call-outcome',
      payload: { callSid: event.callSid, outcome: event.outcome, ...(event.rating !== undefined ? { rating: event.rating } : {}), raw: event.raw },
    });
    return accepted.id;
  });
}
