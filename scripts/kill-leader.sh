#!/usr/bin/env bash
# The leading instance killed (-9) under load: two instances on one throwaway
# PostgreSQL cluster (fsync on), 400 creates sent to each by curl one after another, and
# the instance that leads the numbering killed a second in. Checks that the other takes
# over, and that every create either instance acknowledged is in the log at the position
# its answer named, with the log gapless and nothing left without a position. Prints one
# Markdown table; exits non-zero if a check fails. Loopback only, about 20 seconds.
# Usage: scripts/kill-leader.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/postgres.sh"
source "$ROOT/scripts/acknowledged.sh"
fault_database kill_leader

pids=()
for n in 1 2; do
  DATABASE_URL="$pg_url" LEPTOS_SITE_ADDR="127.0.0.1:$((3600 + n))" DATABASE_CONNECTIONS=8 \
    RUST_LOG=info "$BIN" serve > "$work/instance$n.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$((3600 + n))/readyz"
done
# Who leads is decided when each instance first listens.
for _ in $(seq 50); do
  grep -qs "role=Leads" "$work"/instance*.log && break
  sleep 0.1
done
if grep -qs "role=Leads" "$work/instance1.log"; then
  leader=${pids[0]} follower_log="$work/instance2.log"
else
  leader=${pids[1]} follower_log="$work/instance1.log"
fi

: > "$work/acked"
send_creates 3601 one 400 & w1=$!
send_creates 3602 two 400 & w2=$!
sleep 1
killed_at="$(date +%s.%N)"
{ kill -9 "$leader" && wait "$leader"; } 2>/dev/null || true
wait "$w1" "$w2" || true
sleep 2 # longer than the tailer's orphan sweep (once a second)

took_over="$(grep -s "role=Leads" "$follower_log" | head -1 | cut -d' ' -f1)"
after="$(awk -v killed="$killed_at" -v at="$took_over" 'BEGIN {
  if (at == "") { print "never"; exit }
  cmd = "date -d " at " +%s.%N"; cmd | getline t; close(cmd)
  printf "%.2f s", t - killed }')"
check_acknowledged "$pg_url"

printf '| leader killed | follower leads after | creates acknowledged | in the log at the answered position | log entries | without a position | gapless (1 to %s, each once) |\n|---|---|---|---|---|---|---|\n' "$top"
printf '| after 1 s | %s | %s | %s | %s | %s | %s |\n' "$after" "$acked" "$matching" "$events" "$unnumbered" "$gapless"
[ "$after" != never ] && [ "$acked" -gt 0 ] && [ "$matching" = "$acked" ] &&
  [ "$unnumbered" = 0 ] && [ "$gapless" = yes ]
