-- Up Migration
-- The service network: who serves where, in which product fields, and when technicians are free.
CREATE EXTENSION IF NOT EXISTS btree_gist; -- lets one exclusion constraint mix "=" on ids with "&&" on time ranges

CREATE TABLE service_centres (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  time_zone       text NOT NULL,
  sender_name     text NOT NULL,
  sender_email    text NOT NULL,
  sender_phone    text NOT NULL,           -- E.164 number SMS and calls go out from
  reply_phone     text NOT NULL,           -- the satisfaction agent's line / IVR the customer can call back (KR claims 10-11)
  supervisor_email text NOT NULL,
  agent_email     text NOT NULL
);

CREATE TABLE areas (
  code              text PRIMARY KEY,      -- postal or region code
  name              text NOT NULL,
  service_centre_id text NOT NULL REFERENCES service_centres(id)
);

CREATE TABLE product_fields (
  code text PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE sensitivity_classes (
  code        text PRIMARY KEY,
  label       text NOT NULL,
  guidance_en text NOT NULL,
  guidance_ko text NOT NULL
);

CREATE TABLE technicians (
  id                text PRIMARY KEY,
  name              text NOT NULL,
  introduction      text NOT NULL,
  phone             text,
  email             text,
  terminal_channel  text NOT NULL CHECK (terminal_channel IN ('sms', 'email')),
  service_centre_id text NOT NULL REFERENCES service_centres(id),
  active            boolean NOT NULL DEFAULT true,
  access_token_hash text NOT NULL UNIQUE,
  CHECK ((terminal_channel = 'sms' AND phone IS NOT NULL) OR (terminal_channel = 'email' AND email IS NOT NULL))
);

CREATE TABLE technician_fields (
  technician_id text NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
  field_code    text NOT NULL REFERENCES product_fields(code),
  PRIMARY KEY (technician_id, field_code)
);
CREATE INDEX technician_fields_by_field ON technician_fields (field_code, technician_id);

CREATE TABLE technician_areas (
  technician_id text NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
  area_code     text NOT NULL REFERENCES areas(code),
  PRIMARY KEY (technician_id, area_code)
);
CREATE INDEX technician_areas_by_area ON technician_areas (area_code, technician_id);

-- Working slots a technician registers before the day starts (US claim 42).
CREATE TABLE technician_slots (
  id            bigserial PRIMARY KEY,
  technician_id text NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
  during        tstzrange NOT NULL CHECK (NOT isempty(during)),
  registered_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT technician_slots_no_overlap EXCLUDE USING gist (technician_id WITH =, during WITH &&)
);

-- Down Migration
DROP TABLE technician_slots;
DROP TABLE technician_areas;
DROP TABLE technician_fields;
DROP TABLE technicians;
DROP TABLE sensitivity_classes;
DROP TABLE product_fields;
DROP TABLE areas;
DROP TABLE service_centres;
