-- Up Migration
-- The relay retries undelivered inbox rows with a growing pause; this is when a row is next due.
ALTER TABLE inbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX inbox_due ON inbox (next_attempt_at) WHERE status = 'pending';

-- Down Migration
DROP INDEX inbox_due;
ALTER TABLE inbox DROP COLUMN next_attempt_at;
