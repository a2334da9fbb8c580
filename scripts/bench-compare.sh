#!/usr/bin/env bash
# Two builds side by side, in rounds, on this machine: each round serves each build in
# turn (never both at once, the order alternating), each on a fresh SQLite database of
# 500 lists, and measures with wrk -t1 -c16 over loopback: the cached /notes, /notes
# rendered per request (`?before=` past the newest, the same rows), a search rendered per
# request (`?q=e`, a full page), and creates per second (`scripts/create.lua`, new
# keys). Prints each round, then the medians and the median of each round's ratio.
# Usage: scripts/bench-compare.sh OLD_ROOT [NEW_ROOT, default this checkout] [seconds, 5] [rounds, 5]
#   where each ROOT is a checkout built by scripts/build.sh (its target/release binary
#   and target/site are used).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OLD="${1:?the checkout to compare with}"
NEW="${2:-$ROOT}"
DURATION="${3:-5}"
ROUNDS="${4:-5}"
ensure_apt wrk
for root in "$OLD" "$NEW"; do
  [ -x "$root/target/release/async-streamer" ] || { echo "build $root first (scripts/build.sh)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'stop_all; rm -rf "$work"' EXIT
# Only warnings by default; RUST_LOG=info measures with a log line per response, as served
# (the servers write their logs to a file that goes with the work folder).
export RUST_LOG="${RUST_LOG:-warn}"
PORT=3597
results="$work/results"

measure() { # measure NAME ROOT ROUND
  local name="$1" root="$2" db="$work/$1-$3.db"
  DATABASE_URL="sqlite://$db" "$root/target/release/async-streamer" seed --count 500 >/dev/null
  DATABASE_URL="sqlite://$db" LEPTOS_SITE_ROOT="$root/target/site" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
    "$root/target/release/async-streamer" serve 2>>"$work/server.log" &
  local pid=$!
  wait_for "http://127.0.0.1:$PORT/notes"
  local url="http://127.0.0.1:$PORT"
  wrk -t1 -c16 -d2s "$url/notes" >/dev/null
  local cached rendered search creates
  cached=$(wrk -t1 -c16 -d"${DURATION}s" "$url/notes" | awk '/Requests\/sec/ { print $2 }')
  rendered=$(wrk -t1 -c16 -d"${DURATION}s" "$url/notes?before=1000000000" | awk '/Requests\/sec/ { print $2 }')
  search=$(wrk -t1 -c16 -d"${DURATION}s" "$url/notes?q=e" | awk '/Requests\/sec/ { print $2 }')
  creates=$(CREATE_KEYS=fresh wrk -t1 -c16 -d"${DURATION}s" -s "$ROOT/scripts/create.lua" "$url" |
    awk '/Requests\/sec/ { print $2 }')
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$name $3 $cached $rendered $search $creates" | tee -a "$results"
}

say "$ROUNDS rounds of ${DURATION}s runs: old = $OLD, new = $NEW"
echo "build round cached rendered search creates"
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then
    measure old "$OLD" "$round"
    measure new "$NEW" "$round"
  else
    measure new "$NEW" "$round"
    measure old "$OLD" "$round"
  fi
done

column() { awk -v b="$1" -v c="$2" '$1 == b { print $c }' "$results" | median; }
ratios() { # the median over rounds of new / old in column C
  awk -v c="$1" '{ v[$1 " " $2] = $c } END {
    for (k in v) { split(k, p, " "); if (p[1] == "new") print v[k] / v["old " p[2]] }
  }' "$results" | median
}
printf '\n| requests/s (median of %s rounds) | old | new | median of the rounds'"'"' new / old |\n|---|---|---|---|\n' "$ROUNDS"
for pair in "3 cached /notes" "4 rendered /notes?before=…" "5 search /notes?q=e" "6 creates (POST)"; do
  c="${pair%% *}"
  printf '| %s | %s | %s | %.3f |\n' "${pair#* }" "$(column old "$c")" "$(column new "$c")" "$(ratios "$c")"
done
