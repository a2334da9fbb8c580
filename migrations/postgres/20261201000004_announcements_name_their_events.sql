-- The announcement names each numbered event's id (issue 21): one instance leads the
-- numbering and the others learn their writes' positions from its runs' announcements
-- (`app/src/lists/ssr/following.rs`) instead of each running the sequencer for its own
-- writes. With two instances every create had cost PostgreSQL 0.8 more context switches
-- than with one (twice the runs, each numbering half as many events); with a leader,
-- 0.1 to 0.2. The payload is a JSON array of `[seq, kind, list_id, name, event id]` in
-- position order (an instance of the previous build cannot read it and reads the log,
-- as it does for any announcement it cannot read). The rest is as in
-- …0003_sequencer_tells_what_it_numbered.sql.
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
    -- commit with what was numbered, now with each event's id.
    SELECT array_agg(id ORDER BY id) INTO pending FROM list_events WHERE seq IS NULL;
    IF pending IS NOT NULL THEN
      UPDATE change_log_horizon SET latest = latest + cardinality(pending) WHERE id = 1
      RETURNING latest - cardinality(pending) INTO base;
      WITH numbered AS (
        UPDATE list_events AS event SET seq = base + taken.n
        FROM unnest(pending) WITH ORDINALITY AS taken (id, n)
        WHERE event.id = ANY (pending) AND event.id = taken.id
        RETURNING event.seq, event.kind, event.list_id, event.name, event.id
      )
      SELECT json_agg(json_build_array(seq, kind, list_id, name, id) ORDER BY seq)::text
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
