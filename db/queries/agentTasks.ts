import { inTransaction, type Pool, type PoolClient } from '../pool';

/**
 * The agents' work queue (KR paragraph 62): complaints, usage questions and replies the
 * classifier was unsure of (review_classification) wait here for a person. A task moves open → taken → closed, and each move is one conditional UPDATE so two
 * agents taking the same task at once cannot both get it.
 */
export const TASK_STATUSES = ['open', 'taken', 'closed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface AgentTask {
  id: number;
  /** Null for what could not be matched to one request (match_reply, unknown_caller): inboxId says what. */
  requestId: string | null;
  centreId: string | null;
  kind: string;
  /** The inbound event (SMS, call) the task is about, when it is about one. */
  inboxId: number | null;
  /** The reply to review, for review_classification tasks. */
  replyId: number | null;
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

const COLUMNS = 'id, request_id, service_centre_id, kind, inbox_id, reply_id, summary, status, assignee, resolution, created_at, taken_at, closed_at';

const toTask = (r: Record<string, unknown>): AgentTask => ({
  id: Number(r.id),
  requestId: r.request_id as string | null,
  centreId: r.service_centre_id as string | null,
  kind: r.kind as string,
  inboxId: r.inbox_id === null || r.inbox_id === undefined ? null : Number(r.inbox_id),
  replyId: r.reply_id === null || r.reply_id === undefined ? null : Number(r.reply_id),
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

export async function getTask(pool: Pool | PoolClient, taskId: number): Promise<AgentTask | undefined> {
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

export const REVIEW_KIND = 'review_classification';

/** Kinds of task about one inbound event (an inbox row). */
export type InboundTaskKind = 'match_reply' | 'unknown_caller' | 'callback';

/**
 * Opens a task about one inbound event, in the transaction that stored it: an SMS reply no one
 * request can be named for, a call from a number we do not know, a caller asking to be called
 * back. Once per event and kind (a provider retry opens nothing new); a call-back request for a
 * request that already has one open changes nothing.
 */
export async function openInboundTask(
  db: Pool | PoolClient,
  input: { inboxId: number; kind: InboundTaskKind; requestId?: string | null; centreId?: string | null; summary: string },
): Promise<void> {
  await db.query(
    `INSERT INTO agent_tasks (request_id, service_centre_id, kind, inbox_id, summary)
     VALUES ($1, COALESCE($2, (SELECT service_centre_id FROM service_requests WHERE id = $1)), $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [input.requestId ?? null, input.centreId ?? null, input.kind, input.inboxId, input.summary.slice(0, 2000)],
  );
}
/** How much of the reply the review task carries: enough to judge it, bounded for the queue. */
const REVIEW_TEXT_LIMIT = 2000;

/**
 * Opens "review the classification" for a reply the classifier was unsure of, inside the
 * transaction that stores the reply, with the reply's text so the agent can judge it.
 */
export async function openReviewTask(
  db: PoolClient,
  input: { requestId: string; replyId: number; category: string; confidence: number; text: string },
): Promise<void> {
  const text = input.text.length > REVIEW_TEXT_LIMIT ? `${input.text.slice(0, REVIEW_TEXT_LIMIT - 1)}…` : input.text;
  const summary = `review the classification: ${input.category} (confidence ${input.confidence.toFixed(2)}) — "${text}"`;
  await db.query(
    `INSERT INTO agent_tasks (request_id, service_centre_id, kind, reply_id, summary)
     SELECT id, service_centre_id, $2, $3, $4 FROM service_requests WHERE id = $1
     ON CONFLICT (request_id, kind) DO NOTHING`,
    [input.requestId, REVIEW_KIND, input.replyId, summary],
  );
}

export type LabelChange =
  | { outcome: 'done'; task: AgentTask; previous: string }
  /** The same label again (a retry): nothing changes. */
  | { outcome: 'unchanged'; task: AgentTask }
  | { outcome: 'not_found' }
  | { outcome: 'not_a_review'; task: AgentTask }
  | { outcome: 'wrong_status'; task: AgentTask };

/**
 * The agent's label for a reply under review: it replaces the reply's category (the statistics
 * read it from there), clears needs_review, records who labelled it and when (which makes the
 * reply labelled data for the corpus), and closes the task, all in one transaction. The task may
 * be open or taken by the same agent.
 */
export async function labelReviewedReply(pool: Pool, input: { taskId: number; agent: string; category: string }): Promise<LabelChange> {
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query(`SELECT ${COLUMNS} FROM agent_tasks WHERE id = $1 FOR UPDATE`, [input.taskId]);
    if (!rows[0]) return { outcome: 'not_found' } as const;
    const task = toTask(rows[0]);
    if (task.kind !== REVIEW_KIND || task.replyId === null) return { outcome: 'not_a_review', task } as const;
    const resolution = `labelled ${input.category}`;
    if (task.status === 'closed') return task.resolution === resolution ? ({ outcome: 'unchanged', task } as const) : ({ outcome: 'wrong_status', task } as const);
    if (task.status === 'taken' && task.assignee !== input.agent) return { outcome: 'wrong_status', task } as const;
    const reply = await db.query(
      `UPDATE survey_replies SET category = $2, needs_review = false, labelled_by = $3, labelled_at = now()
       WHERE id = $1 RETURNING classified_category`,
      [task.replyId, input.category, input.agent],
    );
    const closed = await db.query(
      `UPDATE agent_tasks SET status = 'closed', assignee = $2, taken_at = COALESCE(taken_at, now()), resolution = $3, closed_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [input.taskId, input.agent, resolution],
    );
    return { outcome: 'done', task: toTask(closed.rows[0]), previous: String(reply.rows[0]?.classified_category ?? '') } as const;
  });
}

/** A reply an agent labelled, in the corpus's form (what the export script writes). */
export interface LabelledReplyRow {
  replyId: number;
  channel: string;
  text: string;
  rating: number | null;
  category: string;
  labelledAt: Date;
}

export async function listLabelledReplies(pool: Pool, filter: { since?: Date } = {}): Promise<LabelledReplyRow[]> {
  const { rows } = await pool.query(
    `SELECT id, channel, COALESCE(text, '') AS text, rating, category, labelled_at FROM survey_replies
     WHERE labelled_at IS NOT NULL AND ($1::timestamptz IS NULL OR labelled_at >= $1)
     ORDER BY labelled_at, id`,
    [filter.since ?? null],
  );
  return rows.map((r) => ({ replyId: Number(r.id), channel: r.channel, text: r.text, rating: r.rating, category: r.category, labelledAt: r.labelled_at }));
}
