-- The sequencer tells what it numbered (issue 21): its NOTIFY now carries the entries a
-- run numbered, so that no instance's tailer reads the log for them. Each instance's
-- tailer read every batch after it was announced, and those reads were a sixth of what a
-- create cost (creates/s with the tailers not reading: 1,700 -> 2,064 with one instance,
-- 1,495 -> 1,779 with two). The payload is a JSON array of `[seq, kind, list_id, name]`
-- in position order, or empty when the run numbered too much to fit in a notification
-- (under 8,000 bytes), and a reader reads the log then, as it does when it missed one.
-- Notifications arrive in the order their transactions committed, and one run commits
-- at a time, so a listener hears positions in order; one that finds a gap reads the log.
-- The rest is as in …0001_sequencer_in_one_call.sql.
CREATE OR REPLACE FUNCTION run_sequencer(events BIGINT[], lock_wait TEXT, queue BOOLEAN)
RETURNS TABLE (event_id BIGINT, event_seq BIGINT)
LANGUAGE plpgsql VOLATILE
-- Every statement through an index scan, as before (see …0001_sequencer_in_one_call.sql).
SET enable_seqscan = off
SET enable_bitmapscan = off
AS $$
DECLARE
  -- The advisory lock one run holds at a time (any fixed number: it names nothing else).
  sequencer CONSTANT BIGINT := 7811882618982114673;
  running BOOLEAN := queue;
  pending BIGINT[];
  base BIGINT;
  news TEXT;
BEGIN
  PERFORM set_config('lock_timeout', lock_wait, true);
  IF queue THEN
    PERFORM pg_advisory_xact_lock(sequencer);
  ELSIF EXISTS (SELECT FROM list_events WHERE id = ANY (events) AND seq IS NULL) THEN
    running := pg_try_advisory_xact_lock(sequencer);
    IF NOT running THEN
      PERFORM pg_advisory_xact_lock_shared(sequencer);
    END IF;
  END IF;
  IF running THEN
    -- As before: every pending event numbered in the order written, and announced at
    -- commit, now with what was numbered.
    SELECT array_agg(id ORDER BY id) INTO pending FROM list_events WHERE seq IS NULL;
    IF pending IS NOT NULL THEN
      UPDATE change_log_horizon SET latest = latest + cardinality(pending) WHERE id = 1
      RETURNING latest - cardinality(pending) INTO base;
      WITH numbered AS (
        UPDATE list_events AS event SET seq = base + taken.n
        FROM unnest(pending) WITH ORDINALITY AS taken (id, n)
        WHERE event.id = ANY (pending) AND event.id = taken.id
        RETURNING event.seq, event.kind, event.list_id, event.name
      )
      SELECT json_agg(json_build_array(seq, kind, list_id, name) ORDER BY seq)::text
      INTO news FROM numbered;
      IF octet_length(news) >= 8000 THEN
        news := '';
      END IF;
      PERFORM pg_notify('list_events', news);
    END IF;
  END IF;
  RETURN QUERY SELECT id, seq FROM list_events WHERE id = ANY (events);
END
$$;
