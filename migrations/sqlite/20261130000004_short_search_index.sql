-- Search terms of one or two characters, which the trigram index cannot answer, get an
-- index of their own: every one- and two-character piece of each active list's folded
-- name, as a token. FTS5 keeps each token's lists in id order, so a page of a short
-- search reads a page of ids from one token, whether the term matches nothing or most
-- lists (a walk down the ids took 250 ms for a term matching nothing at a million).
--
-- Tokens are the pieces' UTF-8 bytes in hex, so any character (a space, punctuation, a
-- letter of any script) is one token to the unicode61 tokenizer. `detail = none` keeps
-- ids only (no positions), and the index holds no text of its own (`content = ''`).
CREATE VIRTUAL TABLE lists_short_search USING fts5 (
    pieces,
    content = '',
    detail = none,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- Positions 1, 2, … of a folded name: triggers may not use a recursive WITH, so they
-- read the positions from here. 200 covers the longest folded name (80 characters, each
-- folding to at most two).
CREATE TABLE short_search_positions (n INTEGER PRIMARY KEY);
WITH RECURSIVE positions (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM positions WHERE n < 200)
INSERT INTO short_search_positions (n) SELECT n FROM positions;

-- A list's pieces as the index's text, computed from its row as it stands.
CREATE VIEW list_short_search_pieces (id, pieces) AS
    SELECT id,
           (SELECT group_concat(hex(substr(search_key, n, 1)) || ' ' || hex(substr(search_key, n, 2)), ' ')
            FROM short_search_positions WHERE n <= length(search_key))
    FROM lists;

INSERT INTO lists_short_search (rowid, pieces)
    SELECT id, pieces FROM list_short_search_pieces
    WHERE id IN (SELECT id FROM lists WHERE is_deleted = 0);

-- A contentless index forgets a row through its 'delete' command, given the text it
-- indexed: so the row is forgotten before it changes (the text is still the row's), and
-- indexed again after.
CREATE TRIGGER lists_short_search_insert AFTER INSERT ON lists WHEN new.is_deleted = 0
BEGIN
    INSERT INTO lists_short_search (rowid, pieces)
        SELECT id, pieces FROM list_short_search_pieces WHERE id = new.id;
END;

CREATE TRIGGER lists_short_search_before_update BEFORE UPDATE OF search_key, is_deleted ON lists
    WHEN old.is_deleted = 0
BEGIN
    INSERT INTO lists_short_search (lists_short_search, rowid, pieces)
        SELECT 'delete', id, pieces FROM list_short_search_pieces WHERE id = old.id;
END;

CREATE TRIGGER lists_short_search_after_update AFTER UPDATE OF search_key, is_deleted ON lists
    WHEN new.is_deleted = 0
BEGIN
    INSERT INTO lists_short_search (rowid, pieces)
        SELECT id, pieces FROM list_short_search_pieces WHERE id = new.id;
END;

CREATE TRIGGER lists_short_search_delete BEFORE DELETE ON lists WHEN old.is_deleted = 0
BEGIN
    INSERT INTO lists_short_search (lists_short_search, rowid, pieces)
        SELECT 'delete', id, pieces FROM list_short_search_pieces WHERE id = old.id;
END;
