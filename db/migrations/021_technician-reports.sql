-- Up Migration
-- The result a technician reported with "completed" is kept with the report itself, not only in
-- the workflow's signal.
ALTER TABLE technician_progress ADD COLUMN resolved boolean;
ALTER TABLE technician_progress ADD CONSTRAINT technician_progress_resolved_on_completion
  CHECK (status = 'completed' OR resolved IS NULL);
-- Set once the workflow has the report; a stored report without it was not passed on yet (the
-- technician's app retries with the same event id, and that retry signals again).
ALTER TABLE technician_progress ADD COLUMN signalled_at timestamptz;

-- A technician's re-judgement of a customer's sensitivity class (US claims 21-23). The customer
-- row holds the current class for the next visit; this keeps who changed it, when and from what.
CREATE TABLE sensitivity_judgements (
  id             bigserial PRIMARY KEY,
  customer_id    text NOT NULL REFERENCES customers(id),
  request_id     uuid NOT NULL REFERENCES service_requests(id),
  technician_id  text NOT NULL REFERENCES technicians(id),
  event_id       text NOT NULL UNIQUE REFERENCES technician_progress(event_id),
  previous_class text NOT NULL REFERENCES sensitivity_classes(code),
  new_class      text NOT NULL REFERENCES sensitivity_classes(code),
  judged_at      timestamptz NOT NULL
);
CREATE INDEX sensitivity_judgements_by_customer ON sensitivity_judgements (customer_id, judged_at);

-- Down Migration
DROP TABLE sensitivity_judgements;
ALTER TABLE technician_progress DROP CONSTRAINT technician_progress_resolved_on_completion;
ALTER TABLE technician_progress DROP COLUMN signalled_at;
ALTER TABLE technician_progress DROP COLUMN resolved;
