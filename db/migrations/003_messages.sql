-- Up Migration
-- Every outbound message is recorded under its idempotency key before the provider is called,
-- so an activity retry finds the row and never sends twice.
CREATE TABLE outbox (
  id                  bigserial PRIMARY KEY,
  idempotency_key     text NOT NULL UNIQUE,     -- workflow id + purpose + attempt
  request_id          uuid REFERENCES service_requests(id),
  channel             text NOT NULL CHECK (channel IN ('sms', 'email', 'voice')),
  purpose             text NOT NULL,
  recipient           text NOT NULL,
  body                jsonb NOT NULL,
  mode                text NOT NULL CHECK (mode IN ('live', 'sandbox')),
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'retry', 'failed')),  -- retry: a transient error proved nothing was sent
  provider_message_id text,
  error               text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz
);
CREATE INDEX outbox_by_request ON outbox (request_id, created_at);
CREATE UNIQUE INDEX outbox_by_provider_id ON outbox (provider_message_id) WHERE provider_message_id IS NOT NULL;

-- Everything a provider or the web form delivered, stored before it is signalled: never lost.
CREATE TABLE inbox (
  id                bigserial PRIMARY KEY,
  source            text NOT NULL,          -- twilio-sms, twilio-voice, sendgrid-inbound, sendgrid-event, web-form, technician
  event_id          text NOT NULL,          -- the provider's own id, so a provider retry is one row
  request_id        uuid REFERENCES service_requests(id),
  kind              text NOT NULL,
  payload           jsonb NOT NULL,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'late', 'unmatched')),
  attempts          int NOT NULL DEFAULT 0,
  last_error        text,
  received_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at      timestamptz,
  UNIQUE (source, event_id)
);
CREATE INDEX inbox_pending ON inbox (received_at) WHERE status = 'pending';

-- Unguessable single-use links (web survey form, technician choice page); only a hash is kept.
CREATE TABLE access_tokens (
  token_hash  text PRIMARY KEY,
  purpose     text NOT NULL CHECK (purpose IN ('survey', 'choice', 'email-reply', 'unsubscribe')),
  request_id  uuid NOT NULL REFERENCES service_requests(id),
  customer_id text NOT NULL REFERENCES customers(id),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_tokens_by_request ON access_tokens (request_id, purpose);

CREATE TABLE promotions (
  id        text PRIMARY KEY,
  title_en  text NOT NULL,
  title_ko  text NOT NULL,
  body_en   text NOT NULL,
  body_ko   text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at   timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);

CREATE TABLE call_attempts (
  call_sid    text PRIMARY KEY,
  request_id  uuid NOT NULL REFERENCES service_requests(id),
  outcome     text,
  rating      int CHECK (rating BETWEEN 1 AND 5),
  started_at  timestamptz NOT NULL DEFAULT now(),
  ended_at    timestamptz
);

-- Down Migration
DROP TABLE call_attempts;
DROP TABLE promotions;
DROP TABLE access_tokens;
DROP TABLE inbox;
DROP TABLE outbox;
