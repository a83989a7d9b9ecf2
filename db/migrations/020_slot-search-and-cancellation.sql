-- Up Migration
-- A cancelled slot stays on record (bookings and offers point at it) but frees its time: the
-- no-overlap rule now applies to open slots only, so a technician can re-register that time.
ALTER TABLE technician_slots ADD COLUMN cancelled_at timestamptz;
ALTER TABLE technician_slots DROP CONSTRAINT technician_slots_no_overlap;
ALTER TABLE technician_slots ADD CONSTRAINT technician_slots_no_overlap
  EXCLUDE USING gist (technician_id WITH =, during WITH &&) WHERE (cancelled_at IS NULL);

-- The candidate search walks each matching technician's open slots in start order from the
-- window's start and stops at the first free one; INCLUDE spares the heap visit for the range.
CREATE INDEX technician_slots_open_by_start ON technician_slots (technician_id, lower(during)) INCLUDE (during)
  WHERE cancelled_at IS NULL;

-- Day load for the ranking and the rating history: a technician's non-released bookings by start.
CREATE INDEX bookings_held_by_technician ON bookings (technician_id, lower(during)) INCLUDE (request_id)
  WHERE status <> 'released';

-- Cancelling a slot looks for the booking that holds it.
CREATE INDEX bookings_active_by_slot ON bookings (slot_id) WHERE status = 'active';

-- Down Migration
DROP INDEX bookings_active_by_slot;
DROP INDEX bookings_held_by_technician;
DROP INDEX technician_slots_open_by_start;
ALTER TABLE technician_slots DROP CONSTRAINT technician_slots_no_overlap;
DELETE FROM technician_slots WHERE cancelled_at IS NOT NULL AND id NOT IN (SELECT slot_id FROM bookings UNION SELECT slot_id FROM candidate_offers);
ALTER TABLE technician_slots ADD CONSTRAINT technician_slots_no_overlap
  EXCLUDE USING gist (technician_id WITH =, during WITH &&);
ALTER TABLE technician_slots DROP COLUMN cancelled_at;
