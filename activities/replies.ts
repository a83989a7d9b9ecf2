import { inTransaction } from '../db/pool';
import type { SurveyReply } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { unlessUndeliverable } from './errors';
import { escapeHtml } from './messaging/customerMessage';
import { sendOnce } from './messaging/outbox';
import { loadRequestContext } from './requestContext';
import { storeSurveyReply } from '../db/queries/surveyReplies';

/**
 * Stage 7: classify and store (per graded item, KR claim 14), reward (KR claim 8), hand over to a
 * person. Every write is keyed so a retry changes nothing.
 */
export function createReplyActivities({ pool, gateways, log, settings }: ActivityDeps) {
  async function classifyAndStoreReply({ requestId, reply }: { requestId: string; reply: SurveyReply }) {
    const category = await storeSurveyReply(pool, requestId, reply, false, settings.classifierReviewThreshold);
    return { category };
  }

  async function storeLateReply({ requestId, reply }: { requestId: string; reply: SurveyReply }) {
    await storeSurveyReply(pool, requestId, reply, true);
  }

  /**
   * The same points for every answered survey, whatever it says: an incentive conditioned on the
   * sentiment of a review is unlawful in the US (16 CFR 465). The unique index makes it once.
   */
  async function grantReplyIncentive({ requestId }: { requestId: string }): Promise<number> {
    await pool.query(
      `INSERT INTO loyalty_ledger (customer_id, request_id, kind, points, reference)
       SELECT customer_id, id, 'survey_reply_grant', $2, 'survey-reply:' || id FROM service_requests WHERE id = $1
       ON CONFLICT DO NOTHING`,
      [requestId, settings.incentivePoints],
    );
    const { rows } = await pool.query(`SELECT points FROM loyalty_ledger WHERE request_id = $1 AND kind = 'survey_reply_grant'`, [requestId]);
    return rows[0]?.points ?? 0;
  }

  /** A complaint, usage question or call-back request goes to the centre's agent (KR paragraph 62). */
  async function openAgentTask({ requestId, kind }: { requestId: string; kind: 'complaint' | 'usage_question' | 'callback' }) {
    const ctx = await loadRequestContext(pool, requestId);
    const summary = `${kind.replace('_', ' ')} — ${ctx.product}: ${ctx.fault}`;
    await pool.query(
      `INSERT INTO agent_tasks (request_id, service_centre_id, kind, summary) VALUES ($1, $2, $3, $4) ON CONFLICT (request_id, kind) DO NOTHING`,
      [requestId, ctx.centre.id, kind, summary],
    );
    await notifyStaff(ctx.workflowId, requestId, `agent-task-${kind}`, ctx.centre.agentEmail, ctx.centre, `New ${kind.replace('_', ' ')} task`, `${summary}\nRequest ${requestId}. List open tasks with: npm run tasks -- list --centre ${ctx.centre.id}`);
  }

  async function escalateToSupervisor({ requestId, kind }: { requestId: string; kind: 'late_completion' | 'no_technician' }) {
    const ctx = await loadRequestContext(pool, requestId);
    const detail = kind === 'late_completion' ? 'completion is overdue' : 'no technician is free for the wanted window';
    await pool.query('INSERT INTO escalations (request_id, kind, detail) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [requestId, kind, detail]);
    await notifyStaff(ctx.workflowId, requestId, `escalation-${kind}`, ctx.centre.supervisorEmail, ctx.centre, `Escalation: ${detail}`, `Request ${requestId} (${ctx.product}, area ${ctx.areaName}): ${detail}.`);
  }

  /** The task or escalation row is what counts; the email to staff is a courtesy that may bounce. */
  async function notifyStaff(workflowId: string, requestId: string, purpose: string, to: string, centre: { senderEmail: string; senderName: string }, subject: string, text: string) {
    await unlessUndeliverable(log, purpose, () => sendOnce(pool, log, { idempotencyKey: `${workflowId}:${purpose}`, requestId, channel: 'email', purpose, recipient: to, sender: centre.senderEmail, body: { subject, text }, mode: gateways.email.mode }, () =>
      gateways.email.sendEmail({ to, from: { email: centre.senderEmail, name: centre.senderName }, replyTo: centre.senderEmail, subject, text, html: `<p>${escapeHtml(text)}</p>` }),
    ));
  }

  async function recordJobCompleted({ requestId, resolved }: { requestId: string; resolved: boolean }) {
    await pool.query(`UPDATE service_requests SET completion_result = $2, status = 'completed' WHERE id = $1`, [requestId, resolved ? 'resolved' : 'unresolved']);
    await pool.query(`UPDATE bookings SET status = 'completed' WHERE request_id = $1 AND status = 'active'`, [requestId]);
  }

  async function closeServiceRequest({ requestId, closeReason }: { requestId: string; closeReason: string }) {
    await inTransaction(pool, async (db) => {
      await db.query(`UPDATE service_requests SET status = 'closed', close_reason = $2, closed_at = COALESCE(closed_at, now()) WHERE id = $1`, [requestId, closeReason]);
      if (closeReason === 'cancelled') {
        await db.query(`UPDATE bookings SET status = 'released', released_at = now() WHERE request_id = $1 AND status = 'active'`, [requestId]);
      }
    });
  }

  return { classifyAndStoreReply, storeLateReply, grantReplyIncentive, openAgentTask, escalateToSupervisor, recordJobCompleted, closeServiceRequest };
}
