-- The pieces of a folded name for the short-search index, made by a loop instead of a
-- query (issue 21). The function runs on every insert into `lists` and every update of
-- a name: as SQL it was planned and run as a query each time, about 78 µs of the 88
-- an insert took (9.5 µs without this index; a create through the server spent more of
-- PostgreSQL's time on it than on anything else it wrote). With the loop an insert
-- takes 23 to 36 µs.
--
-- The array holds the same pieces; it is no longer sorted and may name one twice. Both
-- of its uses read it as a set (the GIN index keeps each piece once; `@>` asks whether
-- every piece is there), so the index built with the old function stays right and
-- needs no rebuild.
CREATE OR REPLACE FUNCTION short_search_pieces(key TEXT) RETURNS TEXT[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    pieces TEXT[] := '{}';
BEGIN
    FOR n IN 1 .. length(key) LOOP
        pieces := pieces || substr(key, n, 1) || substr(key, n, 2);
    END LOOP;
    RETURN pieces;
END
$$;
