-- The durable change log behind the live feed. AUTOINCREMENT keeps `seq` strictly
-- increasing and never reused, even after old entries are pruned.
CREATE TABLE list_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id     INTEGER NOT NULL REFERENCES lists (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('created', 'renamed', 'deleted', 'restored')),
    name        TEXT    NOT NULL,
    is_deleted  BOOLEAN NOT NULL,
    recorded_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX list_events_recorded_at ON list_events (recorded_at);

-- Events up to `pruned_through` have been deleted; a client asking to resume from
-- before it must reset instead.
CREATE TABLE change_log_horizon (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through INTEGER NOT NULL
);

INSERT INTO change_log_horizon (id, pruned_through) VALUES (1, 0);
