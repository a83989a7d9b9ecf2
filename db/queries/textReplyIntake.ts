import type { Pool } from '../pool';
import type { SmsSender } from './customers';
import type { InboxSource, InboxStatus } from './inbox';

/** How a text reply (SMS or WhatsApp) was matched to a request, or why no one request was named. */
export type TextReplyMatch = 'code' | 'only-open-survey' | 'latest-closed-survey' | 'ambiguous' | 'no-survey' | 'unknown-sender';

export interface TextReplyIntake {
  /** The sender's E.164 number. */
  mobile: string;
  channel: 'sms' | 'whatsapp';
  source: InboxSource;
  eventId: string;
  /** The reply code the text carries, if any. */
  replyCode: string | undefined;
  payload: Record<string, unknown>;
  /** The agent task's summary for an ambiguous reply, around the customer's id. */
  taskSummary: { before: string; after: string };
}

export interface TakenTextReply {
  sender: SmsSender | undefined;
  match: TextReplyMatch;
  /** The inbox row: created now, or the one a provider retry of the same event found. */
  inbox: { id: number; status: InboxStatus; created: boolean; requestId: string | null; receivedAt: Date };
  /** Whether the matched request is closed already (its reply is kept as late). */
  requestClosed: boolean;
}

/**
 * Takes a survey reply on a text channel in ONE round trip to PostgreSQL (the webhook answers right
 * after it): the sender by number, the request the reply answers, the inbox row, and for an
 * ambiguous reply the agent task, in one statement, so all of it is written or none.
 *
 * The request is never a guess (the survey and reminder on that channel say which requests a reply
 * can answer): the request whose reply code the customer typed; else their one open survey (a survey
 * or reminder was sent on that channel, or its send is pending: it may have reached the provider);
 * with no open survey, the latest closed one (the reply is kept as late and changes nothing); with
 * several open surveys and no known code, none ('ambiguous': a person decides, and the task says so).
 * A number we do not know is stored unmatched for a person to read.
 */
export async function takeTextReply(pool: Pool, reply: TextReplyIntake): Promise<TakenTextReply> {
  const { rows } = await pool.query(
    `WITH sender AS (
       SELECT c.id, c.language, c.email_requested, sc.id AS centre_id, sc.name AS centre, sc.reply_phone
         FROM customers c JOIN areas a ON a.code = c.area_code JOIN service_centres sc ON sc.id = a.service_centre_id
        WHERE c.mobile = $1
     ), surveys AS (
       SELECT r.id, r.status <> 'closed' AS open, r.reply_code, max(o.created_at) AS last_sent
         FROM sender s JOIN service_requests r ON r.customer_id = s.id JOIN outbox o ON o.request_id = r.id
        WHERE o.channel = $2 AND o.purpose IN ('survey', 'reminder') AND o.status IN ('sent', 'pending')
        GROUP BY r.id
     ), matched AS (
       SELECT CASE
                WHEN NOT EXISTS (SELECT 1 FROM sender) THEN 'unknown-sender'
                WHEN coded.id IS NOT NULL THEN 'code'
                WHEN open.n = 1 THEN 'only-open-survey'
                WHEN open.n > 1 THEN 'ambiguous'
                WHEN latest.id IS NOT NULL THEN 'latest-closed-survey'
                ELSE 'no-survey'
              END AS how,
              CASE WHEN coded.id IS NOT NULL THEN coded.id WHEN open.n = 1 THEN open.only_id WHEN open.n = 0 THEN latest.id END AS request_id
         FROM (SELECT (SELECT id FROM surveys WHERE reply_code = $3 LIMIT 1) AS id) coded,
              (SELECT count(*) AS n, (array_agg(id))[1] AS only_id FROM surveys WHERE open) open,
              (SELECT (SELECT id FROM surveys ORDER BY last_sent DESC LIMIT 1) AS id) latest
     ), inserted AS (
       INSERT INTO inbox (source, event_id, request_id, kind, payload, status)
       SELECT $4, $5, m.request_id, 'survey-reply', $6, CASE WHEN m.request_id IS NULL THEN 'unmatched' ELSE 'pending' END FROM matched m
       ON CONFLICT (source, event_id) DO NOTHING
       RETURNING id, status, request_id, received_at
     ), task AS (
       INSERT INTO agent_tasks (request_id, service_centre_id, kind, inbox_id, summary)
       SELECT NULL, s.centre_id, 'match_reply', i.id, left($7 || s.id::text || $8, 2000)
         FROM inserted i, sender s, matched m WHERE m.how = 'ambiguous'
       ON CONFLICT DO NOTHING
     )
     SELECT s.id AS customer_id, s.language, s.email_requested, s.centre_id, s.centre, s.reply_phone, m.how,
            COALESCE((SELECT NOT open FROM surveys WHERE id = m.request_id), false) AS request_closed,
            i.id, i.status, i.request_id, i.received_at, i.id IS NOT NULL AS created,
            e.id AS existing_id, e.status AS existing_status, e.request_id AS existing_request_id, e.received_at AS existing_received_at
       FROM matched m
       LEFT JOIN sender s ON true
       LEFT JOIN inserted i ON true
       LEFT JOIN inbox e ON e.source = $4 AND e.event_id = $5`,
    [reply.mobile, reply.channel, reply.replyCode ?? null, reply.source, reply.eventId, JSON.stringify(reply.payload), reply.taskSummary.before, reply.taskSummary.after],
  );
  const r = rows[0];
  const sender: SmsSender | undefined = r.customer_id
    ? { customerId: r.customer_id, language: r.language, centreId: r.centre_id, emailRequested: r.email_requested, centre: r.centre, replyPhone: r.reply_phone }
    : undefined;
  if (r.created) {
    return { sender, match: r.how, requestClosed: r.request_closed, inbox: { id: Number(r.id), status: r.status, created: true, requestId: r.request_id, receivedAt: r.received_at } };
  }
  if (r.existing_id) {
    return {
      sender,
      match: r.how,
      requestClosed: r.request_closed,
      inbox: { id: Number(r.existing_id), status: r.existing_status, created: false, requestId: r.existing_request_id, receivedAt: r.existing_received_at },
    };
  }
  // A retry of the same event raced the first delivery, which committed after this statement began:
  // the row exists now, outside this statement's snapshot.
  const again = await pool.query(`SELECT id, status, request_id, received_at FROM inbox WHERE source = $1 AND event_id = $2`, [reply.source, reply.eventId]);
  const found = again.rows[0];
  if (!found) throw new Error(`inbox row ${reply.source}/${reply.eventId} was neither inserted nor found`);
  return { sender, match: r.how, requestClosed: r.request_closed, inbox: { id: Number(found.id), status: found.status, created: false, requestId: found.request_id, receivedAt: found.received_at } };
}
