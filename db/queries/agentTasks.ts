import type { Pool } from '../pool';

/**
 * The agents' work queue (KR paragraph 62): complaints and usage questions wait here for a
 * person. A task moves open → taken → closed, and each move is one conditional UPDATE so two
 * agents taking the same task at once cannot both get it.
 */
export const TASK_STATUSES = ['open', 'taken', 'closed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface AgentTask {
  id: number;
  requestId: string;
  centreId: string;
  kind: string;
  summary: string;
  status: TaskStatus;
  assignee: string | null;
  resolution: string | null;
  createdAt: Date;
  takenAt: Date | null;
  closedAt: Date | null;
}

export type TaskChange =
  | { outcome: 'done'; task: AgentTask }
  /** Repeating a move that already happened (a retry) changes nothing. */
  | { outcome: 'unchanged'; task: AgentTask }
  | { outcome: 'not_found' }
  | { outcome: 'wrong_status'; task: AgentTask };

const COLUMNS = 'id, request_id, service_centre_id, kind, summary, status, assignee, resolution, created_at, taken_at, closed_at';

const toTask = (r: Record<string, unknown>): AgentTask => ({
  id: Number(r.id),
  requestId: r.request_id as string,
  centreId: r.service_centre_id as string,
  kind: r.kind as string,
  summary: r.summary as string,
  status: r.status as TaskStatus,
  assignee: r.assignee as string | null,
  resolution: r.resolution as string | null,
  createdAt: r.created_at as Date,
  takenAt: r.taken_at as Date | null,
  closedAt: r.closed_at as Date | null,
});

/** Without a status filter the list shows the work still to do: open and taken tasks. */
export async function listTasks(pool: Pool, filter: { centreId?: string; statuses?: readonly TaskStatus[]; limit?: number } = {}): Promise<AgentTask[]> {
  const { rows } = await pool.query(
    `SELECT ${COLUMNS} FROM agent_tasks
     WHERE ($1::text IS NULL OR service_centre_id = $1) AND status = ANY($2::text[])
     ORDER BY created_at, id
     LIMIT $3`,
    [filter.centreId ?? null, filter.statuses ?? ['open', 'taken'], filter.limit ?? 500],
  );
  return rows.map(toTask);
}

export async function getTask(pool: Pool, taskId: number): Promise<AgentTask | undefined> {
  const { rows } = await pool.query(`SELECT ${COLUMNS} FROM agent_tasks WHERE id = $1`, [taskId]);
  return rows[0] && toTask(rows[0]);
}

export async function takeTask(pool: Pool, input: { taskId: number; agent: string }): Promise<TaskChange> {
  const { rows } = await pool.query(
    `UPDATE agent_tasks SET status = 'taken', assignee = $2, taken_at = now()
     WHERE id = $1 AND status = 'open' RETURNING ${COLUMNS}`,
    [input.taskId, input.agent],
  );
  if (rows[0]) return { outcome: 'done', task: toTask(rows[0]) };
  const task = await getTask(pool, input.taskId);
  if (!task) return { outcome: 'not_found' };
  if (task.status === 'taken' && task.assignee === input.agent) return { outcome: 'unchanged', task };
  return { outcome: 'wrong_status', task };
}

export async function closeTask(pool: Pool, input: { taskId: number; resolution: string }): Promise<TaskChange> {
  const { rows } = await pool.query(
    `UPDATE agent_tasks SET status = 'closed', resolution = $2, closed_at = now()
     WHERE id = $1 AND status = 'taken' RETURNING ${COLUMNS}`,
    [input.taskId, input.resolution],
  );
  if (rows[0]) return { outcome: 'done', task: toTask(rows[0]) };
  const task = await getTask(pool, input.taskId);
  if (!task) return { outcome: 'not_found' };
  if (task.status === 'closed' && task.resolution === input.resolution) return { outcome: 'unchanged', task };
  return { outcome: 'wrong_status', task };
}
