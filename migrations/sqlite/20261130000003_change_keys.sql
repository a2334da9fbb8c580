-- Every change takes a key now (the page's outbox sends each change until the server has
-- answered for it): a key remembers which change it made, so the same key again answers
-- as the first time, and the same key with another change is refused.
ALTER TABLE create_keys RENAME TO change_keys;
ALTER TABLE change_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'created';
DROP INDEX create_keys_created_at;
CREATE INDEX change_keys_created_at ON change_keys (created_at);
