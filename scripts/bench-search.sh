#!/usr/bin/env bash
# Every search term of one or two letters with a million lists, on SQLite and
# on PostgreSQL (a throwaway cluster, fsync on), release binary over loopback: the 26
# letters and the 676 pairs of letters (most match nothing among the seed's Latin words,
# some match most lists), plus a few longer terms, each asked 3 times for the newest page
# and 3 times for the page below the middle (`before=500000`), through POST
# /api/lists/load. Prints, per database, the median over all terms of each term's median
# time, the slowest terms, and the database's size.
# Usage: scripts/bench-search.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/postgres.sh"
ensure_apt curl
release_on_postgres

terms=()
for a in {a..z}; do terms+=("$a"); done
for a in {a..z}; do for b in {a..z}; do terms+=("$a$b"); done; done
terms+=(zzq lorem "sit am" qui xyzzy)

# One line per term and page: "median-ms term page".
measure() { # measure PORT
  local term where
  for term in "${terms[@]}"; do
    for where in newest 500000; do
      local data=(--data-urlencode "q=$term")
      [ "$where" = newest ] || data+=(--data-urlencode "before=$where")
      for _ in 1 2 3; do
        curl -s -o /dev/null -w '%{time_total}\n' "${data[@]}" "http://127.0.0.1:$1/api/lists/load"
      done | sort -n | awk -v term="$term" -v where="$where" \
        'NR == 2 { printf "%.2f %s %s\n", 1000 * $1, term == " " ? "(space)" : term, where }'
    done
  done
}

report() { # report FILE NAME SIZE
  sort -n "$1" | awk -v name="$2" -v size="$3" '
    { t[NR] = $1; line[NR] = $0 }
    END {
      printf "| %s | %d | %.2f ms | %.2f ms | %s / %s / %s | %s |\n", name, NR,
        t[int((NR + 1) / 2)], t[NR], line[NR], line[NR - 1], line[NR - 2], size
    }'
}

say "seeding 1,000,000 lists in SQLite and in PostgreSQL"
sqlite_url="sqlite://$work/lists.db"
pg_url="${POSTGRES_URL%/*}/search"
DATABASE_URL="$sqlite_url" "$BIN" seed --count 1000000 >/dev/null
DATABASE_URL="$pg_url" "$BIN" seed --count 1000000 >/dev/null
psql -q "$pg_url" -c 'VACUUM ANALYZE lists'

printf '\n| database | term × page | median term | slowest term | three slowest (ms term page) | size |\n|---|---|---|---|---|---|\n'
serve "$sqlite_url" 3601
measure 3601 >"$work/sqlite.txt"
report "$work/sqlite.txt" SQLite "$(du -sh "$work/lists.db" | cut -f1)"
stop_all
serve "$pg_url" 3601
measure 3601 >"$work/postgres.txt"
report "$work/postgres.txt" PostgreSQL "$(psql -tA "$pg_url" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
stop_all
