-- Up Migration
-- The customer's request page: a link token to look at the request (request-page, reusable until it
-- expires) and one single-use token per button shown on it (reschedule, cancel), so a form sent
-- twice is one action.
ALTER TABLE access_tokens DROP CONSTRAINT access_tokens_purpose_check;
ALTER TABLE access_tokens ADD CONSTRAINT access_tokens_purpose_check
  CHECK (purpose IN ('survey', 'choice', 'email-reply', 'unsubscribe', 'request-page', 'reschedule', 'cancel'));

-- Down Migration
DELETE FROM access_tokens WHERE purpose IN ('request-page', 'reschedule', 'cancel');
ALTER TABLE access_tokens DROP CONSTRAINT access_tokens_purpose_check;
ALTER TABLE access_tokens ADD CONSTRAINT access_tokens_purpose_check
  CHECK (purpose IN ('survey', 'choice', 'email-reply', 'unsubscribe'));
