import { inTransaction, type Pool } from '../pool';
import { openReviewTask } from './agentTasks';
import { classifyReply } from '../../domain/classification';
import type { ReplyCategory, SurveyReply } from '../../workflows/types';

/** What the durable inbox stored for a reply, normalised by the webhook that received it. */
export interface InboxReplyPayload {
  text?: string;
  rating?: number;
  /** Graded items from the web form: kindness, punctuality, fixed, overall (1-5 each). */
  items?: Record<string, number>;
  /** A spoken message left on the centre's line: Twilio's recording reference. */
  recording?: Record<string, unknown>;
}

/** What the review task shows of a reply: its words, and where to listen to a spoken message. */
export function reviewText(text: string | undefined | null, recording: { url?: unknown } | undefined | null): string {
  const listen = recording && typeof recording.url === 'string' ? `(spoken message: ${recording.url})` : '';
  return [text ?? '', listen].filter(Boolean).join(' ');
}

/** Below this confidence a reply is stored with needs_review and an agent checks its category. */
export const DEFAULT_REVIEW_THRESHOLD = 0.6;

async function readReply(pool: Pool, reply: SurveyReply): Promise<InboxReplyPayload> {
  if (reply.inboxId === undefined) return { rating: reply.rating };
  const { rows } = await pool.query('SELECT payload FROM inbox WHERE id = $1', [reply.inboxId]);
  const payload = (rows[0]?.payload ?? {}) as InboxReplyPayload;
  return { ...payload, rating: payload.rating ?? reply.rating };
}

/**
 * Classifies a reply and stores it per graded item (KR claim 14): the web form's items, or the
 * items an email or SMS answered in words ("친절도 5, 약속시간 3"). Keyed by the inbox row (or, for
 * a keypad answer, by the request's one on-time reply), so storing it again changes nothing.
 * Late replies are stored the same way, flagged, and never count as the answer.
 *
 * An on-time reply classified with less than `reviewThreshold` confidence is stored with
 * needs_review and, in the same transaction, a review task for the centre's agent. The category
 * returned is the classifier's: the workflow (and the incentive) never waits for the review.
 */
export async function storeSurveyReply(
  pool: Pool,
  requestId: string,
  reply: SurveyReply,
  late: boolean,
  reviewThreshold = DEFAULT_REVIEW_THRESHOLD,
): Promise<ReplyCategory> {
  const content = await readReply(pool, reply);
  const classification = classifyReply({
    // A WhatsApp reply reads like an SMS reply (short, a number and a few words).
    channel: reply.channel === 'voice' ? 'ivr' : reply.channel === 'whatsapp' ? 'sms' : reply.channel,
    text: content.text,
    rating: content.rating,
  });
  const { category, confidence } = classification;
  const items: Record<string, number> = { ...(content.items ?? classification.items) };
  const rating = content.rating ?? items.overall;
  if (rating !== undefined) items.overall ??= rating;
  // The classifier cannot hear: a spoken message left on the centre's line always gets a listener.
  const needsReview = !late && (confidence < reviewThreshold || content.recording !== undefined);

  await inTransaction(pool, async (db) => {
    const inserted = await db.query(
      `INSERT INTO survey_replies (request_id, inbox_id, channel, rating, text, category, classified_category, confidence, needs_review, late, received_at, recording)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING RETURNING id`,
      [requestId, reply.inboxId ?? null, reply.channel, rating ?? null, content.text ?? null, category, confidence, needsReview, late, reply.receivedAt, content.recording ? JSON.stringify(content.recording) : null],
    );
    const replyId = inserted.rows[0]?.id;
    if (replyId === undefined) return; // stored by an earlier attempt
    for (const [item, value] of Object.entries(items)) {
      await db.query('INSERT INTO survey_reply_items (reply_id, item, rating) VALUES ($1, $2, $3)', [replyId, item, value]);
    }
    if (needsReview) await openReviewTask(db, { requestId, replyId: Number(replyId), category, confidence, text: reviewText(content.text, content.recording) });
  });
  return category;
}
