-- Up Migration
CREATE TABLE customers (
  id                text PRIMARY KEY,
  name              text NOT NULL,
  email             text,
  mobile            text,                  -- E.164
  language          text NOT NULL DEFAULT 'ko' CHECK (language IN ('ko', 'en')),
  time_zone         text NOT NULL,
  area_code         text NOT NULL REFERENCES areas(code),
  sensitivity_class text NOT NULL REFERENCES sensitivity_classes(code),
  preferred_channel text CHECK (preferred_channel IN ('email', 'sms')),
  email_requested   boolean NOT NULL DEFAULT false,  -- known customer without email: ask for one (KR claims 16-17)
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_by_mobile ON customers (mobile) WHERE mobile IS NOT NULL;

-- Consent per channel; STOP / unsubscribe / spam report write here, START clears it.
CREATE TABLE contact_opt_outs (
  customer_id text NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  channel     text NOT NULL CHECK (channel IN ('voice', 'sms', 'email')),
  reason      text NOT NULL,
  opted_out_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, channel)
);

CREATE TABLE service_requests (
  id                uuid PRIMARY KEY,
  workflow_id       text NOT NULL UNIQUE,
  customer_id       text NOT NULL REFERENCES customers(id),
  product_field     text NOT NULL REFERENCES product_fields(code),
  product_model     text,
  fault_description text NOT NULL,
  area_code         text NOT NULL REFERENCES areas(code),
  service_centre_id text NOT NULL REFERENCES service_centres(id),
  wanted_during     tstzrange NOT NULL,
  revisit_of        uuid REFERENCES service_requests(id),
  status            text NOT NULL DEFAULT 'open',
  close_reason      text,
  completion_result text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  closed_at         timestamptz
);
CREATE INDEX service_requests_by_customer ON service_requests (customer_id, created_at);

-- A booking holds a piece of a technician's slot. Two requests can never hold overlapping time
-- of one technician: the exclusion constraint decides the race, not application code.
CREATE TABLE bookings (
  id            bigserial PRIMARY KEY,
  request_id    uuid NOT NULL REFERENCES service_requests(id),
  technician_id text NOT NULL REFERENCES technicians(id),
  slot_id       bigint NOT NULL REFERENCES technician_slots(id),
  during        tstzrange NOT NULL,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released', 'completed')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  released_at   timestamptz,
  CONSTRAINT bookings_no_double_booking EXCLUDE USING gist (technician_id WITH =, during WITH &&) WHERE (status = 'active')
);
CREATE UNIQUE INDEX bookings_one_active_per_request ON bookings (request_id) WHERE status = 'active';

CREATE TABLE candidate_offers (
  request_id    uuid NOT NULL REFERENCES service_requests(id),
  technician_id text NOT NULL REFERENCES technicians(id),
  slot_id       bigint NOT NULL REFERENCES technician_slots(id),
  starts_at     timestamptz NOT NULL,
  rank          int NOT NULL,
  PRIMARY KEY (request_id, technician_id)
);

CREATE TABLE technician_progress (
  id            bigserial PRIMARY KEY,
  event_id      text NOT NULL UNIQUE,
  request_id    uuid NOT NULL REFERENCES service_requests(id),
  technician_id text NOT NULL REFERENCES technicians(id),
  status        text NOT NULL CHECK (status IN ('en_route', 'arrived', 'working', 'completed')),
  note          text,
  reported_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX technician_progress_by_request ON technician_progress (request_id, reported_at);

CREATE TABLE escalations (
  id          bigserial PRIMARY KEY,
  request_id  uuid NOT NULL REFERENCES service_requests(id),
  kind        text NOT NULL,
  detail      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (request_id, kind)
);

-- Down Migration
DROP TABLE escalations;
DROP TABLE technician_progress;
DROP TABLE candidate_offers;
DROP TABLE bookings;
DROP TABLE service_requests;
DROP TABLE contact_opt_outs;
DROP TABLE customers;
