import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statisticsReport, type StatisticsReport } from '../../../db/queries/statistics';
import { testPool } from '../../support/db';
import { SCENARIO_FILTER, seedStatisticsScenario } from './statisticsScenario';

const pool = testPool();
let scenario: Awaited<ReturnType<typeof seedStatisticsScenario>>;
let report: StatisticsReport;

beforeAll(async () => {
  scenario = await seedStatisticsScenario(pool);
  report = await statisticsReport(pool, { ...SCENARIO_FILTER, centreId: scenario.network.centreId });
});
afterAll(() => pool.end());

describe('statisticsReport', () => {
  it('counts answered surveys against surveys sent, once per request', () => {
    // Surveyed: R1 R2 R3 R4 R5 R6 R7 R9 (R10 went out in January, Seoul time); answered: all but R4 and R9.
    expect(report.summary).toMatchObject({ surveyed: 8, replied: 6, replyRatePct: 75 });
  });

  it('credits each answer to the survey channel it answers', () => {
    // voice: R1 R2 R7, answered on the phone R1 R7 (R2 answered the SMS that followed the call).
    // sms: R2 R4 R6 R9, answered R2 R6. email: R3 R5, both answered (R3 through the web form link);
    // R9's failed email was never a survey.
    expect(report.replyRateByChannel).toEqual([
      { channel: 'voice', surveyed: 3, replied: 2, replyRatePct: 66.7 },
      { channel: 'sms', surveyed: 4, replied: 2, replyRatePct: 50 },
      { channel: 'email', surveyed: 2, replied: 2, replyRatePct: 100 },
    ]);
    expect(report.repliesByReplyChannel).toEqual([
      { channel: 'voice', replies: 2 },
      { channel: 'sms', replies: 2 },
      { channel: 'email', replies: 1 },
      { channel: 'whatsapp', replies: 0 },
      { channel: 'web', replies: 1 },
    ]);
  });

  it('gives the category mix of on-time answers, every category listed', () => {
    expect(report.categoryMix).toEqual([
      { category: 'repeat_failure', replies: 1, sharePct: 16.7 },
      { category: 'usage_question', replies: 1, sharePct: 16.7 },
      { category: 'complaint', replies: 1, sharePct: 16.7 },
      { category: 'delighted', replies: 1, sharePct: 16.7 },
      { category: 'satisfied', replies: 2, sharePct: 33.3 },
    ]);
  });

  it('computes CSAT as the share of rated answers rated 4 or 5', () => {
    // Ratings 5, 4, 2, 3, 1 (R5 unrated, R6's late 1 ignored): two of five.
    expect(report.summary).toMatchObject({ replies: 6, ratedReplies: 5, averageRating: 3, csatPct: 40 });
  });

  it('averages ratings per technician and per item, crediting the technician who did the job', () => {
    const { t0, t1 } = scenario.technicians;
    expect(report.ratings.byTechnician).toEqual([
      { key: t0, label: 'Technician 0', replies: 4, ratedReplies: 3, averageRating: 3.33, csatPct: 66.7, items: { kindness: 4.5, overall: 3.33, punctuality: 2 } },
      { key: t1, label: 'Technician 1', replies: 2, ratedReplies: 2, averageRating: 2.5, csatPct: 0, items: { kindness: 1, overall: 2.5, punctuality: 3 } },
    ]);
  });

  it('averages ratings per centre and per product field', () => {
    const whole = { replies: 6, ratedReplies: 5, averageRating: 3, csatPct: 40, items: { kindness: 3.33, overall: 3, punctuality: 2.5 } };
    expect(report.ratings.byCentre).toEqual([{ key: scenario.network.centreId, label: 'Gangnam Service Centre', ...whole }]);
    expect(report.ratings.byProductField).toEqual([{ key: scenario.network.field, label: 'Refrigerator', ...whole }]);
    // Per graded item over the whole period, in the survey's order, each with how many answers rated it.
    expect(report.itemAverages).toEqual([
      { item: 'kindness', replies: 3, averageRating: 3.33 },
      { item: 'punctuality', replies: 2, averageRating: 2.5 },
      { item: 'overall', replies: 5, averageRating: 3 },
    ]);
  });

  it('groups months in the report time zone', () => {
    expect(report.ratings.byMonth).toEqual([
      { key: '2026-11', label: '2026-11', replies: 3, ratedReplies: 3, averageRating: 3.67, csatPct: 66.7, items: { kindness: 3.33, overall: 3.67, punctuality: 2.5 } },
      { key: '2026-12', label: '2026-12', replies: 3, ratedReplies: 2, averageRating: 2, csatPct: 0, items: { overall: 2 } },
    ]);
  });

  it('reads the dates as calendar days in the given zone', async () => {
    // In UTC, R1 (31 October) drops out and R10 (31 December) comes in.
    const utc = await statisticsReport(pool, { ...SCENARIO_FILTER, timeZone: 'UTC', centreId: scenario.network.centreId });
    expect(utc.summary).toMatchObject({ replies: 6, ratedReplies: 5, csatPct: 40 });
    expect(utc.categoryMix.find((c) => c.category === 'delighted')?.replies).toBe(1);
    expect(utc.ratings.byMonth.map((m) => [m.key, m.replies])).toEqual([
      ['2026-11', 2],
      ['2026-12', 4],
    ]);
  });

  it('keeps other centres out when a centre is chosen, and in when none is', async () => {
    expect(report.ratings.byCentre.map((c) => c.key)).toEqual([scenario.network.centreId]);
    const all = await statisticsReport(pool, SCENARIO_FILTER);
    const centres = all.ratings.byCentre.map((c) => c.key);
    expect(centres).toContain(scenario.network.centreId);
    expect(centres).toContain(scenario.other.centreId);
    expect(all.ratings.byCentre.find((c) => c.key === scenario.network.centreId)).toEqual(report.ratings.byCentre[0]);
  });

  it('returns an empty report, not an error, when nothing happened', async () => {
    const empty = await statisticsReport(pool, { from: '2026-11-01', to: '2026-12-01', timeZone: 'UTC', centreId: 'no-such-centre' });
    expect(empty.summary).toEqual({ surveyed: 0, replied: 0, replyRatePct: null, replies: 0, ratedReplies: 0, averageRating: null, csatPct: null });
    expect(empty.categoryMix.every((c) => c.replies === 0 && c.sharePct === null)).toBe(true);
    expect(empty.replyRateByChannel).toEqual([]);
    expect(empty.ratings.byMonth).toEqual([]);
    expect(empty.itemAverages).toEqual([]);
  });
});
