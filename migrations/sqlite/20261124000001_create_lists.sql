-- The seed's schema: soft-deletable lists with ISO-8601 UTC timestamps.
CREATE TABLE lists (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    is_deleted  BOOLEAN NOT NULL DEFAULT FALSE,
    inserted_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
