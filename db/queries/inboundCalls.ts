import type { Pool, PoolClient } from '../pool';
import { openReviewTask } from './agentTasks';
import { reviewText } from './surveyReplies';

/** Who a call to the centre is about: a request, its customer and how to speak to them. */
export interface CalledAbout {
  requestId: string;
  customerId: string;
  language: 'ko' | 'en';
  centre: string;
}

/** Twilio's reference to a spoken message, kept with the reply it belongs to. */
export interface RecordingReference {
  sid: string;
  url: string;
  durationSeconds?: number;
  status?: string;
}

export async function calledAbout(pool: Pool, requestId: string): Promise<CalledAbout | undefined> {
  const { rows } = await pool.query(
    `SELECT r.id, r.customer_id, c.language, sc.name AS centre
       FROM service_requests r JOIN customers c ON c.id = r.customer_id JOIN service_centres sc ON sc.id = r.service_centre_id
      WHERE r.id = $1`,
    [requestId],
  );
  const r = rows[0];
  return r && { requestId: r.id, customerId: r.customer_id, language: r.language, centre: r.centre };
}

/**
 * The request a known caller is calling about, by their number alone: their one open request;
 * with none open, their latest closed one (a rating is kept as late; a call-back or opt-out still
 * has its customer). Several open: undefined, the caller keys the reply code.
 */
export async function requestOfCaller(pool: Pool, customerId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ id: string; open: boolean }>(
    `SELECT id, status <> 'closed' AS open FROM service_requests WHERE customer_id = $1 ORDER BY (status <> 'closed') DESC, created_at DESC LIMIT 2`,
    [customerId],
  );
  const [first, second] = rows;
  if (!first) return undefined;
  if (first.open && second?.open) return undefined;
  return first.id;
}

/** The centre whose number was called (its reply line), for the greeting and for unknown callers' tasks. */
export async function centreByPhone(pool: Pool, phoneE164: string): Promise<{ id: string; name: string } | undefined> {
  const { rows } = await pool.query(`SELECT id, name FROM service_centres WHERE reply_phone = $1 OR sender_phone = $1 ORDER BY id LIMIT 1`, [phoneE164]);
  return rows[0] && { id: rows[0].id, name: rows[0].name };
}

/**
 * A message recorded after a keypad rating belongs to that rating's reply: it goes into the inbox
 * row (read when the reply is stored) and onto the reply if it is stored already.
 */
export async function attachRecording(db: PoolClient, replyInboxId: number, requestId: string, recording: RecordingReference): Promise<boolean> {
  const updated = await db.query(
    `UPDATE inbox SET payload = payload || jsonb_build_object('recording', $3::jsonb)
      WHERE id = $1 AND request_id = $2 AND source = 'twilio-voice-inbound' AND kind = 'survey-reply'`,
    [replyInboxId, requestId, JSON.stringify(recording)],
  );
  if (!updated.rowCount) return false;
  // Stored already (the workflow is quicker than the caller's message): it still gets a listener.
  const stored = await db.query(
    `UPDATE survey_replies SET recording = $2::jsonb, needs_review = needs_review OR NOT late WHERE inbox_id = $1
     RETURNING id, request_id, category, confidence, late, text`,
    [replyInboxId, JSON.stringify(recording)],
  );
  const reply = stored.rows[0];
  if (reply && !reply.late) {
    await openReviewTask(db, { requestId: reply.request_id, replyId: Number(reply.id), category: reply.category, confidence: Number(reply.confidence ?? 0), text: reviewText(reply.text, recording) });
  }
  return true;
}

/** Twilio's recording status (completed, absent, failed) and final URL, wherever the recording is kept. */
export async function noteRecordingStatus(db: Pool | PoolClient, recordingSid: string, status: string, url: string | undefined): Promise<void> {
  const change = JSON.stringify({ status, ...(url ? { url } : {}) });
  await db.query(
    `UPDATE inbox SET payload = jsonb_set(payload, '{recording}', (payload->'recording') || $2::jsonb)
      WHERE payload ? 'recording' AND payload->'recording'->>'sid' = $1 AND source = 'twilio-voice-inbound' AND kind = 'survey-reply'`,
    [recordingSid, change],
  );
  await db.query(`UPDATE survey_replies SET recording = recording || $2::jsonb WHERE recording IS NOT NULL AND recording->>'sid' = $1`, [recordingSid, change]);
}
