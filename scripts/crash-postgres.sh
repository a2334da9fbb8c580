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
source "$ROOT/scripts/acknowledged.sh"
fault_database crash

for n in 1 2; do
  DATABASE_URL="$pg_url" LEPTOS_SITE_ADDR="127.0.0.1:$((3620 + n))" DATABASE_CONNECTIONS=8 \
    RUST_LOG=error "$BIN" serve > "$work/instance$n.log" 2>&1 &
  wait_for "http://127.0.0.1:$((3620 + n))/readyz"
done

: > "$work/acked"
send_creates 3621 one 300 & w1=$!
send_creates 3622 two 300 & w2=$!
sleep 1
before="$(wc -l < "$work/acked")"
crash_postgres
sleep 0.5
run_postgres
wait "$w1" "$w2" || true
# The instances reconnect by themselves; their tailers number what a crash left without
# a position once a second.
sleep 3

check_acknowledged "$pg_url"

printf '| settings | acknowledged before the crash | creates acknowledged | in the log at the answered position | log entries | without a position | gapless (1 to %s, each once) |\n|---|---|---|---|---|---|---|\n' "$top"
printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${PG_OPTIONS:-default}" "$before" "$acked" "$matching" "$events" "$unnumbered" "$gapless"
[ "$before" -gt 0 ] && [ "$matching" = "$acked" ] && [ "$unnumbered" = 0 ] && [ "$gapless" = yes ]
