-- Up Migration
-- How long a customer gets to try the repair before the satisfaction survey (KR paragraphs 31 and
-- 113: asking too soon is one of the faults the patent fixes). NULL: the configured default
-- (SURVEY_SETTLE_TIME) applies; a product field whose faults show later can ask for longer.
ALTER TABLE product_fields ADD COLUMN survey_settle_time interval
  CONSTRAINT product_fields_settle_time_not_negative CHECK (survey_settle_time >= interval '0');

-- Down Migration
ALTER TABLE product_fields DROP COLUMN survey_settle_time;
