-- Up Migration
CREATE TABLE survey_replies (
  id            bigserial PRIMARY KEY,
  request_id    uuid NOT NULL REFERENCES service_requests(id),
  inbox_id      bigint UNIQUE REFERENCES inbox(id),
  channel       text NOT NULL CHECK (channel IN ('voice', 'sms', 'email', 'web')),
  rating        int CHECK (rating BETWEEN 1 AND 5),
  text          text,
  category      text NOT NULL CHECK (category IN ('repeat_failure', 'usage_question', 'complaint', 'delighted', 'satisfied')),
  late          boolean NOT NULL DEFAULT false,
  received_at   timestamptz NOT NULL,
  stored_at     timestamptz NOT NULL DEFAULT now()
);
-- One on-time answer per request counts; late replies are kept for the record.
CREATE UNIQUE INDEX survey_replies_one_answer ON survey_replies (request_id) WHERE NOT late;

-- Graded items (KR claim 7): kindness, punctuality, fixed, overall, ...
CREATE TABLE survey_reply_items (
  reply_id bigint NOT NULL REFERENCES survey_replies(id) ON DELETE CASCADE,
  item     text NOT NULL,
  rating   int NOT NULL CHECK (rating BETWEEN 1 AND 5),
  PRIMARY KEY (reply_id, item)
);

-- Loyalty points (KR claim 8). One grant per answered request, enforced here.
CREATE TABLE loyalty_ledger (
  id          bigserial PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  request_id  uuid REFERENCES service_requests(id),
  kind        text NOT NULL CHECK (kind IN ('survey_reply_grant', 'redemption')),
  points      int NOT NULL CHECK (points <> 0),
  reference   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, reference)
);
CREATE UNIQUE INDEX loyalty_one_grant_per_request ON loyalty_ledger (request_id) WHERE kind = 'survey_reply_grant';
CREATE INDEX loyalty_by_customer ON loyalty_ledger (customer_id, created_at);

CREATE TABLE agent_tasks (
  id                bigserial PRIMARY KEY,
  request_id        uuid NOT NULL REFERENCES service_requests(id),
  service_centre_id text NOT NULL REFERENCES service_centres(id),
  kind              text NOT NULL CHECK (kind IN ('complaint', 'usage_question', 'callback', 'escalation')),
  summary           text NOT NULL,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'taken', 'closed')),
  assignee          text,
  resolution        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  taken_at          timestamptz,
  closed_at         timestamptz,
  UNIQUE (request_id, kind)
);
CREATE INDEX agent_tasks_open ON agent_tasks (service_centre_id, status, created_at);

-- Down Migration
DROP TABLE agent_tasks;
DROP TABLE loyalty_ledger;
DROP TABLE survey_reply_items;
DROP TABLE survey_replies;
