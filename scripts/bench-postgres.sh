#!/usr/bin/env bash
# PostgreSQL and scale-out figures, on the release binary over loopback, with
# a throwaway cluster (fsync on): writes and /notes per second with one instance and with
# two behind nginx, next to SQLite; then the feed's fan-out and memory on PostgreSQL, and
# the latency from a change in instance A to an event stream on instance B.
# Usage: scripts/bench-postgres.sh [seconds per wrk run, default 10]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/postgres.sh"
DURATION="${1:-10}"
ensure_apt wrk nginx
release_on_postgres
export ALLOWED_HOSTS="127.0.0.1"

printf '| set-up | writes/s (POST create, wrk -t2 -c32) | /notes requests/s (wrk -t2 -c32) |\n|---|---|---|\n'
sqlite_url="sqlite://$work/lists.db"
DATABASE_URL="$sqlite_url" "$BIN" seed --count 50
serve "$sqlite_url" 3501
printf '| SQLite, one instance | %s | %s |\n' \
  "$(rps -s "$ROOT/scripts/create.lua" http://127.0.0.1:3501)" "$(rps http://127.0.0.1:3501/notes)"
stop_all

pg_url="${POSTGRES_URL%/*}/bench"
DATABASE_URL="$pg_url" "$BIN" seed --count 50
serve "$pg_url" 3501
printf '| PostgreSQL, one instance | %s | %s |\n' \
  "$(rps -s "$ROOT/scripts/create.lua" http://127.0.0.1:3501)" "$(rps http://127.0.0.1:3501/notes)"
nginx_in_front 3510 3501
printf '| PostgreSQL, one instance behind nginx | %s | %s |\n' \
  "$(rps -s "$ROOT/scripts/create.lua" http://127.0.0.1:3510)" "$(rps http://127.0.0.1:3510/notes)"
stop_all
serve "$pg_url" 3501
serve "$pg_url" 3502
nginx_in_front 3510 3501 3502
printf '| PostgreSQL, two instances behind nginx | %s | %s |\n' \
  "$(rps -s "$ROOT/scripts/create.lua" http://127.0.0.1:3510)" "$(rps http://127.0.0.1:3510/notes)"
stop_all

say "fan-out and memory of the feed on PostgreSQL"
(cd "$ROOT" && BENCH_POSTGRES_URL="$POSTGRES_URL" cargo bench -p server --bench live_feed)

say "a change in instance A to the page on instance B (Chromium)"
(cd "$ROOT/end2end" && ASYNC_STREAMER_DATABASE=postgres BENCH_TWO_INSTANCES=1 \
  npx playwright test --config bench.config.ts bench/live-latency.bench.ts)
