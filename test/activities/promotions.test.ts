import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSurveyActivities } from '../../activities/survey';
import { findToken } from '../../db/queries/accessTokens';
import { grantOptIn, withdrawMarketing } from '../../db/queries/consent';
import type { Pool } from '../../db/pool';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';
import { activityDeps, createRequest, type Network } from './assignmentFixtures';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(() => pool.end());

const DAY = 86_400_000;
/** 14:00 and 22:30 in Seoul, on a day the test promotions run. */
const afternoon = () => new Date('2026-12-02T14:00:00+09:00');
const lateEvening = () => new Date('2026-12-02T22:30:00+09:00');

/** A promotion of the test's own, limited to its centre and field unless told otherwise. */
async function promotion(net: Network, options: { centres?: string[]; fields?: string[]; from?: Date; to?: Date } = {}) {
  const id = `promo-${randomBytes(4).toString('hex')}`;
  await pool.query(
    `INSERT INTO promotions (id, title_en, title_ko, body_en, body_ko, starts_at, ends_at)
     VALUES ($1, 'Winter care week', '겨울맞이 점검 주간', '20% off filter replacements.', '필터 교체 20% 할인.', $2, $3)`,
    [id, options.from ?? new Date('2026-11-25T00:00:00Z'), options.to ?? new Date('2026-12-31T00:00:00Z')],
  );
  for (const c of options.centres ?? [net.centreId]) await pool.query('INSERT INTO promotion_centres VALUES ($1, $2)', [id, c]);
  for (const f of options.fields ?? [net.field]) await pool.query('INSERT INTO promotion_product_fields VALUES ($1, $2)', [id, f]);
  return id;
}

async function customer(net: Network, options: { optIns?: ('marketing' | 'marketing_night')[]; language?: 'ko' | 'en' } = {}) {
  const mobile = `+8210${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
  const req = await createRequest(pool, net, { mobile, language: options.language ?? 'ko' });
  for (const kind of options.optIns ?? []) await grantOptIn(pool, req.customerId, kind, 'test');
  return req;
}

async function surveySms(requestId: string, clock: () => Date) {
  await createSurveyActivities(activityDeps(pool, clock)).sendSurveySms({ requestId, attempt: 1, replyWindowMs: 7 * DAY });
  const { rows } = await pool.query<{ body: { text: string } }>(`SELECT body FROM outbox WHERE request_id = $1 AND channel = 'sms' AND purpose = 'survey'`, [requestId]);
  return rows[0]!.body.text;
}

async function surveyEmail(requestId: string, clock: () => Date) {
  await createSurveyActivities(activityDeps(pool, clock)).sendSurveyEmail({ requestId, attempt: 1, replyWindowMs: 7 * DAY });
  const { rows } = await pool.query<{ body: { subject: string; text: string } }>(`SELECT body FROM outbox WHERE request_id = $1 AND channel = 'email' AND purpose = 'survey'`, [requestId]);
  return rows[0]!.body;
}

describe('a survey that carries a promotion is a lawful advertisement (KR claim 13, 정보통신망법 제50조)', () => {
  it('with marketing consent, by day: (광고), the centre and its line first, the promotion, the free opt-out last', async () => {
    const net = await seedNetwork(pool, { technicians: 0 });
    await promotion(net);
    const { requestId, customerId } = await customer(net, { optIns: ['marketing'] });
    const text = await surveySms(requestId, afternoon);
    const lines = text.split('\n');
    expect(lines[0]).toBe('(광고) Gangnam Service Centre +82215880002');
    expect(text).toContain('수리는 만족스러우셨나요?');
    expect(text).toContain('진행 중인 이벤트: 겨울맞이 점검 주간 — 필터 교체 20% 할인.');
    expect(lines.at(-1)).toMatch(/^무료수신거부 http:\/\/localhost:3000\/ads\/opt-out\/[\w-]+ 또는 '광고거부' 회신$/);
    // The opt-out link names this customer (an unsubscribe token, good for a year).
    const token = /ads\/opt-out\/([\w-]+)/.exec(text)![1]!;
    const found = await findToken(pool, token, 'unsubscribe');
    expect(found?.customerId).toBe(customerId);
  });

  it('an email advertisement is marked in its subject and body and ends with the opt-out link', async () => {
    const net = await seedNetwork(pool, { technicians: 0 });
    await promotion(net);
    const { requestId } = await customer(net, { optIns: ['marketing'], language: 'en' });
    const email = await surveyEmail(requestId, afternoon);
    expect(email.subject).toBe('(Ad) How was your Refrigerator repair? — Gangnam Service Centre');
    expect(email.text.startsWith('(Ad) Gangnam Service Centre +82215880002\n\n')).toBe(true);
    expect(email.text).toContain('Now on: Winter care week — 20% off filter replacements.');
    expect(email.text).toMatch(/To stop receiving ads, free of charge: http:\/\/localhost:3000\/ads\/opt-out\/[\w-]+ \(messages about your repairs continue\)\.$/);
  });

  it('without marketing consent the survey goes at once, without the promotion and unmarked', async () => {
    const net = await seedNetwork(pool, { technicians: 0 });
    await promotion(net);
    const { requestId } = await customer(net);
    const text = await surveySms(requestId, afternoon);
    expect(text).not.toContain('(광고)');
    expect(text).not.toContain('겨울맞이');
    expect(text).not.toContain('무료수신거부');
    expect(text).toContain('수리는 만족스러우셨나요?');
    const email = await surveyEmail(requestId, afternoon);
    expect(email.subject.startsWith('(')).toBe(false);
    expect(email.text).not.toContain('Winter');
  });

  it('after 21:00 in the customer\'s zone the promotion needs night consent; without it the survey goes without the promotion', async () => {
    const net = await seedNetwork(pool, { technicians: 0 });
    await promotion(net);
    const dayOnly = await customer(net, { optIns: ['marketing'] });
    const dayOnlyText = await surveySms(dayOnly.requestId, lateEvening);
    expect(dayOnlyText).not.toContain('(광고)');
    expect(dayOnlyText).not.toContain('겨울맞이');

    const nightToo = await customer(net, { optIns: ['marketing', 'marketing_night'] });
    expect((await surveySms(nightToo.requestId, lateEvening)).startsWith('(광고)')).toBe(true);
  });

  it('a promotion limited to other centres or other product fields, or not running, is not appended', async () => {
    const net = await seedNetwork(pool, { technicians: 0 });
    const other = await seedNetwork(pool, { technicians: 0 });
    await promotion(net, { centres: [other.centreId] });
    await promotion(net, { fields: [other.field] });
    await promotion(net, { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') }); // over
    await promotion(net, { from: new Date('2026-12-10T00:00:00Z') }); // not yet
    const { requestId } = await customer(net, { optIns: ['marketing'] });
    expect(await surveySms(requestId, afternoon)).not.toContain('(광고)');

    // One that lists their centre among others, for every field, is appended.
    await promotion(net, { centres: [other.centreId, net.centreId], fields: [] });
    const next = await customer(net, { optIns: ['marketing'] });
    expect(await surveySms(next.requestId, afternoon)).toContain('겨울맞이 점검 주간');
  });

  it('a marketing opt-out stops the promotion but not the survey', async () => {
    const net = await seedNetwork(pool, { technicians: 0 });
    await promotion(net);
    const { requestId, customerId } = await customer(net, { optIns: ['marketing', 'marketing_night'] });
    await withdrawMarketing(pool, customerId, 'sms keyword 광고거부');
    const text = await surveySms(requestId, afternoon);
    expect(text).toContain('수리는 만족스러우셨나요?');
    expect(text).not.toContain('(광고)');
  });
});
