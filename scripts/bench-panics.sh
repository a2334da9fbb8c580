#!/usr/bin/env bash
# No panic under load: the release binary under `wrk` for 20 s on a mix of
# rendered documents, while a second `wrk` hangs up on its requests after 5 ms (clients
# that drop mid-answer), first with the rows ready at once, then with every load 60 ms
# slow (the skeleton sent first, the late rows later in the same response). Fails if the
# server logged a panic. Loopback only; about 45 s.
# Usage: scripts/bench-panics.sh [seconds per run, default 20]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DURATION="${1:-20}"
ensure_apt wrk
release_with_lists 500

panics=0
for latency in 0 60; do
  SIMULATED_LATENCY_MS="$latency" LEPTOS_SITE_ADDR=127.0.0.1:3590 "$BIN" serve 2>"$work/log-$latency" &
  server=$!
  wait_for http://127.0.0.1:3590/healthz
  wrk -t1 -c8 -d"${DURATION}s" --timeout 5ms -s "$ROOT/scripts/pages.lua" http://127.0.0.1:3590 >/dev/null 2>&1 &
  dropping=$!
  rps="$(wrk -t1 -c16 -d"${DURATION}s" -s "$ROOT/scripts/pages.lua" http://127.0.0.1:3590 | awk '/Requests\/sec/ { print $2 }')"
  wait "$dropping" || true
  kill "$server"
  wait "$server" 2>/dev/null || true
  found="$(grep -c panicked "$work/log-$latency" || true)"
  printf '| loads %s ms late | %s pages/s while 8 clients hang up | %s panics |\n' "$latency" "$rps" "$found"
  panics=$((panics + found))
done
if [ "$panics" -gt 0 ]; then
  echo "the server panicked $panics times" >&2
  exit 1
fi
