-- Up Migration
-- The operator console: people who sign in (operators), their sessions, their notes on agent tasks,
-- who assigned an unmatched inbound message to a request, and a log of every time a person was
-- shown a customer's personal data (contact details, reply text).

CREATE TABLE operators (
  username      text PRIMARY KEY CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
  display_name  text NOT NULL,
  -- scrypt$N$r$p$salt$hash (node:crypto scrypt); never the password itself.
  password_hash text NOT NULL,
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of the session token is kept: a copy of this table opens no session. The CSRF token
-- every form of the session must carry lives with it.
CREATE TABLE operator_sessions (
  token_hash   text PRIMARY KEY,
  username     text NOT NULL REFERENCES operators(username) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ended_at     timestamptz
);
CREATE INDEX operator_sessions_by_operator ON operator_sessions (username, created_at);

CREATE TABLE agent_task_notes (
  id         bigserial PRIMARY KEY,
  task_id    bigint NOT NULL REFERENCES agent_tasks(id) ON DELETE CASCADE,
  author     text NOT NULL REFERENCES operators(username),
  body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_task_notes_by_task ON agent_task_notes (task_id, created_at);

-- Who, when and whose data: one row each time the console showed personal data to a person.
CREATE TABLE personal_data_access_log (
  id          bigserial PRIMARY KEY,
  username    text NOT NULL REFERENCES operators(username),
  customer_id text REFERENCES customers(id),
  request_id  uuid REFERENCES service_requests(id),
  inbox_id    bigint REFERENCES inbox(id),
  what        text NOT NULL CHECK (what IN ('task_contact', 'unmatched_message', 'customer_consent')),
  accessed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX personal_data_access_by_customer ON personal_data_access_log (customer_id, accessed_at);
CREATE INDEX personal_data_access_by_operator ON personal_data_access_log (username, accessed_at);

-- An unmatched message an operator gave a request: the row becomes pending and is delivered like
-- any other inbox row; these say who did it and when.
ALTER TABLE inbox
  ADD COLUMN assigned_by text REFERENCES operators(username),
  ADD COLUMN assigned_at timestamptz,
  ADD CONSTRAINT inbox_assignment_complete CHECK ((assigned_by IS NULL) = (assigned_at IS NULL));
CREATE INDEX inbox_unmatched ON inbox (received_at) WHERE status = 'unmatched';

-- Down Migration
DROP INDEX inbox_unmatched;
ALTER TABLE inbox DROP CONSTRAINT inbox_assignment_complete, DROP COLUMN assigned_at, DROP COLUMN assigned_by;
DROP TABLE personal_data_access_log;
DROP TABLE agent_task_notes;
DROP TABLE operator_sessions;
DROP TABLE operators;
