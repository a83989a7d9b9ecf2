import type { Pool } from '../pool';

/** Escalations to a supervisor (late completion, no technician, a released booking, a failed dispatch), newest first. */
export interface EscalationRow {
  id: number;
  requestId: string;
  workflowId: string;
  kind: string;
  detail: string;
  centreId: string;
  requestStatus: string;
  createdAt: Date;
}

export async function listEscalations(pool: Pool, filter: { kind?: string; centreId?: string; limit?: number } = {}): Promise<EscalationRow[]> {
  const { rows } = await pool.query(
    `SELECT e.id, e.request_id, r.workflow_id, e.kind, e.detail, r.service_centre_id, r.status, e.created_at
       FROM escalations e JOIN service_requests r ON r.id = e.request_id
      WHERE ($1::text IS NULL OR e.kind = $1) AND ($2::text IS NULL OR r.service_centre_id = $2)
      ORDER BY e.created_at DESC, e.id DESC LIMIT $3`,
    [filter.kind ?? null, filter.centreId ?? null, filter.limit ?? 200],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    requestId: r.request_id,
    workflowId: r.workflow_id,
    kind: r.kind,
    detail: r.detail,
    centreId: r.service_centre_id,
    requestStatus: r.status,
    createdAt: r.created_at,
  }));
}
