-- Up Migration
-- Each service centre's senders are data (service_centres.sender_phone, sender_email, sender_name,
-- reply_phone; KR claims 10-11, US 30-31). Every outbound message now records the sender it went
-- out from, so "which centre did this customer hear from" is answered by the outbox itself.
-- Rows written before this migration keep NULL: their sender was not recorded.
ALTER TABLE outbox ADD COLUMN sender text;

-- Down Migration
ALTER TABLE outbox DROP COLUMN sender;
