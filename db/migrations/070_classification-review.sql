-- Up Migration
-- Every classification carries a confidence. A reply below the configured threshold is stored with
-- needs_review and an agent task of kind review_classification (reply_id says which reply). The
-- agent's label replaces category (so statistics follow it); classified_category keeps what the
-- classifier said, and labelled_by/labelled_at mark the reply as labelled data for the corpus.
ALTER TABLE survey_replies
  ADD COLUMN confidence          real CHECK (confidence BETWEEN 0 AND 1),
  ADD COLUMN needs_review        boolean NOT NULL DEFAULT false,
  ADD COLUMN classified_category text CHECK (classified_category IN ('repeat_failure', 'usage_question', 'complaint', 'delighted', 'satisfied')),
  ADD COLUMN labelled_by         text,
  ADD COLUMN labelled_at         timestamptz,
  ADD CONSTRAINT survey_replies_label_complete CHECK ((labelled_by IS NULL) = (labelled_at IS NULL));

CREATE INDEX survey_replies_labelled ON survey_replies (labelled_at) WHERE labelled_at IS NOT NULL;

ALTER TABLE agent_tasks ADD COLUMN reply_id bigint REFERENCES survey_replies(id);
ALTER TABLE agent_tasks DROP CONSTRAINT agent_tasks_kind_check;
ALTER TABLE agent_tasks ADD CONSTRAINT agent_tasks_kind_check
  CHECK (kind IN ('complaint', 'usage_question', 'callback', 'escalation', 'review_classification'));
ALTER TABLE agent_tasks ADD CONSTRAINT agent_tasks_review_has_reply
  CHECK ((kind = 'review_classification') = (reply_id IS NOT NULL));

-- Down Migration
ALTER TABLE agent_tasks DROP CONSTRAINT agent_tasks_review_has_reply;
DELETE FROM agent_tasks WHERE kind = 'review_classification';
ALTER TABLE agent_tasks DROP CONSTRAINT agent_tasks_kind_check;
ALTER TABLE agent_tasks ADD CONSTRAINT agent_tasks_kind_check CHECK (kind IN ('complaint', 'usage_question', 'callback', 'escalation'));
ALTER TABLE agent_tasks DROP COLUMN reply_id;
DROP INDEX survey_replies_labelled;
ALTER TABLE survey_replies
  DROP CONSTRAINT survey_replies_label_complete,
  DROP COLUMN labelled_at,
  DROP COLUMN labelled_by,
  DROP COLUMN classified_category,
  DROP COLUMN needs_review,
  DROP COLUMN confidence;
