import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplyActivities } from '../../activities/replies';
import { run as tasksCli } from '../../client/cli/tasks';
import type { Pool } from '../../db/pool';
import { statisticsReport } from '../../db/queries/statistics';
import type { SurveyReply } from '../../workflows/types';
import { captured } from '../client/cli/capture';
import { seedCustomer, seedRequest } from '../db/queries/seedRequests';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';
import { activityDeps } from './assignmentFixtures';

const pool = testPool();
let network: Awaited<ReturnType<typeof seedNetwork>>;

beforeAll(async () => {
  network = await seedNetwork(pool, { technicians: 1 });
});
afterAll(() => pool.end());

/** A request whose reply sits in the inbox as the webhook stored it. */
async function replyInInbox(payload: Record<string, unknown>, channel: SurveyReply['channel'], receivedAt = '2026-11-20T03:00:00Z') {
  const customerId = await seedCustomer(pool, network);
  const requestId = await seedRequest(pool, network, { customerId, technicianId: network.technicianIds[0] });
  const { rows } = await pool.query(
    `INSERT INTO inbox (source, event_id, request_id, kind, payload, status) VALUES ('test', gen_random_uuid()::text, $1, 'survey-reply', $2, 'delivered') RETURNING id`,
    [requestId, JSON.stringify(payload)],
  );
  const reply: SurveyReply = { eventId: `evt-${rows[0].id}`, channel, inboxId: Number(rows[0].id), receivedAt };
  return { requestId, reply };
}

function activities(threshold: number, db: Pool = pool) {
  const deps = activityDeps(db);
  return createReplyActivities({ ...deps, settings: { ...deps.settings, classifierReviewThreshold: threshold } });
}

const itemsOf = async (requestId: string) =>
  Object.fromEntries(
    (await pool.query(`SELECT i.item, i.rating FROM survey_reply_items i JOIN survey_replies r ON r.id = i.reply_id WHERE r.request_id = $1`, [requestId])).rows.map((r) => [r.item, r.rating]),
  );

describe('classify and store a reply: graded items from text', () => {
  it('stores the items an SMS answered in words, exactly like the web form does', async () => {
    const { requestId, reply } = await replyInInbox({ text: '친절도 5, 약속시간 3, 수리 4, 전체 4' }, 'sms');
    await activities(0).classifyAndStoreReply({ requestId, reply });
    expect(await itemsOf(requestId)).toEqual({ kindness: 5, punctuality: 3, fixed: 4, overall: 4 });
    const stored = await pool.query('SELECT rating FROM survey_replies WHERE request_id = $1', [requestId]);
    expect(stored.rows[0].rating).toBe(4);
  });

  it('stores the items an email answered between the quoted questions (read by the webhook)', async () => {
    const { requestId, reply } = await replyInInbox({ text: '4\n5\nno, it came back\n3', rating: 3, items: { kindness: 4, punctuality: 5, fixed: 1, overall: 3 } }, 'email');
    const { category } = await activities(0).classifyAndStoreReply({ requestId, reply });
    expect(await itemsOf(requestId)).toEqual({ kindness: 4, punctuality: 5, fixed: 1, overall: 3 });
    expect(category).toBe('repeat_failure');
  });

  it('stores an English graded SMS with "Fixed: no" as 1 on the web form scale', async () => {
    const { requestId, reply } = await replyInInbox({ text: 'Kindness: 5 / Punctuality: 3 / Fixed: no / Overall 4' }, 'sms');
    await activities(0).classifyAndStoreReply({ requestId, reply });
    expect(await itemsOf(requestId)).toEqual({ kindness: 5, punctuality: 3, fixed: 1, overall: 4 });
  });
});

describe('classify and store a reply: needs_review', () => {
  it('a reply below the threshold is stored with needs_review and opens a review task with its text', async () => {
    const { requestId, reply } = await replyInInbox({ text: '음.. 글쎄요 ㅎㅎ' }, 'sms');
    const { category } = await activities(1).classifyAndStoreReply({ requestId, reply });
    const stored = await pool.query('SELECT id, category, classified_category, confidence, needs_review FROM survey_replies WHERE request_id = $1', [requestId]);
    expect(stored.rows[0]).toMatchObject({ category, classified_category: category, needs_review: true });
    expect(stored.rows[0].confidence).toBeGreaterThanOrEqual(0);
    expect(stored.rows[0].confidence).toBeLessThan(1);
    const tasks = await pool.query(`SELECT kind, reply_id, summary, status FROM agent_tasks WHERE request_id = $1`, [requestId]);
    expect(tasks.rows).toEqual([{ kind: 'review_classification', reply_id: stored.rows[0].id, summary: expect.stringContaining('"음.. 글쎄요 ㅎㅎ"'), status: 'open' }]);

    // Storing again (an activity retry) opens nothing more.
    await activities(1).classifyAndStoreReply({ requestId, reply });
    expect((await pool.query('SELECT count(*)::int AS n FROM agent_tasks WHERE request_id = $1', [requestId])).rows[0].n).toBe(1);
  });

  it('a confident reply, a bare keypad rating and a late reply open no review', async () => {
    const confident = await replyInInbox({ text: '기사님 정말 친절하셨어요 최고예요!!' }, 'sms');
    await activities(0.6).classifyAndStoreReply(confident);
    const keypad = await replyInInbox({ rating: 2 }, 'voice');
    await activities(0.99).classifyAndStoreReply(keypad);
    const late = await replyInInbox({ text: '음.. 글쎄요' }, 'sms');
    await activities(1).storeLateReply(late);
    for (const { requestId } of [confident, keypad, late]) {
      const stored = await pool.query('SELECT needs_review FROM survey_replies WHERE request_id = $1', [requestId]);
      expect(stored.rows[0].needs_review).toBe(false);
      expect((await pool.query('SELECT count(*)::int AS n FROM agent_tasks WHERE request_id = $1', [requestId])).rows[0].n).toBe(0);
    }
  });

  it('the agent label replaces the category in the store and the statistics, end to end', async () => {
    const { requestId, reply } = await replyInInbox({ text: '음 뭐라고 해야 할지' }, 'sms', '2026-09-10T03:00:00Z');
    const { category } = await activities(1).classifyAndStoreReply({ requestId, reply });
    const label = category === 'complaint' ? 'usage_question' : 'complaint';
    const task = (await pool.query(`SELECT id FROM agent_tasks WHERE request_id = $1 AND kind = 'review_classification'`, [requestId])).rows[0];
    const filter = { from: '2026-09-10', to: '2026-09-11', timeZone: 'UTC', centreId: network.centreId };
    const mix = async () => Object.fromEntries((await statisticsReport(pool, filter)).categoryMix.map((c) => [c.category, c.replies]));
    expect((await mix())[category]).toBe(1);

    const io = captured(pool);
    expect(await tasksCli(['label', '--task', String(task.id), '--agent', 'Kim Minji', '--category', label], io.deps)).toBe(0);
    expect(io.stdout()).toMatch(new RegExp(`labelled ${label} \\(the classifier said ${category}\\); task ${task.id} closed`));

    const stored = await pool.query('SELECT category, classified_category, needs_review, labelled_by FROM survey_replies WHERE request_id = $1', [requestId]);
    expect(stored.rows[0]).toEqual({ category: label, classified_category: category, needs_review: false, labelled_by: 'Kim Minji' });
    expect(await mix()).toMatchObject({ [label]: 1, [category]: 0 });
    const closed = await pool.query('SELECT status, resolution FROM agent_tasks WHERE id = $1', [task.id]);
    expect(closed.rows[0]).toEqual({ status: 'closed', resolution: `labelled ${label}` });
  });
});
