-- Up Migration
-- Technician reports and customers' technician choices reach their workflow through the inbox
-- like every other inbound event, so the reports' own "signalled" bookkeeping goes. Reports stored
-- but not passed on yet become inbox rows first, so none is lost on the way.
INSERT INTO inbox (source, event_id, request_id, kind, payload, received_at)
SELECT 'technician', substr(p.event_id, length('technician:') + 1), p.request_id, 'technician-report',
       jsonb_build_object('technicianId', p.technician_id, 'status', p.status, 'resolved', p.resolved, 'at', to_char(p.reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
       p.reported_at
  FROM technician_progress p
 WHERE p.signalled_at IS NULL AND p.event_id LIKE 'technician:%'
ON CONFLICT (source, event_id) DO NOTHING;
DROP INDEX technician_progress_unsignalled;
ALTER TABLE technician_progress DROP COLUMN signalled_at;

-- Down Migration
ALTER TABLE technician_progress ADD COLUMN signalled_at timestamptz;
UPDATE technician_progress SET signalled_at = reported_at;
CREATE INDEX technician_progress_unsignalled ON technician_progress (id) WHERE signalled_at IS NULL;
