-- Up Migration
-- The relay looks for technician reports not yet passed on to their workflow every few seconds.
CREATE INDEX technician_progress_unsignalled ON technician_progress (id) WHERE signalled_at IS NULL;

-- Down Migration
DROP INDEX technician_progress_unsignalled;
