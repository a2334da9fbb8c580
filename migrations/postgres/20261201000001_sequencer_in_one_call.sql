-- The sequencer in one call (issue 21): a run was five round trips (read the batch's
-- positions, BEGIN, take the lock, number, COMMIT) and, when another instance's run was
-- under way, six. As one function called in its own implicit transaction it is one.
-- Each statement of a VOLATILE function takes a fresh snapshot, so the numbering still
-- sees every transaction committed before the lock was taken, as before.
--
-- run_sequencer(events, lock_wait, queue) returns the positions of `events` (NULL for
-- one not numbered yet; none for one pruned) after:
-- * queue: taking the sequencer's lock, waiting as long as it must, and numbering;
-- * otherwise nothing if `events` are all numbered already; else numbering if no run is
--   under way; else waiting for that run to commit (a shared hold: every waiter wakes
--   at once, and none queues a run and a durable commit of its own behind it). That
--   run numbers what was committed before it began, so a caller whose events are still
--   not numbered calls again with `queue`.
-- Lock waits end after `lock_wait` with lock_not_available (55P03), as a write's do.
CREATE FUNCTION run_sequencer(events BIGINT[], lock_wait TEXT, queue BOOLEAN)
RETURNS TABLE (event_id BIGINT, event_seq BIGINT)
LANGUAGE plpgsql VOLATILE
-- Every statement through an index, whatever the log's size. Plans are cached for the
-- session, and one made while the log held a few rows (where reading all of it is
-- cheapest) was kept as it grew, until the next ANALYZE: a run then read every event,
-- twice. (Planning each statement afresh, `plan_cache_mode = force_custom_plan`, also
-- fixed that, and cost a numbering run 100 µs more: 0.47 against 0.37 ms for ten events.)
SET enable_seqscan = off
-- And the events without a position read by an index scan, not a bitmap scan. Every
-- numbered event leaves a dead entry in the partial index until VACUUM; a bitmap scan
-- visits each one's heap page every time (0.46 ms a run with 18,000 of them, and
-- autovacuum lets about a fifth of the log pile up), an index scan marks them dead once
-- and skips them after (0.04 ms).
SET enable_bitmapscan = off
AS $$
DECLARE
  -- The advisory lock one run holds at a time (any fixed number: it names nothing else).
  sequencer CONSTANT BIGINT := 7811882618982114673;
  running BOOLEAN := queue;
  pending BIGINT[];
  base BIGINT;
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
    -- Every event committed without a position gets the next one after the horizon, in
    -- the order the events were written, and the horizon moves past them; announced (at
    -- commit) once, and only if there were any. The events are taken once, by id: the
    -- lock keeps every other run out, and one committed after this read waits for the
    -- next run. The update finds them through the primary key (`= ANY`): joined by id
    -- alone, the planner chose to read the whole log.
    SELECT array_agg(id ORDER BY id) INTO pending FROM list_events WHERE seq IS NULL;
    IF pending IS NOT NULL THEN
      UPDATE change_log_horizon SET latest = latest + cardinality(pending) WHERE id = 1
      RETURNING latest - cardinality(pending) INTO base;
      UPDATE list_events AS event SET seq = base + taken.n
      FROM unnest(pending) WITH ORDINALITY AS taken (id, n)
      WHERE event.id = ANY (pending) AND event.id = taken.id;
      PERFORM pg_notify('list_events', '');
    END IF;
  END IF;
  RETURN QUERY SELECT id, seq FROM list_events WHERE id = ANY (events);
END
$$;
