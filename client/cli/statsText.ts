import type { RatingRow, StatisticsReport } from '../../db/queries/statistics';
import { formatTable, type Column } from './support/table';

const pct = (v: number | null) => (v === null ? null : `${v.toFixed(1)}%`);
const avg = (v: number | null | undefined) => (v === null || v === undefined ? null : v.toFixed(2));

/** The report as text for a terminal: one titled table per section. */
export function formatStatistics(report: StatisticsReport): string {
  const { summary, period } = report;
  const sections = [
    `Satisfaction statistics ${period.from} to ${period.to} (exclusive, ${period.timeZone})${report.centreId ? `, centre ${report.centreId}` : ', all centres'}`,
    [
      `Surveyed requests: ${summary.surveyed}   answered: ${summary.replied}   reply rate: ${pct(summary.replyRatePct) ?? '-'}`,
      `Answers received: ${summary.replies}   rated: ${summary.ratedReplies}   average rating: ${avg(summary.averageRating) ?? '-'}   CSAT (4-5 of rated): ${pct(summary.csatPct) ?? '-'}`,
    ].join('\n'),
    titled(
      'Reply rate by survey channel',
      formatTable(
        [
          { header: 'channel', value: (r) => r.channel },
          { header: 'surveyed', value: (r) => r.surveyed, align: 'right' },
          { header: 'answered', value: (r) => r.replied, align: 'right' },
          { header: 'reply rate', value: (r) => pct(r.replyRatePct), align: 'right' },
        ],
        report.replyRateByChannel,
      ),
    ),
    titled(
      'Answers by reply channel',
      formatTable(
        [
          { header: 'channel', value: (r) => r.channel },
          { header: 'answers', value: (r) => r.replies, align: 'right' },
        ],
        report.repliesByReplyChannel,
      ),
    ),
    titled(
      'Category mix',
      formatTable(
        [
          { header: 'category', value: (r) => r.category },
          { header: 'answers', value: (r) => r.replies, align: 'right' },
          { header: 'share', value: (r) => pct(r.sharePct), align: 'right' },
        ],
        report.categoryMix,
      ),
    ),
    titled('Ratings by technician', ratingTable('technician', report.ratings.byTechnician)),
    titled('Ratings by service centre', ratingTable('centre', report.ratings.byCentre)),
    titled('Ratings by product field', ratingTable('field', report.ratings.byProductField)),
    titled('Ratings by month', ratingTable('month', report.ratings.byMonth)),
  ];
  return sections.join('\n\n');
}

function titled(title: string, body: string) {
  return `${title}\n${body}`;
}

/** Known items first in a fixed order, then any others the forms added. */
const ITEM_ORDER = ['overall', 'kindness', 'punctuality', 'fixed'];

function ratingTable(dimension: string, rows: RatingRow[]): string {
  const seen = new Set(rows.flatMap((r) => Object.keys(r.items)));
  const items = [...ITEM_ORDER.filter((i) => seen.has(i)), ...[...seen].filter((i) => !ITEM_ORDER.includes(i)).sort()];
  const columns: Column<RatingRow>[] = [
    { header: dimension, value: (r) => (r.key && r.label !== r.key ? `${r.label} (${r.key})` : r.label) },
    { header: 'answers', value: (r) => r.replies, align: 'right' },
    { header: 'rated', value: (r) => r.ratedReplies, align: 'right' },
    { header: 'avg', value: (r) => avg(r.averageRating), align: 'right' },
    { header: 'CSAT', value: (r) => pct(r.csatPct), align: 'right' },
    ...items.map((item): Column<RatingRow> => ({ header: item, value: (r) => avg(r.items[item]), align: 'right' })),
  ];
  return formatTable(columns, rows);
}
