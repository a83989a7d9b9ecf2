import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTask, getTask, listTasks, takeTask } from '../../../db/queries/agentTasks';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { seedCustomer, seedRequest } from './seedRequests';

const pool = testPool();
let network: Awaited<ReturnType<typeof seedNetwork>>;

beforeAll(async () => {
  network = await seedNetwork(pool, { technicians: 1 });
});
afterAll(() => pool.end());

/** A task as the workflow opens it, for a network of its own unless one is given. */
export async function seedTask(kind: 'complaint' | 'usage_question' = 'complaint', on = network): Promise<number> {
  const customerId = await seedCustomer(pool, on);
  const requestId = await seedRequest(pool, on, { customerId });
  const { rows } = await pool.query(`INSERT INTO agent_tasks (request_id, service_centre_id, kind, summary) VALUES ($1, $2, $3, 'complaint — Refrigerator: Not cooling') RETURNING id`, [
    requestId,
    on.centreId,
    kind,
  ]);
  return Number(rows[0].id);
}

describe('agent tasks', () => {
  it('lists open and taken tasks of a centre by default, and any status when asked', async () => {
    const own = await seedNetwork(pool, { technicians: 1 });
    const open = await seedTask('complaint', own);
    const taken = await seedTask('usage_question', own);
    const closed = await seedTask('complaint', own);
    await takeTask(pool, { taskId: taken, agent: 'kim' });
    await takeTask(pool, { taskId: closed, agent: 'lee' });
    await closeTask(pool, { taskId: closed, resolution: 'called back' });
    await seedTask('complaint'); // another centre

    expect((await listTasks(pool, { centreId: own.centreId })).map((t) => [t.id, t.status])).toEqual([
      [open, 'open'],
      [taken, 'taken'],
    ]);
    expect((await listTasks(pool, { centreId: own.centreId, statuses: ['open'] })).map((t) => t.id)).toEqual([open]);
    expect((await listTasks(pool, { centreId: own.centreId, statuses: ['closed'] }))[0]).toMatchObject({ id: closed, assignee: 'lee', resolution: 'called back', centreId: own.centreId });
    expect(await listTasks(pool, { centreId: own.centreId, statuses: ['open', 'taken', 'closed'] })).toHaveLength(3);
  });

  it('lets exactly one of two agents take an open task', async () => {
    const id = await seedTask();
    const [a, b] = await Promise.all([takeTask(pool, { taskId: id, agent: 'kim' }), takeTask(pool, { taskId: id, agent: 'park' })]);
    const outcomes = [a.outcome, b.outcome].sort();
    expect(outcomes).toEqual(['done', 'wrong_status']);
    const task = await getTask(pool, id);
    expect(task?.status).toBe('taken');
    expect(task?.takenAt).toBeInstanceOf(Date);
    expect(['kim', 'park']).toContain(task?.assignee);
  });

  it('treats taking one’s own task again as a no-op', async () => {
    const id = await seedTask();
    await takeTask(pool, { taskId: id, agent: 'kim' });
    expect(await takeTask(pool, { taskId: id, agent: 'kim' })).toMatchObject({ outcome: 'unchanged', task: { assignee: 'kim' } });
  });

  it('closes only a taken task', async () => {
    const id = await seedTask();
    expect(await closeTask(pool, { taskId: id, resolution: 'done' })).toMatchObject({ outcome: 'wrong_status', task: { status: 'open' } });
    await takeTask(pool, { taskId: id, agent: 'kim' });
    const closed = await closeTask(pool, { taskId: id, resolution: 'explained the defrost setting' });
    expect(closed).toMatchObject({ outcome: 'done', task: { status: 'closed', resolution: 'explained the defrost setting' } });
    expect(closed.outcome === 'done' && closed.task.closedAt).toBeInstanceOf(Date);
    expect(await closeTask(pool, { taskId: id, resolution: 'explained the defrost setting' })).toMatchObject({ outcome: 'unchanged' });
    expect(await closeTask(pool, { taskId: id, resolution: 'something else' })).toMatchObject({ outcome: 'wrong_status', task: { status: 'closed' } });
    expect(await takeTask(pool, { taskId: id, agent: 'park' })).toMatchObject({ outcome: 'wrong_status' });
  });

  it('answers not_found for a task that does not exist', async () => {
    expect(await takeTask(pool, { taskId: 2_000_000_000, agent: 'kim' })).toEqual({ outcome: 'not_found' });
    expect(await closeTask(pool, { taskId: 2_000_000_000, resolution: 'x' })).toEqual({ outcome: 'not_found' });
  });
});
