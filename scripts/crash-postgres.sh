#!/usr/bin/env bash
# PostgreSQL itself crashes under load (`pg_ctl stop -m immediate`: what it held only in
# memory is gone) and comes back. Two instances on one throwaway cluster (fsync on), 300
# creates sent to each by curl one after another, the database crashed a second in and
# started again half a second later. Checks that every create either instance
# acknowledged is in the log at the position its answer named, and that the log is
# gapless with nothing left without a position. PG_OPTIONS='-c synchronous_commit=off'
# lets every commit be answered before it is on disk, to show that the check can fail.
# Prints one Markdown table; exits non-zero if a check fails. Loopback only, about 15
# seconds.
# Usage: scripts/crash-postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/postgres.sh"
release_on_postgres
export ALLOWED_HOSTS="127.0.0.1" NO_COLOR=1
PSQL="$PG_BIN/psql"
[ -x "$PSQL" ] || PSQL=psql
pg_url="${POSTGRES_URL%/*}/crash"
DATABASE_URL="$pg_url" "$BIN" seed --count 5 >/dev/null

for n in 1 2; do
  DATABASE_URL="$pg_url" LEPTOS_SITE_ADDR="127.0.0.1:$((3620 + n))" DATABASE_CONNECTIONS=8 \
    RUST_LOG=error "$BIN" serve > "$work/instance$n.log" 2>&1 &
  wait_for "http://127.0.0.1:$((3620 + n))/readyz"
done

# One writer per instance; each acknowledged create as `list id:position`.
writer() { # writer PORT TAG
  local i answer
  for i in $(seq 300); do
    answer="$(curl -s -m 5 -d "name=$2+$i" "http://127.0.0.1:$1/api/lists/create" || true)"
    case "$answer" in
      *'"seq"'*) sed -E 's/.*"id":([0-9]+).*"seq":([0-9]+).*/\1:\2/' <<<"$answer" >> "$work/acked" ;;
    esac
  done
}
: > "$work/acked"
writer 3621 one & w1=$!
writer 3622 two & w2=$!
sleep 1
before="$(wc -l < "$work/acked")"
crash_postgres
sleep 0.5
run_postgres
wait "$w1" "$w2" || true
# The instances reconnect by themselves; their tailers number what a crash left without
# a position once a second.
sleep 3

acked="$(wc -l < "$work/acked")"
pairs="$(paste -sd, "$work/acked")"
read -r matching unnumbered events top distinct < <("$PSQL" -qtA -F' ' "$pg_url" -c "
  WITH acked (id, seq) AS (
    SELECT split_part(x, ':', 1)::bigint, split_part(x, ':', 2)::bigint
    FROM unnest(string_to_array('$pairs', ',')) AS x)
  SELECT
    (SELECT COUNT(*) FROM acked JOIN list_events AS e
       ON e.list_id = acked.id AND e.kind = 'created' AND e.seq = acked.seq),
    COUNT(*) FILTER (WHERE seq IS NULL), COUNT(*), COALESCE(MAX(seq), 0),
    COUNT(DISTINCT seq)
  FROM list_events")

printf '| settings | acknowledged before the crash | creates acknowledged | in the log at the answered position | log entries | without a position | gapless (1 to %s, each once) |\n|---|---|---|---|---|---|---|\n' "$top"
gapless=no
[ "$top" = "$events" ] && [ "$distinct" = "$events" ] && gapless=yes
printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${PG_OPTIONS:-default}" "$before" "$acked" "$matching" "$events" "$unnumbered" "$gapless"
[ "$before" -gt 0 ] && [ "$matching" = "$acked" ] && [ "$unnumbered" = 0 ] && [ "$gapless" = yes ]
