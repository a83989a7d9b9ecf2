import { inTransaction, type Pool } from '../pool';
import { acceptInbound } from './inbox';

export type JobErrorCode = 'unknown_request' | 'not_theirs' | 'unknown_sensitivity' | 'event_conflict' | 'too_many_reports';

/** What one request keeps at most: a job has a handful of reports, never thousands. */
export const MAX_REPORTS_PER_REQUEST = 50;

/** A technician's report refused; the message names the problem and `code` picks the HTTP status. */
export class JobReportError extends Error {
  override name = 'JobReportError';
  constructor(
    readonly code: JobErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type ReportStatus = 'en_route' | 'arrived' | 'working' | 'completed';

export interface TechnicianReport {
  requestId: string;
  technicianId: string;
  /** The technician app's idempotency key for this report (namespaced here by the technician's id). */
  eventKey: string;
  status: ReportStatus;
  note?: string;
  resolved?: boolean;
  sensitivityClass?: string;
  at: Date;
}

export interface StoredReport {
  eventId: string;
  /** The inbox row through which the workflow hears of the report (none for reports passed on before migration 050). */
  inboxId?: number;
  status: ReportStatus;
  resolved: boolean | null;
  reportedAt: Date;
  /** The same event id was reported before: nothing was written again. */
  duplicate: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Stores a progress or completion report (US claims 2, 40) and, with a completion, the customer's
 * re-judged sensitivity class (claims 21-23), in one transaction. Only the technician who holds
 * (or held) the booking may report on a job.
 */
export async function recordTechnicianReport(pool: Pool, input: TechnicianReport): Promise<StoredReport> {
  if (!UUID.test(input.requestId)) throw new JobReportError('unknown_request', `service request ${input.requestId} is not registered`);
  // Two technicians' apps can never collide on an id; the inbox row is "technician:<technician>:<key>" too.
  const inboxEventId = `${input.technicianId}:${input.eventKey}`;
  const report = { ...input, eventId: `technician:${inboxEventId}` };
  return inTransaction(pool, async (db) => {
    // The request row is locked so that the cap below holds when reports arrive at once.
    const request = await db.query('SELECT customer_id FROM service_requests WHERE id = $1 FOR NO KEY UPDATE', [report.requestId]);
    if (!request.rows[0]) throw new JobReportError('unknown_request', `service request ${report.requestId} is not registered`);
    const booking = await db.query(
      `SELECT 1 FROM bookings WHERE request_id = $1 AND technician_id = $2 AND status IN ('active', 'completed')`,
      [report.requestId, report.technicianId],
    );
    if (booking.rowCount === 0) {
      throw new JobReportError('not_theirs', `service request ${report.requestId} is not assigned to technician ${report.technicianId}`);
    }
    if (report.sensitivityClass !== undefined) {
      const known = await db.query('SELECT 1 FROM sensitivity_classes WHERE code = $1', [report.sensitivityClass]);
      if (known.rowCount === 0) throw new JobReportError('unknown_sensitivity', `sensitivityClass "${report.sensitivityClass}" is not a known sensitivity class`);
    }

    const kept = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM technician_progress WHERE request_id = $1', [report.requestId]);
    const full = (kept.rows[0]?.n ?? 0) >= MAX_REPORTS_PER_REQUEST;

    const inserted = await db.query(
      `INSERT INTO technician_progress (event_id, request_id, technician_id, status, note, resolved, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING RETURNING reported_at`,
      [report.eventId, report.requestId, report.technicianId, report.status, report.note ?? null, report.resolved ?? null, report.at],
    );
    if (!inserted.rows[0]) return sameReportAgain(db, report, inboxEventId);
    if (full) throw new JobReportError('too_many_reports', `service request ${report.requestId} already has ${MAX_REPORTS_PER_REQUEST} reports; no more are kept`);
    const reportedAt: Date = inserted.rows[0].reported_at;
    const inbox = await acceptInbound(db, {
      source: 'technician',
      eventId: inboxEventId,
      requestId: report.requestId,
      kind: 'technician-report',
      payload: { technicianId: report.technicianId, status: report.status, ...(report.resolved !== undefined ? { resolved: report.resolved } : {}), at: reportedAt.toISOString() },
    });

    if (report.status === 'completed' && report.sensitivityClass !== undefined) {
      const customerId: string = request.rows[0].customer_id;
      const before = await db.query('SELECT sensitivity_class FROM customers WHERE id = $1 FOR UPDATE', [customerId]);
      await db.query('UPDATE customers SET sensitivity_class = $2, updated_at = $3 WHERE id = $1', [customerId, report.sensitivityClass, report.at]);
      await db.query(
        `INSERT INTO sensitivity_judgements (customer_id, request_id, technician_id, event_id, previous_class, new_class, judged_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [customerId, report.requestId, report.technicianId, report.eventId, before.rows[0].sensitivity_class, report.sensitivityClass, report.at],
      );
    }
    return { eventId: report.eventId, inboxId: inbox.id, status: report.status, resolved: report.resolved ?? null, reportedAt, duplicate: false };
  });
}

/** A retried report is answered with what was stored the first time; a different report under a used id is refused. */
async function sameReportAgain(db: { query: Pool['query'] }, report: TechnicianReport & { eventId: string }, inboxEventId: string): Promise<StoredReport> {
  const { rows } = await db.query('SELECT request_id, technician_id, status, resolved, reported_at FROM technician_progress WHERE event_id = $1', [report.eventId]);
  const r = rows[0];
  if (!r || r.request_id !== report.requestId || r.technician_id !== report.technicianId || r.status !== report.status) {
    throw new JobReportError('event_conflict', `eventId was already used for a different report`);
  }
  const inbox = await db.query<{ id: string }>(`SELECT id FROM inbox WHERE source = 'technician' AND event_id = $1`, [inboxEventId]);
  return { eventId: report.eventId, inboxId: inbox.rows[0] ? Number(inbox.rows[0].id) : undefined, status: r.status, resolved: r.resolved, reportedAt: r.reported_at, duplicate: true };
}

/** The technician a bearer token belongs to; only the token's hash is ever stored or compared. */
export async function technicianByTokenHash(pool: Pool, tokenHash: string): Promise<{ id: string; active: boolean } | undefined> {
  const { rows } = await pool.query('SELECT id, active FROM technicians WHERE access_token_hash = $1', [tokenHash]);
  return rows[0] && { id: rows[0].id, active: rows[0].active };
}
