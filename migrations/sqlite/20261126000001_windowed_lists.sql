-- Windowed lists: keyset pages over active lists, and substring search.

-- Pages read the newest active lists first, and page by id; this index holds exactly
-- the active ids, so a page reads O(page) entries however many lists are deleted.
CREATE INDEX lists_active ON lists (id) WHERE is_deleted = 0;

-- The name folded to lower case by the application (Unicode-aware, the same folding the
-- browser applies to search terms). Rows written before this column existed are folded
-- by SQLite's lower(), which is the same for the ASCII names they hold.
ALTER TABLE lists ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
UPDATE lists SET search_key = lower(name);

-- Substring search: a trigram index over the folded names of active lists only, kept in
-- sync by the triggers below. External content: the text itself stays in `lists`.
CREATE VIRTUAL TABLE lists_search USING fts5 (
    search_key,
    content = 'lists',
    content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1'
);

INSERT INTO lists_search (rowid, search_key)
    SELECT id, search_key FROM lists WHERE is_deleted = 0;

CREATE TRIGGER lists_search_insert AFTER INSERT ON lists WHEN new.is_deleted = 0
BEGIN
    INSERT INTO lists_search (rowid, search_key) VALUES (new.id, new.search_key);
END;

-- An external-content index forgets a row through its 'delete' command, given the text
-- it indexed.
CREATE TRIGGER lists_search_update AFTER UPDATE OF search_key, is_deleted ON lists
BEGIN
    INSERT INTO lists_search (lists_search, rowid, search_key)
        SELECT 'delete', old.id, old.search_key WHERE old.is_deleted = 0;
    INSERT INTO lists_search (rowid, search_key)
        SELECT new.id, new.search_key WHERE new.is_deleted = 0;
END;

CREATE TRIGGER lists_search_delete AFTER DELETE ON lists WHEN old.is_deleted = 0
BEGIN
    INSERT INTO lists_search (lists_search, rowid, search_key)
        VALUES ('delete', old.id, old.search_key);
END;
