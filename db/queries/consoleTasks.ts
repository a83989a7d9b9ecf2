import { inTransaction, type Pool } from '../pool';
import { getTask, type AgentTask } from './agentTasks';
import { logPersonalDataAccess } from './consoleAccessLog';

/** What an agent sees of a task in the console: the customer's contact details and their reply. */
export interface TaskCase {
  task: AgentTask;
  /**
   * Null for a task about an inbound event no request could be matched to (an SMS reply with
   * several open surveys, a caller nobody knows): its summary and the unmatched messages say more.
   */
  customer: { id: string; name: string; email: string | null; mobile: string | null; language: string } | null;
  request: { productField: string; faultDescription: string; status: string; workflowId: string } | null;
  /** The reply the task is about (the one under review, else the request's latest). */
  reply: { id: number; channel: string; rating: number | null; text: string | null; category: string; receivedAt: Date; items: Record<string, number> } | null;
  notes: TaskNote[];
}

export interface TaskNote {
  author: string;
  body: string;
  createdAt: Date;
}

/**
 * Opens a task's case for an operator. The contact details and the reply text are personal data,
 * so reading them and logging who read them happen in one transaction: no read without its row.
 */
export async function openTaskCase(pool: Pool, input: { taskId: number; username: string }): Promise<TaskCase | undefined> {
  const task = await getTask(pool, input.taskId);
  if (!task) return undefined;
  return inTransaction(pool, async (db) => {
    if (task.requestId === null) {
      // The summary may name the caller's number: reading it is logged like contact details.
      await logPersonalDataAccess(db, [{ username: input.username, what: 'task_contact', inboxId: task.inboxId }]);
      return { task, customer: null, request: null, reply: null, notes: await notesOf(db, input.taskId) };
    }
    const { rows } = await db.query(
      `SELECT c.id, c.name, c.email, c.mobile, c.language, r.product_field, r.fault_description, r.status, r.workflow_id
         FROM service_requests r JOIN customers c ON c.id = r.customer_id WHERE r.id = $1`,
      [task.requestId],
    );
    const r = rows[0];
    const replies = await db.query(
      `SELECT sr.id, sr.channel, sr.rating, sr.text, sr.category, sr.received_at,
              COALESCE((SELECT jsonb_object_agg(i.item, i.rating) FROM survey_reply_items i WHERE i.reply_id = sr.id), '{}'::jsonb) AS items
         FROM survey_replies sr
        WHERE sr.request_id = $1 AND ($2::bigint IS NULL OR sr.id = $2)
        ORDER BY sr.received_at DESC, sr.id DESC LIMIT 1`,
      [task.requestId, task.replyId],
    );
    const reply = replies.rows[0];
    await logPersonalDataAccess(db, [{ username: input.username, what: 'task_contact', customerId: r.id, requestId: task.requestId }]);
    return {
      task,
      customer: { id: r.id, name: r.name, email: r.email, mobile: r.mobile, language: r.language },
      request: { productField: r.product_field, faultDescription: r.fault_description, status: r.status, workflowId: r.workflow_id },
      reply: reply
        ? { id: Number(reply.id), channel: reply.channel, rating: reply.rating, text: reply.text, category: reply.category, receivedAt: reply.received_at, items: reply.items }
        : null,
      notes: await notesOf(db, input.taskId),
    };
  });
}

async function notesOf(db: Pick<Pool, 'query'>, taskId: number): Promise<TaskNote[]> {
  const { rows } = await db.query(`SELECT author, body, created_at FROM agent_task_notes WHERE task_id = $1 ORDER BY created_at, id`, [taskId]);
  return rows.map((n) => ({ author: n.author, body: n.body, createdAt: n.created_at }));
}

/** A note on a task, whatever its status (a closed task can still be annotated). */
export async function addTaskNote(pool: Pool, input: { taskId: number; author: string; body: string }): Promise<'added' | 'not_found'> {
  const { rowCount } = await pool.query(
    `INSERT INTO agent_task_notes (task_id, author, body) SELECT id, $2, $3 FROM agent_tasks WHERE id = $1`,
    [input.taskId, input.author, input.body],
  );
  return rowCount === 1 ? 'added' : 'not_found';
}
