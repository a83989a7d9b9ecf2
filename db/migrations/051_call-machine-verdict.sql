-- Up Migration
-- Twilio's asynchronous answering-machine detection can say "machine" while a person listens and
-- then presses a key. The verdict is kept here and decides the outcome only when the call ends
-- without a key pressed, so a keypad rating after it is always the answer.
ALTER TABLE call_attempts ADD COLUMN answered_by text;

-- Down Migration
ALTER TABLE call_attempts DROP COLUMN answered_by;
