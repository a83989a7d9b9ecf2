import { WorkflowNotFoundError } from '@temporalio/client';
import type { PoolClient } from '../../../db/pool';
import { jobCompletedSignal, serviceRequestWorkflowId, technicianProgressSignal } from '../../../workflows/messages';
import type { DeliveryDeps } from './deliver';

/**
 * Technician reports are stored before they are signalled (technician_progress, signalled_at
 * empty until the workflow has them). A report whose signal failed — Temporal was down — is passed
 * on here, once the technician app has had its own chance to retry it.
 */
export async function relayTechnicianReports(deps: DeliveryDeps, db: PoolClient, batchSize: number): Promise<number> {
  const { rows } = await db.query(
    `SELECT p.event_id, p.request_id, p.technician_id, p.status, p.resolved, p.reported_at, r.status AS request_status
       FROM technician_progress p JOIN service_requests r ON r.id = p.request_id
      WHERE p.signalled_at IS NULL AND p.reported_at < now() - interval '10 seconds'
      ORDER BY p.id LIMIT $1 FOR NO KEY UPDATE OF p SKIP LOCKED`,
    [batchSize],
  );
  let handled = 0;
  for (const r of rows) {
    const at = new Date(r.reported_at).toISOString();
    const handle = deps.temporal.workflow.getHandle(serviceRequestWorkflowId(r.request_id));
    try {
      // A closed request has nothing left to hear; the report stays on record all the same.
      if (r.request_status !== 'closed') {
        await deps.temporal.withAbortSignal(AbortSignal.timeout(deps.signalTimeoutMs ?? 3000), () =>
          r.status === 'completed'
            ? handle.signal(jobCompletedSignal, { eventId: r.event_id, technicianId: r.technician_id, resolved: r.resolved ?? false, at })
            : handle.signal(technicianProgressSignal, { eventId: r.event_id, technicianId: r.technician_id, status: r.status, at }),
        );
      }
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) {
        deps.log.warn({ eventId: r.event_id, err: (err as Error).message }, 'relay: technician report not passed on yet');
        continue;
      }
    }
    await db.query('UPDATE technician_progress SET signalled_at = now() WHERE event_id = $1', [r.event_id]);
    handled++;
  }
  return handled;
}
