-- Up Migration
-- Promotions are advertisements (정보통신망법 제50조): limited to the centres and product fields they
-- are listed for (none listed: all), sent only to customers who consented to marketing.
CREATE TABLE promotion_centres (
  promotion_id      text NOT NULL REFERENCES promotions(id) ON DELETE CASCADE,
  service_centre_id text NOT NULL REFERENCES service_centres(id),
  PRIMARY KEY (promotion_id, service_centre_id)
);

CREATE TABLE promotion_product_fields (
  promotion_id text NOT NULL REFERENCES promotions(id) ON DELETE CASCADE,
  field_code   text NOT NULL REFERENCES product_fields(code),
  PRIMARY KEY (promotion_id, field_code)
);

-- Consents a customer must give before we may send something (opt-in), kept apart from the
-- per-channel opt-outs of service messages (contact_opt_outs):
--   marketing        advertisements (a promotion in the survey);
--   marketing_night  advertisements between 21:00 and 08:00 in the customer's zone as well;
--   whatsapp         messages on WhatsApp at all.
-- A withdrawal keeps the row (when, why); granting again clears it.
CREATE TABLE customer_consents (
  customer_id       text NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  kind              text NOT NULL CHECK (kind IN ('marketing', 'marketing_night', 'whatsapp')),
  granted_at        timestamptz NOT NULL DEFAULT now(),
  source            text NOT NULL,
  withdrawn_at      timestamptz,
  withdrawal_reason text,
  PRIMARY KEY (customer_id, kind)
);

-- Down Migration
DROP TABLE customer_consents;
DROP TABLE promotion_product_fields;
DROP TABLE promotion_centres;
