import type { Pool, PoolClient } from '../pool';
import { GRADED_ITEMS } from '../../domain/classification/gradedItems';

/**
 * The satisfaction report (KR paragraphs 53, 63-64), computed in SQL so it costs the same for ten
 * replies as for a million. Answers are counted by when they arrived, surveys by when they went
 * out; both as calendar dates in the report's time zone, `to` exclusive.
 */
export interface StatisticsFilter {
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, exclusive. */
  to: string;
  /** IANA zone the dates and months are read in. */
  timeZone: string;
  centreId?: string;
}

export const REPLY_CATEGORIES = ['repeat_failure', 'usage_question', 'complaint', 'delighted', 'satisfied'] as const;
export const SURVEY_CHANNELS = ['voice', 'sms', 'email', 'whatsapp'] as const;
export const REPLY_CHANNELS = ['voice', 'sms', 'email', 'whatsapp', 'web'] as const;

export interface ReplyRateRow {
  channel: string;
  /** Requests a survey went out to on this channel. */
  surveyed: number;
  /** Of those, requests whose on-time answer is credited to this channel. */
  replied: number;
  replyRatePct: number | null;
}

export interface RatingRow {
  key: string | null;
  label: string;
  replies: number;
  ratedReplies: number;
  averageRating: number | null;
  csatPct: number | null;
  /** Average per graded item (kindness, punctuality, fixed, overall, ...). */
  items: Record<string, number>;
}

export interface StatisticsReport {
  period: { from: string; to: string; timeZone: string };
  centreId: string | null;
  summary: {
    surveyed: number;
    replied: number;
    replyRatePct: number | null;
    replies: number;
    ratedReplies: number;
    averageRating: number | null;
    csatPct: number | null;
  };
  replyRateByChannel: ReplyRateRow[];
  repliesByReplyChannel: { channel: string; replies: number }[];
  categoryMix: { category: string; replies: number; sharePct: number | null }[];
  /** Average per graded item over every on-time answer that rated it (kindness, punctuality, fixed, overall, ...). */
  itemAverages: { item: string; replies: number; averageRating: number }[];
  ratings: {
    byTechnician: RatingRow[];
    byCentre: RatingRow[];
    byProductField: RatingRow[];
    byMonth: RatingRow[];
  };
}

// $1 from, $2 to, $3 time zone, $4 centre or null: every query below takes the same parameters.
const LOWER = `(($1::date)::timestamp AT TIME ZONE $3::text)`;
const UPPER = `(($2::date)::timestamp AT TIME ZONE $3::text)`;
const CENTRE = (column: string) => `($4::text IS NULL OR ${column} = $4)`;

const FACTS = `
  facts AS (
    SELECT * FROM survey_reply_facts
    WHERE received_at >= ${LOWER} AND received_at < ${UPPER} AND ${CENTRE('service_centre_id')}
  )`;

// CSAT: share of rated answers rated 4 or 5.
const CSAT = `round(100.0 * count(*) FILTER (WHERE rating >= 4) / NULLIF(count(rating), 0), 1)::float8`;
const AVERAGE = `round(avg(rating), 2)::float8`;

// Survey calls and survey messages that actually went out; reminders are not surveys.
const SURVEYS_SENT = `
    FROM outbox o JOIN service_requests r ON r.id = o.request_id
    WHERE o.purpose IN ('survey', 'survey-call') AND o.status = 'sent'
      AND o.sent_at >= ${LOWER} AND o.sent_at < ${UPPER} AND ${CENTRE('r.service_centre_id')}`;

/**
 * Surveys sent per channel against the answers they earned. An answer is credited to the channel it
 * came in on when a survey went out there, otherwise to the last survey message before it (a web
 * form answer belongs to the SMS or email that carried the link).
 */
const REPLY_RATE_SQL = `
  WITH surveyed AS (
    SELECT o.request_id, o.channel, bool_or(o.purpose = 'survey') AS is_message, max(o.sent_at) AS last_sent_at
    ${SURVEYS_SENT}
    GROUP BY o.request_id, o.channel
  ),
  credited AS (
    SELECT sr.request_id,
           COALESCE(
             (SELECT s.channel FROM surveyed s WHERE s.request_id = sr.request_id AND s.channel = sr.channel),
             (SELECT s.channel FROM surveyed s WHERE s.request_id = sr.request_id
               ORDER BY s.is_message DESC, (s.last_sent_at <= sr.received_at) DESC, s.last_sent_at DESC LIMIT 1)
           ) AS channel
    FROM survey_replies sr
    WHERE NOT sr.late AND sr.request_id IN (SELECT request_id FROM surveyed)
  )
  SELECT s.channel,
         count(*)::int AS surveyed,
         count(c.request_id)::int AS replied,
         round(100.0 * count(c.request_id) / count(*), 1)::float8 AS reply_rate_pct
  FROM surveyed s LEFT JOIN credited c ON c.request_id = s.request_id AND c.channel = s.channel
  GROUP BY s.channel
  ORDER BY array_position($5::text[], s.channel)`;

// A request surveyed by call and then by SMS is one request in the total, not two.
const SURVEY_TOTAL_SQL = `
  WITH surveyed AS (
    SELECT DISTINCT o.request_id
    ${SURVEYS_SENT}
  ),
  answered AS (
    SELECT s.request_id, EXISTS (SELECT 1 FROM survey_replies sr WHERE sr.request_id = s.request_id AND NOT sr.late) AS replied
    FROM surveyed s
  )
  SELECT count(*)::int AS surveyed, count(*) FILTER (WHERE replied)::int AS replied,
         round(100.0 * count(*) FILTER (WHERE replied) / NULLIF(count(*), 0), 1)::float8 AS reply_rate_pct
  FROM answered`;

const SUMMARY_SQL = `
  WITH ${FACTS}
  SELECT count(*)::int AS replies, count(rating)::int AS rated_replies, ${AVERAGE} AS average_rating, ${CSAT} AS csat_pct
  FROM facts`;

const REPLY_CHANNEL_SQL = `
  WITH ${FACTS}
  SELECT ch.channel, count(f.reply_id)::int AS replies
  FROM unnest($5::text[]) WITH ORDINALITY AS ch(channel, ord)
  LEFT JOIN facts f ON f.channel = ch.channel
  GROUP BY ch.channel, ch.ord ORDER BY ch.ord`;

const CATEGORY_SQL = `
  WITH ${FACTS}
  SELECT c.category, count(f.reply_id)::int AS replies,
         round(100.0 * count(f.reply_id) / NULLIF(sum(count(f.reply_id)) OVER (), 0), 1)::float8 AS share_pct
  FROM unnest($5::text[]) WITH ORDINALITY AS c(category, ord)
  LEFT JOIN facts f ON f.category = c.category
  GROUP BY c.category, c.ord ORDER BY c.ord`;

// The survey's own items first, in its order; any other item a reply graded after them.
const ITEMS_SQL = `
  WITH ${FACTS}
  SELECT i.item, count(*)::int AS replies, round(avg(i.rating), 2)::float8 AS average_rating
  FROM facts f JOIN survey_reply_items i ON i.reply_id = f.reply_id
  GROUP BY i.item
  ORDER BY array_position($5::text[], i.item) NULLS LAST, i.item`;

/** How each breakdown keys and names its rows; fixed SQL fragments, never user input. */
const DIMENSIONS = {
  byTechnician: { key: 'f.technician_id', label: `COALESCE((SELECT name FROM technicians WHERE id = k.key), '(no technician)')`, order: 'label, k.key' },
  byCentre: { key: 'f.service_centre_id', label: `COALESCE((SELECT name FROM service_centres WHERE id = k.key), k.key)`, order: 'label, k.key' },
  byProductField: { key: 'f.product_field', label: `COALESCE((SELECT name FROM product_fields WHERE code = k.key), k.key)`, order: 'label, k.key' },
  byMonth: { key: `to_char(f.received_at AT TIME ZONE $3::text, 'YYYY-MM')`, label: 'k.key', order: 'k.key' },
} as const;

const ratingSql = ({ key, label, order }: (typeof DIMENSIONS)[keyof typeof DIMENSIONS]) => `
  WITH ${FACTS},
  per_key AS (
    SELECT ${key} AS key, count(*)::int AS replies, count(rating)::int AS rated_replies,
           ${AVERAGE} AS average_rating, ${CSAT} AS csat_pct
    FROM facts f GROUP BY 1
  ),
  per_item AS (
    SELECT ${key} AS key, i.item, round(avg(i.rating), 2)::float8 AS average
    FROM facts f JOIN survey_reply_items i ON i.reply_id = f.reply_id
    GROUP BY 1, 2
  )
  SELECT k.key, ${label} AS label, k.replies, k.rated_replies, k.average_rating, k.csat_pct,
         COALESCE((SELECT jsonb_object_agg(p.item, p.average ORDER BY p.item) FROM per_item p WHERE p.key IS NOT DISTINCT FROM k.key), '{}'::jsonb) AS items
  FROM per_key k
  ORDER BY ${order}`;

const toRatingRow = (r: Record<string, unknown>): RatingRow => ({
  key: r.key as string | null,
  label: r.label as string,
  replies: r.replies as number,
  ratedReplies: r.rated_replies as number,
  averageRating: r.average_rating as number | null,
  csatPct: r.csat_pct as number | null,
  items: r.items as Record<string, number>,
});

export async function statisticsReport(pool: Pool, filter: StatisticsFilter): Promise<StatisticsReport> {
  const client = await pool.connect();
  try {
    // One snapshot for every section, so the totals agree with the breakdowns.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const report = await buildReport(client, filter);
    await client.query('COMMIT');
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function buildReport(db: PoolClient, filter: StatisticsFilter): Promise<StatisticsReport> {
  const params = [filter.from, filter.to, filter.timeZone, filter.centreId ?? null];
  const query = async (sql: string, extra: unknown[] = []) => (await db.query(sql, [...params, ...extra])).rows;

  const rateRows = await query(REPLY_RATE_SQL, [SURVEY_CHANNELS]);
  const [totals] = await query(SURVEY_TOTAL_SQL);
  const [summary] = await query(SUMMARY_SQL);
  const replyChannels = await query(REPLY_CHANNEL_SQL, [REPLY_CHANNELS]);
  const categories = await query(CATEGORY_SQL, [REPLY_CATEGORIES]);
  const items = await query(ITEMS_SQL, [GRADED_ITEMS]);
  const ratings = {} as StatisticsReport['ratings'];
  for (const [name, dimension] of Object.entries(DIMENSIONS) as [keyof typeof DIMENSIONS, (typeof DIMENSIONS)[keyof typeof DIMENSIONS]][]) {
    ratings[name] = (await query(ratingSql(dimension))).map(toRatingRow);
  }

  return {
    period: { from: filter.from, to: filter.to, timeZone: filter.timeZone },
    centreId: filter.centreId ?? null,
    summary: {
      surveyed: totals?.surveyed ?? 0,
      replied: totals?.replied ?? 0,
      replyRatePct: totals?.reply_rate_pct ?? null,
      replies: summary?.replies ?? 0,
      ratedReplies: summary?.rated_replies ?? 0,
      averageRating: summary?.average_rating ?? null,
      csatPct: summary?.csat_pct ?? null,
    },
    replyRateByChannel: rateRows.map((r) => ({ channel: r.channel, surveyed: r.surveyed, replied: r.replied, replyRatePct: r.reply_rate_pct })),
    repliesByReplyChannel: replyChannels.map((r) => ({ channel: r.channel, replies: r.replies })),
    categoryMix: categories.map((r) => ({ category: r.category, replies: r.replies, sharePct: r.share_pct })),
    itemAverages: items.map((r) => ({ item: r.item, replies: r.replies, averageRating: r.average_rating })),
    ratings,
  };
}
