import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSurveyActivities } from '../../activities/survey';
import { findToken } from '../../db/queries/accessTokens';
import type { Pool } from '../../db/pool';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';
import { activityDeps, createRequest } from './assignmentFixtures';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(() => pool.end());

describe('sendReplyReminder', () => {
  it('an email reminder can be answered like the survey: its reply-to address names the request', async () => {
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1 });
    const { requestId } = await createRequest(pool, net);
    const { sendReplyReminder } = createSurveyActivities(activityDeps(pool));
    await sendReplyReminder({ requestId, channel: 'email' });

    const { rows } = await pool.query<{ body: { replyTo: string } }>(`SELECT body FROM outbox WHERE request_id = $1 AND purpose = 'reminder'`, [requestId]);
    expect(rows).toHaveLength(1);
    const token = /^reply\+([\w-]+)@reply\.example\.com$/.exec(rows[0]!.body.replyTo)?.[1];
    expect(token, `reply-to ${rows[0]!.body.replyTo}`).toBeDefined();
    expect((await findToken(pool, token!, 'email-reply'))?.requestId).toBe(requestId);
  });
});

describe('reply codes in survey messages', () => {
  it('the survey SMS and its reminder carry the request\'s reply code, the same on every send', async () => {
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1 });
    const mobile = `+8210${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
    const { requestId } = await createRequest(pool, net, { mobile });
    const { sendSurveySms, sendReplyReminder } = createSurveyActivities(activityDeps(pool));
    await sendSurveySms({ requestId, attempt: 1, replyWindowMs: 86_400_000 });
    await sendSurveySms({ requestId, attempt: 1, replyWindowMs: 86_400_000 }); // an activity retry
    await sendReplyReminder({ requestId, channel: 'sms' });

    const code = (await pool.query<{ reply_code: string }>('SELECT reply_code FROM service_requests WHERE id = $1', [requestId])).rows[0]!.reply_code;
    expect(code).toMatch(/^[0-9]{6}$/);
    const { rows } = await pool.query<{ purpose: string; body: { text: string } }>(`SELECT purpose, body FROM outbox WHERE request_id = $1 ORDER BY id`, [requestId]);
    expect(rows.map((r) => r.purpose)).toEqual(['survey', 'reminder']);
    for (const row of rows) expect(row.body.text).toContain(`#${code}`);
  });
});
