-- Idempotent creates: the list each create key made, kept as long as the change log.
CREATE TABLE create_keys (
    key        TEXT    PRIMARY KEY,
    list_id    INTEGER NOT NULL REFERENCES lists (id),
    seq        INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

CREATE INDEX create_keys_created_at ON create_keys (created_at);
