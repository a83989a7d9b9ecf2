-- Up Migration
-- A reply is matched to exactly its request. Every survey message carries the request's reply
-- code (6 digits, so it can be typed in an SMS or keyed on a phone); it is unique among the
-- requests still open, so a caller from an unknown number can key it too.
ALTER TABLE service_requests ADD COLUMN reply_code text CHECK (reply_code ~ '^[0-9]{6}$');
CREATE UNIQUE INDEX service_requests_open_reply_code ON service_requests (reply_code)
  WHERE reply_code IS NOT NULL AND status <> 'closed';

-- The steps of a customer's call to the centre (menu choices, a call-back request, an opt-out,
-- recording statuses) are stored in the inbox like every inbound event, but signal nothing:
-- they are 'recorded'.
ALTER TABLE inbox DROP CONSTRAINT inbox_status_check;
ALTER TABLE inbox ADD CONSTRAINT inbox_status_check CHECK (status IN ('pending', 'delivered', 'late', 'unmatched', 'recorded'));

-- What cannot be matched to one request waits for a person: an SMS reply from a customer with
-- several open surveys and no (known) code, a call from an unknown number without a valid code.
-- Such a task names the inbox row it is about instead of a request.
ALTER TABLE agent_tasks ALTER COLUMN request_id DROP NOT NULL;
ALTER TABLE agent_tasks ALTER COLUMN service_centre_id DROP NOT NULL;
ALTER TABLE agent_tasks ADD COLUMN inbox_id bigint REFERENCES inbox(id);
ALTER TABLE agent_tasks ADD CONSTRAINT agent_tasks_has_subject CHECK (request_id IS NOT NULL OR inbox_id IS NOT NULL);
CREATE UNIQUE INDEX agent_tasks_one_per_inbox_row ON agent_tasks (inbox_id, kind) WHERE inbox_id IS NOT NULL;
ALTER TABLE agent_tasks DROP CONSTRAINT agent_tasks_kind_check;
ALTER TABLE agent_tasks ADD CONSTRAINT agent_tasks_kind_check
  CHECK (kind IN ('complaint', 'usage_question', 'callback', 'escalation', 'review_classification', 'match_reply', 'unknown_caller'));

-- A spoken message left on the centre's line: Twilio's recording reference, kept with the reply.
-- Twilio's recording status callback names the recording only by its SID.
ALTER TABLE survey_replies ADD COLUMN recording jsonb;
CREATE INDEX survey_replies_by_recording ON survey_replies ((recording->>'sid')) WHERE recording IS NOT NULL;
CREATE INDEX inbox_by_recording ON inbox ((payload->'recording'->>'sid')) WHERE payload ? 'recording';

-- Down Migration
DROP INDEX inbox_by_recording;
DROP INDEX survey_replies_by_recording;
ALTER TABLE survey_replies DROP COLUMN recording;
DELETE FROM agent_tasks WHERE kind IN ('match_reply', 'unknown_caller') OR request_id IS NULL;
ALTER TABLE agent_tasks DROP CONSTRAINT agent_tasks_kind_check;
ALTER TABLE agent_tasks ADD CONSTRAINT agent_tasks_kind_check
  CHECK (kind IN ('complaint', 'usage_question', 'callback', 'escalation', 'review_classification'));
DROP INDEX agent_tasks_one_per_inbox_row;
ALTER TABLE agent_tasks DROP CONSTRAINT agent_tasks_has_subject;
ALTER TABLE agent_tasks DROP COLUMN inbox_id;
ALTER TABLE agent_tasks ALTER COLUMN service_centre_id SET NOT NULL;
ALTER TABLE agent_tasks ALTER COLUMN request_id SET NOT NULL;
UPDATE inbox SET status = 'unmatched' WHERE status = 'recorded';
ALTER TABLE inbox DROP CONSTRAINT inbox_status_check;
ALTER TABLE inbox ADD CONSTRAINT inbox_status_check CHECK (status IN ('pending', 'delivered', 'late', 'unmatched'));
DROP INDEX service_requests_open_reply_code;
ALTER TABLE service_requests DROP COLUMN reply_code;
