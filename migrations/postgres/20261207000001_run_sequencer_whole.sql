-- The sequencer, `run_sequencer`, stated whole: the function that gives change-log
-- entries their positions on PostgreSQL. It behaves exactly as the earlier migrations
-- that created and replaced it left it; this is the definition to read, and a change to
-- it is a new migration that states it whole again.
--
-- Why a sequencer: a position handed out when an entry is inserted (a sequence) would
-- let a reader that has read position n miss n - 1, committed after it. So a write
-- commits its entry without a position (`list_events.seq` is NULL), and the sequencer
-- numbers entries once they are committed: one run at a time, under an advisory lock,
-- the pending entries get the next positions after the horizon, in the order they were
-- written. Positions stay gapless and in one order every reader shares. The server calls
-- it from `app/src/lists/ssr/postgres/sequencer.rs`, for its writes and for entries
-- whose writer died before numbering them.
--
-- run_sequencer(events, lock_wait, queue) returns the positions of `events` (NULL for
-- one not numbered yet; no row for one pruned already) after:
-- * queue: taking the sequencer's lock, waiting as long as it must, and numbering;
-- * otherwise nothing if `events` are all numbered already; else numbering if no run is
--   under way; else waiting for that run to commit (a shared hold: every waiter wakes
--   at once, and none queues a run and a durable commit of its own behind it). That
--   run numbers what was committed before it began, so a caller whose events are still
--   not numbered calls again with `queue`.
-- Lock waits end after `lock_wait` with `lock_not_available`, as a write's do, which the
-- server reports as busy.
--
-- A run is one call in an implicit transaction of its own: one round trip. The function
-- is VOLATILE, so each of its statements takes a fresh snapshot and the numbering sees
-- every transaction committed before the lock was taken (a STABLE function would keep
-- the snapshot taken when the call began, before it waited for the lock).
CREATE OR REPLACE FUNCTION run_sequencer(events BIGINT[], lock_wait TEXT, queue BOOLEAN)
RETURNS TABLE (event_id BIGINT, event_seq BIGINT)
LANGUAGE plpgsql VOLATILE
-- Every statement through an index, whatever the log's size. Plans are cached for the
-- session, and one made while the log held few rows (where reading all of it is
-- cheapest) would be kept as the log grows, until the next ANALYZE.
SET enable_seqscan = off
-- The entries without a position read by an index scan, not a bitmap scan. Every
-- numbered entry leaves a dead item in the partial index `list_events_unsequenced`
-- until VACUUM; a bitmap scan visits each one's heap page on every run, an index scan
-- marks them dead once and skips them after.
SET enable_bitmapscan = off
-- One plan per statement for the session. Under the default (`auto`), PL/pgSQL plans a
-- statement with parameters afresh for its first few calls, then keeps a generic plan
-- only if it does not look costlier than those; the generic plan of `= ANY (events)`
-- assumes a larger array than a small batch, so every call would be planned again
-- (each planning also asks the kernel for the table's size). The two settings above
-- send every statement through an index whatever the plan, so the generic plan is the
-- one they would pick anyway.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  -- The advisory lock one run holds at a time (any fixed number: it names nothing else).
  sequencer CONSTANT BIGINT := 7811882618982114673;
  running BOOLEAN := queue;
  pending BIGINT[];
  base BIGINT;
  news TEXT;
BEGIN
  -- For this transaction only: the caller's write wait bounds every lock wait below.
  PERFORM set_config('lock_timeout', lock_wait, true);
  IF queue THEN
    -- Wait for the lock, and number whatever is pending once it is ours.
    PERFORM pg_advisory_xact_lock(sequencer);
  ELSIF EXISTS (SELECT FROM list_events WHERE id = ANY (events) AND seq IS NULL) THEN
    -- Number if no run is under way; else wait for that run to commit (a shared hold,
    -- granted once the run lets go) and number nothing: the caller asks again with
    -- `queue` if its events are still without a position.
    running := pg_try_advisory_xact_lock(sequencer);
    IF NOT running THEN
      PERFORM pg_advisory_xact_lock_shared(sequencer);
    END IF;
  END IF;
  IF running THEN
    -- The entries without a position, taken once, in the order they were written (their
    -- ids): the lock keeps every other run out, and one committed after this read waits
    -- for the next run.
    SELECT array_agg(id ORDER BY id) INTO pending FROM list_events WHERE seq IS NULL;
    IF pending IS NOT NULL THEN
      -- The horizon moves past them; `base` is the position before the first of them.
      UPDATE change_log_horizon SET latest = latest + cardinality(pending) WHERE id = 1
      RETURNING latest - cardinality(pending) INTO base;
      -- Each gets `base` plus its place in `pending`. The update finds them through the
      -- primary key (`= ANY`): joined by id alone, the planner chose to read the whole
      -- log. What it numbered, as `[seq, kind, list_id, name, event id]` in position
      -- order, is the announcement's payload.
      WITH numbered AS (
        UPDATE list_events AS event SET seq = base + taken.n
        FROM unnest(pending) WITH ORDINALITY AS taken (id, n)
        WHERE event.id = ANY (pending) AND event.id = taken.id
        RETURNING event.seq, event.kind, event.list_id, event.name, event.id
      )
      SELECT json_agg(json_build_array(seq, kind, list_id, name, id) ORDER BY seq)::text
      INTO news FROM numbered;
      -- A payload must stay under PostgreSQL's limit: a larger one is sent empty, which
      -- tells listeners that something was numbered and to read the log instead.
      IF octet_length(news) >= 8000 THEN
        news := '';
      END IF;
      -- Delivered at commit, and only if something was numbered. Notifications arrive in
      -- the order their transactions committed, and one run commits at a time, so every
      -- listener hears positions in order (`app/src/lists/ssr/postgres/announcements.rs`).
      PERFORM pg_notify('list_events', news);
    END IF;
  END IF;
  RETURN QUERY SELECT id, seq FROM list_events WHERE id = ANY (events);
END
$$;
