-- Up Migration
-- WhatsApp as a survey channel (US claim 27: e-mail or messenger), through Twilio's Messages API.

-- The centre's WhatsApp sender (an E.164 number registered with WhatsApp); NULL: the centre has none.
ALTER TABLE service_centres ADD COLUMN whatsapp_sender text;

ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('sms', 'email', 'voice', 'whatsapp'));

ALTER TABLE survey_replies DROP CONSTRAINT survey_replies_channel_check;
ALTER TABLE survey_replies ADD CONSTRAINT survey_replies_channel_check CHECK (channel IN ('voice', 'sms', 'email', 'web', 'whatsapp'));

ALTER TABLE customers DROP CONSTRAINT customers_preferred_channel_check;
ALTER TABLE customers ADD CONSTRAINT customers_preferred_channel_check CHECK (preferred_channel IN ('email', 'sms', 'whatsapp'));

-- WhatsApp allows free text only within 24 hours of the customer's last message (the customer
-- service window); outside it, a business-initiated message must be an approved template.
CREATE TABLE whatsapp_sessions (
  customer_id     text PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
  last_inbound_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE whatsapp_sessions;
ALTER TABLE customers DROP CONSTRAINT customers_preferred_channel_check;
ALTER TABLE customers ADD CONSTRAINT customers_preferred_channel_check CHECK (preferred_channel IN ('email', 'sms'));
ALTER TABLE survey_replies DROP CONSTRAINT survey_replies_channel_check;
ALTER TABLE survey_replies ADD CONSTRAINT survey_replies_channel_check CHECK (channel IN ('voice', 'sms', 'email', 'web'));
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('sms', 'email', 'voice'));
ALTER TABLE service_centres DROP COLUMN whatsapp_sender;
