import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../client/cli/tasks';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { seedCustomer, seedRequest } from '../../db/queries/seedRequests';
import { captured } from './capture';
import { acceptInbound } from '../../../db/queries/inbox';
import { openInboundTask } from '../../../db/queries/agentTasks';

const pool = testPool();
let network: Awaited<ReturnType<typeof seedNetwork>>;

beforeAll(async () => {
  network = await seedNetwork(pool, { technicians: 1 });
});
afterAll(() => pool.end());

async function seedTask(kind = 'complaint') {
  const customerId = await seedCustomer(pool, network);
  const requestId = await seedRequest(pool, network, { customerId });
  const { rows } = await pool.query(`INSERT INTO agent_tasks (request_id, service_centre_id, kind, summary) VALUES ($1, $2, $3, 'complaint — Refrigerator: Not cooling') RETURNING id`, [
    requestId,
    network.centreId,
    kind,
  ]);
  return String(rows[0].id);
}

describe('tasks CLI', () => {
  it('match credits an SMS reply that could answer several open surveys to the one request it answers', async () => {
    const customerId = await seedCustomer(pool, network);
    const mobile = `+8210${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
    await pool.query('UPDATE customers SET mobile = $2 WHERE id = $1', [customerId, mobile]);
    const [first, second] = [await seedRequest(pool, network, { customerId }), await seedRequest(pool, network, { customerId })];
    const stranger = await seedRequest(pool, network, { customerId: await seedCustomer(pool, network) });
    const sms = await acceptInbound(pool, { source: 'twilio-sms', eventId: `SM${Date.now()}${Math.random()}`, requestId: null, kind: 'survey-reply', payload: { text: '3 ok', rating: 3, raw: { From: mobile } } });
    await openInboundTask(pool, { inboxId: sms.id, kind: 'match_reply', centreId: network.centreId, summary: 'match an SMS reply' });
    const taskId = String((await pool.query('SELECT id FROM agent_tasks WHERE inbox_id = $1', [sms.id])).rows[0].id);

    const notTheirs = captured(pool);
    expect(await run(['match', '--task', taskId, '--agent', 'Kim', '--request', stranger], notTheirs.deps)).toBe(1);
    expect(notTheirs.stderr()).toBe(`Refused: request ${stranger} is not one of the sender's requests.`);
    const badId = captured(pool);
    expect(await run(['match', '--task', taskId, '--agent', 'Kim', '--request', 'not-a-uuid'], badId.deps)).toBe(2);

    const matched = captured(pool);
    expect(await run(['match', '--task', taskId, '--agent', 'Kim', '--request', second], matched.deps)).toBe(0);
    expect(matched.stdout()).toBe(`The reply (inbox row ${sms.id}) is matched to request ${second} and passed on to its workflow; task ${taskId} closed.`);
    const row = (await pool.query('SELECT request_id, status FROM inbox WHERE id = $1', [sms.id])).rows[0];
    expect(row).toEqual({ request_id: second, status: 'pending' }); // the relay signals it
    const retry = captured(pool);
    expect(await run(['match', '--task', taskId, '--agent', 'Kim', '--request', second], retry.deps)).toBe(0);
    const other = captured(pool);
    expect(await run(['match', '--task', taskId, '--agent', 'Kim', '--request', first], other.deps)).toBe(1);
    expect((await pool.query('SELECT request_id FROM inbox WHERE id = $1', [sms.id])).rows[0].request_id).toBe(second);

    const complaint = await seedTask();
    const wrongKind = captured(pool);
    expect(await run(['match', '--task', complaint, '--agent', 'Kim', '--request', first], wrongKind.deps)).toBe(1);
    expect(wrongKind.stderr()).toContain('only match_reply tasks');
  });

  it('no-calls records a voice opt-out for the customer, once; an unknown customer is a usage error', async () => {
    const customerId = await seedCustomer(pool, network);
    const first = captured(pool);
    expect(await run(['no-calls', '--customer', customerId, '--agent', 'Kim Minji'], first.deps)).toBe(0);
    expect(first.stdout()).toBe(`Customer ${customerId} will not be called again (voice opt-out recorded).`);
    const again = captured(pool);
    expect(await run(['no-calls', '--customer', customerId, '--agent', 'Park', '--json'], again.deps)).toBe(0);
    expect(again.json()).toEqual({ customerId, channel: 'voice', outcome: 'already' });
    const { rows } = await pool.query('SELECT channel, reason FROM contact_opt_outs WHERE customer_id = $1', [customerId]);
    expect(rows).toEqual([{ channel: 'voice', reason: 'agent Kim Minji: asked not to be called again' }]);

    const unknown = captured(pool);
    expect(await run(['no-calls', '--customer', 'no-such-customer', '--agent', 'Kim Minji'], unknown.deps)).toBe(2);
    expect(unknown.stderr()).toContain('--customer: no customer with id no-such-customer');
    const wrongFlag = captured(pool);
    expect(await run(['no-calls', '--customer', customerId, '--agent', 'Kim', '--task', '1'], wrongFlag.deps)).toBe(2);
  });

  it('lists, takes and closes a task', async () => {
    const id = await seedTask();
    const list = captured(pool);
    expect(await run(['list', '--centre', network.centreId, '--status', 'open'], list.deps)).toBe(0);
    expect(list.stdout()).toMatch(/id\s+status\s+kind\s+centre\s+created\s+assignee\s+summary\s+request/);
    expect(list.stdout()).toMatch(new RegExp(`\\b${id}\\s+open\\s+complaint\\s+${network.centreId}`));

    const take = captured(pool);
    expect(await run(['take', '--task', id, '--agent', 'Kim Minji'], take.deps)).toBe(0);
    expect(take.stdout()).toBe(`Task ${id} taken by Kim Minji.`);

    const other = captured(pool);
    expect(await run(['take', '--task', id, '--agent', 'Park'], other.deps)).toBe(1);
    expect(other.stderr()).toBe(`Refused: cannot take task ${id}: Kim Minji has already taken it.`);

    const close = captured(pool);
    expect(await run(['close', '--task', id, '--resolution', 'Called the customer; technician revisits Friday', '--json'], close.deps)).toBe(0);
    expect(close.json()).toMatchObject({ id: Number(id), status: 'closed', assignee: 'Kim Minji', resolution: 'Called the customer; technician revisits Friday' });

    const closedList = captured(pool);
    expect(await run(['list', '--centre', network.centreId, '--status', 'closed', '--json'], closedList.deps)).toBe(0);
    expect(closedList.json().map((t: { id: number }) => t.id)).toContain(Number(id));
  });

  it('refuses to close an open task', async () => {
    const id = await seedTask('usage_question');
    const io = captured(pool);
    expect(await run(['close', '--task', id, '--resolution', 'done'], io.deps)).toBe(1);
    expect(io.stderr()).toBe(`Refused: cannot close task ${id}: it is still open: take it first.`);
  });

  it('refuses a task that does not exist naming --task', async () => {
    const io = captured(pool);
    expect(await run(['take', '--task', '1999999999', '--agent', 'Kim'], io.deps)).toBe(2);
    expect(io.stderr()).toContain('--task: no task with id 1999999999');
  });

  it.each([
    [['take', '--agent', 'Kim'], '--task is required'],
    [['take', '--task', 'abc', '--agent', 'Kim'], '--task must be a positive whole number, got "abc"'],
    [['take', '--task', '1'], '--agent is required'],
    [['close', '--task', '1', '--resolution', '  '], '--resolution is required'],
    [['list', '--status', 'pending'], '--status must be one of open, taken, closed, all, got "pending"'],
    [['list', '--agent', 'Kim'], '--agent does not apply to list'],
    [['assign', '--task', '1'], 'unknown command "assign"'],
    [['label', '--task', '1', '--agent', 'Kim', '--category', 'angry'], '--category must be one of repeat_failure, usage_question, complaint, delighted, satisfied, got "angry"'],
    [['label', '--task', '1', '--agent', 'Kim'], '--category is required'],
    [['show', '--task', '1', '--agent', 'Kim'], '--agent does not apply to show'],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const io = captured(pool);
    expect(await run(argv, io.deps)).toBe(2);
    expect(io.stderr()).toContain(message);
    expect(io.stderr()).toContain('Usage: npm run tasks');
    expect(io.poolUses()).toBe(0);
  });

  describe('reviewing a classification', () => {
    /** A stored reply the classifier was unsure of, with its open review task. */
    async function seedReview(text: string) {
      const customerId = await seedCustomer(pool, network);
      const requestId = await seedRequest(pool, network, { customerId });
      const reply = await pool.query(
        `INSERT INTO survey_replies (request_id, channel, text, category, classified_category, confidence, needs_review, received_at)
         VALUES ($1, 'sms', $2, 'satisfied', 'satisfied', 0.41, true, now()) RETURNING id`,
        [requestId, text],
      );
      const task = await pool.query(
        `INSERT INTO agent_tasks (request_id, service_centre_id, kind, reply_id, summary) VALUES ($1, $2, 'review_classification', $3, $4) RETURNING id`,
        [requestId, network.centreId, reply.rows[0].id, `review the classification: satisfied (confidence 0.41) — "${text}"`],
      );
      return { taskId: String(task.rows[0].id), replyId: Number(reply.rows[0].id) };
    }

    it('shows the reply to review and takes the agent label, once', async () => {
      const { taskId, replyId } = await seedReview('와 진짜 일찍도 오셨네요^^');
      const show = captured(pool);
      expect(await run(['show', '--task', taskId], show.deps)).toBe(0);
      expect(show.stdout()).toMatch(/kind\s+review_classification/);
      expect(show.stdout()).toContain('"와 진짜 일찍도 오셨네요^^"');
      expect(show.stdout()).toMatch(new RegExp(`reply\\s+${replyId}`));

      const label = captured(pool);
      expect(await run(['label', '--task', taskId, '--agent', 'Kim Minji', '--category', 'complaint'], label.deps)).toBe(0);
      expect(label.stdout()).toBe(`Reply ${replyId} labelled complaint (the classifier said satisfied); task ${taskId} closed.`);
      const stored = await pool.query('SELECT category, classified_category, needs_review, labelled_by FROM survey_replies WHERE id = $1', [replyId]);
      expect(stored.rows[0]).toEqual({ category: 'complaint', classified_category: 'satisfied', needs_review: false, labelled_by: 'Kim Minji' });

      const again = captured(pool);
      expect(await run(['label', '--task', taskId, '--agent', 'Kim Minji', '--category', 'complaint'], again.deps)).toBe(0);
      expect(again.stdout()).toBe(`Task ${taskId} is already labelled complaint; nothing changed.`);

      const other = captured(pool);
      expect(await run(['label', '--task', taskId, '--agent', 'Park', '--category', 'delighted'], other.deps)).toBe(1);
      expect(other.stderr()).toBe(`Refused: cannot label task ${taskId}: it is already closed (labelled complaint).`);
      expect((await pool.query('SELECT category FROM survey_replies WHERE id = $1', [replyId])).rows[0].category).toBe('complaint');
    });

    it('refuses a label on a task another agent has taken, and on a task that is not a review', async () => {
      const { taskId } = await seedReview('음');
      await run(['take', '--task', taskId, '--agent', 'Lee'], captured(pool).deps);
      const io = captured(pool);
      expect(await run(['label', '--task', taskId, '--agent', 'Park', '--category', 'satisfied'], io.deps)).toBe(1);
      expect(io.stderr()).toBe(`Refused: cannot label task ${taskId}: Lee has taken it.`);

      const complaintTask = await seedTask('complaint');
      const wrong = captured(pool);
      expect(await run(['label', '--task', complaintTask, '--agent', 'Park', '--category', 'satisfied'], wrong.deps)).toBe(1);
      expect(wrong.stderr()).toBe(`Refused: task ${complaintTask} is a complaint task; only review_classification tasks take a label.`);
    });
  });
});
