-- Up Migration
-- One row per on-time survey answer with the dimensions the statistics group by. Late replies are
-- kept for the record but never count as the answer, so they stay out of every figure.
-- The technician is the one who did the job: a completed booking wins over an active one, and a
-- released booking only counts when nothing else is left.
CREATE VIEW survey_reply_facts AS
SELECT sr.id                         AS reply_id,
       sr.request_id,
       sr.channel,
       sr.category,
       sr.received_at,
       COALESCE(sr.rating, ov.rating) AS rating,
       r.service_centre_id,
       r.product_field,
       b.technician_id
FROM survey_replies sr
JOIN service_requests r ON r.id = sr.request_id
LEFT JOIN survey_reply_items ov ON ov.reply_id = sr.id AND ov.item = 'overall'
LEFT JOIN LATERAL (
  SELECT technician_id
  FROM bookings
  WHERE request_id = r.id
  ORDER BY (status = 'completed') DESC, (status = 'active') DESC, created_at DESC, id DESC
  LIMIT 1
) b ON true
WHERE NOT sr.late;

-- The report filters answers by when they arrived and surveys by when they went out.
CREATE INDEX survey_replies_on_time_by_received ON survey_replies (received_at) WHERE NOT late;
CREATE INDEX outbox_surveys_by_sent ON outbox (sent_at) WHERE purpose IN ('survey', 'survey-call') AND status = 'sent';
CREATE INDEX bookings_by_request ON bookings (request_id);

-- Down Migration
DROP INDEX bookings_by_request;
DROP INDEX outbox_surveys_by_sent;
DROP INDEX survey_replies_on_time_by_received;
DROP VIEW survey_reply_facts;
