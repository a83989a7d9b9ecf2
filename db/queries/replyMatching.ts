import { inTransaction, type Pool } from '../pool';
import { getTask, type AgentTask } from './agentTasks';

export type ReplyMatch =
  | { outcome: 'done'; task: AgentTask; inboxId: number }
  /** The same request again (a retry): nothing changes. */
  | { outcome: 'unchanged'; task: AgentTask }
  | { outcome: 'not_found' }
  | { outcome: 'not_a_match_task'; task: AgentTask }
  | { outcome: 'wrong_status'; task: AgentTask }
  | { outcome: 'not_their_request'; task: AgentTask };

/**
 * An agent credits an SMS reply that could answer several open surveys to the one it answers: the
 * reply's inbox row gets the request and becomes pending (the relay signals it as it does every
 * reply), and the task closes, in one transaction. The request must be one of the sender's.
 */
export async function matchReplyToRequest(pool: Pool, input: { taskId: number; agent: string; requestId: string }): Promise<ReplyMatch> {
  return inTransaction(pool, async (db) => {
    const locked = await db.query(`SELECT kind, status, assignee, inbox_id FROM agent_tasks WHERE id = $1 FOR UPDATE`, [input.taskId]);
    const row = locked.rows[0];
    if (!row) return { outcome: 'not_found' } as const;
    const task = (await getTask(db, input.taskId))!;
    if (row.kind !== 'match_reply' || row.inbox_id === null) return { outcome: 'not_a_match_task', task } as const;
    const resolution = `matched to request ${input.requestId}`;
    if (row.status === 'closed') return task.resolution === resolution ? ({ outcome: 'unchanged', task } as const) : ({ outcome: 'wrong_status', task } as const);
    if (row.status === 'taken' && row.assignee !== input.agent) return { outcome: 'wrong_status', task } as const;
    const theirs = await db.query(
      `SELECT 1 FROM inbox i JOIN customers c ON c.mobile = i.payload->'raw'->>'From' JOIN service_requests r ON r.customer_id = c.id
        WHERE i.id = $1 AND r.id = $2`,
      [row.inbox_id, input.requestId],
    );
    if (!theirs.rows[0]) return { outcome: 'not_their_request', task } as const;
    await db.query(`UPDATE inbox SET request_id = $2, status = 'pending', next_attempt_at = now() WHERE id = $1 AND status = 'unmatched'`, [row.inbox_id, input.requestId]);
    await db.query(
      `UPDATE agent_tasks SET status = 'closed', assignee = $2, taken_at = COALESCE(taken_at, now()), resolution = $3, closed_at = now() WHERE id = $1`,
      [input.taskId, input.agent, resolution],
    );
    return { outcome: 'done', task: (await getTask(db, input.taskId))!, inboxId: Number(row.inbox_id) } as const;
  });
}
