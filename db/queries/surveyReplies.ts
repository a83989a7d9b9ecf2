import { inTransaction, type Pool } from '../pool';
import { classifyReply } from '../../domain/classification';
import type { ReplyCategory, SurveyReply } from '../../workflows/types';

/** What the durable inbox stored for a reply, normalised by the webhook that received it. */
export interface InboxReplyPayload {
  text?: string;
  rating?: number;
  /** Graded items from the web form: kindness, punctuality, fixed, overall (1-5 each). */
  items?: Record<string, number>;
}

async function readReply(pool: Pool, reply: SurveyReply): Promise<InboxReplyPayload> {
  if (reply.inboxId === undefined) return { rating: reply.rating };
  const { rows } = await pool.query('SELECT payload FROM inbox WHERE id = $1', [reply.inboxId]);
  const payload = (rows[0]?.payload ?? {}) as InboxReplyPayload;
  return { ...payload, rating: payload.rating ?? reply.rating };
}

/**
 * Classifies a reply and stores it per graded item (KR claim 14). Keyed by the inbox row (or, for
 * a keypad answer, by the request's one on-time reply), so storing it again changes nothing.
 * Late replies are stored the same way, flagged, and never count as the answer.
 */
export async function storeSurveyReply(pool: Pool, requestId: string, reply: SurveyReply, late: boolean): Promise<ReplyCategory> {
  const content = await readReply(pool, reply);
  const { category } = classifyReply({
    channel: reply.channel === 'voice' ? 'ivr' : reply.channel,
    text: content.text,
    rating: content.rating,
  });
  await inTransaction(pool, async (db) => {
    const inserted = await db.query(
      `INSERT INTO survey_replies (request_id, inbox_id, channel, rating, text, category, late, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING RETURNING id`,
      [requestId, reply.inboxId ?? null, reply.channel, content.rating ?? null, content.text ?? null, category, late, reply.receivedAt],
    );
    const replyId = inserted.rows[0]?.id;
    if (replyId === undefined) return; // stored by an earlier attempt
    const items = { ...(content.rating !== undefined ? { overall: content.rating } : {}), ...(content.items ?? {}) };
    for (const [item, rating] of Object.entries(items)) {
      await db.query('INSERT INTO survey_reply_items (reply_id, item, rating) VALUES ($1, $2, $3)', [replyId, item, rating]);
    }
  });
  return category;
}
