-- Search terms of one or two characters, which the trigram index cannot answer, get an
-- index of their own: the one- and two-character pieces of each active list's folded
-- name, in a GIN index. A term matching nothing or few lists reads them from it; one
-- matching many finds a page among the nearest lists first (see the store's `postgres`
-- module), so neither walks the table (a walk took 150 to 210 ms for a term matching
-- nothing at a million lists).
CREATE FUNCTION short_search_pieces(key TEXT) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT piece), '{}')
    FROM generate_series(1, length(key)) AS n,
         LATERAL (VALUES (substr(key, n, 1)), (substr(key, n, 2))) AS pieces (piece)
$$;

CREATE INDEX lists_short_search ON lists USING gin (short_search_pieces(search_key))
    WHERE NOT is_deleted;
