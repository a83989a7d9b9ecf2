import type { Pool } from '../pool';

/**
 * A request's life from PostgreSQL, in order: the stages it went through (with their times), the
 * messages sent (channel and purpose, never the recipient or body), the replies, the points.
 */
export type TimelineStage = 'intake' | 'assignment' | 'visit' | 'call' | 'survey' | 'reply' | 'incentive' | 'staff' | 'closed';

export interface TimelineEvent {
  at: Date;
  stage: TimelineStage;
  /** A stable key for the page's words: booking.active, message.sent, reply.stored, ... */
  event: string;
  detail: string;
}

export interface RequestTimeline {
  request: {
    id: string;
    workflowId: string;
    customerId: string;
    centreId: string;
    productField: string;
    status: string;
    closeReason: string | null;
    completionResult: string | null;
    createdAt: Date;
    closedAt: Date | null;
  };
  events: TimelineEvent[];
  points: number;
}

const EVENTS_SQL = `
  SELECT created_at AS at, 'intake' AS stage, 'request.created' AS event, product_field || coalesce(' ' || product_model, '') AS detail
    FROM service_requests WHERE id = $1
  UNION ALL
  SELECT created_at, 'assignment', 'booking.made', technician_id || ' ' || lower(during)::text || ' – ' || upper(during)::text FROM bookings WHERE request_id = $1
  UNION ALL
  SELECT released_at, 'assignment', 'booking.released', technician_id FROM bookings WHERE request_id = $1 AND released_at IS NOT NULL
  UNION ALL
  SELECT reported_at, 'visit', 'technician.' || status, technician_id FROM technician_progress WHERE request_id = $1
  UNION ALL
  SELECT started_at, 'call', 'call.' || coalesce(outcome, 'started'), coalesce('rating ' || rating, '') FROM call_attempts WHERE request_id = $1
  UNION ALL
  SELECT coalesce(sent_at, created_at), CASE WHEN purpose LIKE 'survey%' OR purpose LIKE 'reminder%' THEN 'survey' WHEN purpose LIKE 'agent-task%' OR purpose LIKE 'escalation%' THEN 'staff' ELSE 'assignment' END,
         'message.' || status, channel || ' · ' || purpose FROM outbox WHERE request_id = $1
  UNION ALL
  SELECT received_at, 'reply', 'inbound.' || status, source || ' · ' || kind FROM inbox WHERE request_id = $1 AND kind IN ('survey-reply', 'call-outcome', 'delivery-failed')
  UNION ALL
  SELECT received_at, 'reply', CASE WHEN late THEN 'reply.late' ELSE 'reply.stored' END, channel || ' · ' || category || coalesce(' · ' || rating || '/5', '') FROM survey_replies WHERE request_id = $1
  UNION ALL
  SELECT created_at, 'incentive', 'points.' || kind, points::text FROM loyalty_ledger WHERE request_id = $1
  UNION ALL
  SELECT created_at, 'staff', 'escalation.' || kind, detail FROM escalations WHERE request_id = $1
  UNION ALL
  SELECT created_at, 'staff', 'task.opened', kind FROM agent_tasks WHERE request_id = $1
  UNION ALL
  SELECT closed_at, 'staff', 'task.closed', kind || coalesce(' · ' || assignee, '') FROM agent_tasks WHERE request_id = $1 AND closed_at IS NOT NULL
  UNION ALL
  SELECT closed_at, 'closed', 'request.closed', coalesce(close_reason, '') FROM service_requests WHERE id = $1 AND closed_at IS NOT NULL
  ORDER BY 1, 2`;

export async function requestTimeline(pool: Pool, requestId: string): Promise<RequestTimeline | undefined> {
  const { rows } = await pool.query(
    `SELECT id, workflow_id, customer_id, service_centre_id, product_field, status, close_reason, completion_result, created_at, closed_at FROM service_requests WHERE id = $1`,
    [requestId],
  );
  const r = rows[0];
  if (!r) return undefined;
  const events = await pool.query(EVENTS_SQL, [requestId]);
  const points = await pool.query(`SELECT coalesce(sum(points), 0)::int AS points FROM loyalty_ledger WHERE request_id = $1`, [requestId]);
  return {
    request: {
      id: r.id,
      workflowId: r.workflow_id,
      customerId: r.customer_id,
      centreId: r.service_centre_id,
      productField: r.product_field,
      status: r.status,
      closeReason: r.close_reason,
      completionResult: r.completion_result,
      createdAt: r.created_at,
      closedAt: r.closed_at,
    },
    events: events.rows.map((e) => ({ at: e.at, stage: e.stage, event: e.event, detail: e.detail })),
    points: points.rows[0].points,
  };
}
