-- Writers no longer lock the horizon row: each event is written without a position and
-- gets one after its transaction commits, from the one sequencer that runs at a time
-- (an advisory lock, never taken inside a write; see app/src/lists/ssr/postgres.rs).
-- Positions stay gapless and in an order every reader shares.
ALTER TABLE list_events DROP CONSTRAINT list_events_pkey;
ALTER TABLE list_events ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY;
ALTER TABLE list_events ADD PRIMARY KEY (id);
ALTER TABLE list_events ALTER COLUMN seq DROP NOT NULL;
CREATE UNIQUE INDEX list_events_seq ON list_events (seq);
-- What the sequencer looks for: events committed without a position yet.
CREATE INDEX list_events_unsequenced ON list_events (id) WHERE seq IS NULL;

-- A create key now names its event; the event's position is read from the log.
ALTER TABLE create_keys ADD COLUMN event_id BIGINT;
ALTER TABLE create_keys ALTER COLUMN seq DROP NOT NULL;
