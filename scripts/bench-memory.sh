#!/usr/bin/env bash
# The server's memory under load with a million lists, release binary over
# loopback: RUNS times (default 3), a fresh server on the same database, its RSS idle,
# then `wrk -t2 -c32` for 10 s on a mix of rendered documents and searches
# (scripts/million.lua), then its RSS and peak. Target: at most 64 MiB every time.
# Usage: scripts/bench-memory.sh [runs]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS="${1:-3}"
ensure_apt wrk curl
release_with_lists 1000000
# As scripts/run.sh serves.
export MIMALLOC_PURGE_DELAY="${MIMALLOC_PURGE_DELAY:-0}"

status() { awk -v key="$1" '$1 == key ":" { print $2 }' "/proc/$server/status"; }
printf '| run | pages/s | RSS idle | RSS after | peak |\n|---|---|---|---|---|\n'
worst=0
for run in $(seq "$RUNS"); do
  LEPTOS_SITE_ADDR=127.0.0.1:3730 "$BIN" serve &
  server=$!
  wait_for http://127.0.0.1:3730/notes
  idle=$(status VmRSS)
  served=$(wrk -t2 -c32 -d10s -s "$ROOT/scripts/million.lua" http://127.0.0.1:3730 | awk '/Requests\/sec/ { print $2 }')
  after=$(status VmRSS)
  peak=$(status VmHWM)
  printf '| %s | %s | %s KiB | %s KiB | %s KiB |\n' "$run" "$served" "$idle" "$after" "$peak"
  [ "$peak" -gt "$worst" ] && worst=$peak
  kill "$server"
  wait "$server" 2>/dev/null || true
done
if [ "$worst" -le 65536 ]; then verdict="met"; else verdict="NOT met"; fi
printf '\nhighest peak: %s KiB; target at most 65,536 KiB every time: %s\n' "$worst" "$verdict"
