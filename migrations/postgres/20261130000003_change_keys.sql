-- Every change takes a key now (the page's outbox sends each change until the server has
-- answered for it): a key remembers which change it made, so the same key again answers
-- as the first time, and the same key with another change is refused.
ALTER TABLE create_keys RENAME TO change_keys;
ALTER TABLE change_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'created';
ALTER INDEX create_keys_created_at RENAME TO change_keys_created_at;
ALTER TABLE change_keys RENAME CONSTRAINT create_keys_pkey TO change_keys_pkey;
