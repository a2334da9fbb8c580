#!/usr/bin/env bash
# What exactly-once costs the server: creates per second without a change key,
# with a fresh key each (the key is written in the create's transaction), and the same
# key replayed (answered from its record, nothing written); then the time and requests to
# drain 1,000 keyed changes in batches of 50, as the screen's outbox sends them; then the
# same from a real screen (end2end/bench/offline-drain.bench.ts: 1,000 creates queued
# offline in Chromium, then the connection back). On SQLite and on a throwaway
# PostgreSQL cluster (fsync on), release binary over loopback.
# Usage: scripts/bench-change-keys.sh [seconds per wrk run, default 10]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/postgres.sh"
DURATION="${1:-10}"
ensure_apt wrk
release_on_postgres

# 1,000 creates with keys, 50 per batch (BATCH_LIMIT), one request after another.
drain() { # drain URL
  local started ended
  started=$(date +%s.%N)
  for batch in $(seq 0 19); do
    local json="["
    for n in $(seq 1 50); do
      json+="{\"key\":\"drain-${batch}-${n}-0123456789\",\"kind\":\"created\",\"name\":\"drained ${batch} ${n}\"},"
    done
    json="${json%,}]"
    curl -sf -o /dev/null -H 'Content-Type: application/x-www-form-urlencoded' \
      --data-urlencode "changes=$json" "$1/api/lists/changes" || { echo "a batch was refused" >&2; exit 1; }
  done
  ended=$(date +%s.%N)
  awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.0f ms", (b - a) * 1000 }'
}

printf '| database | creates/s, no key | creates/s, a fresh key each | the same key replayed, answers/s | 1,000 keyed changes in 20 batches of 50 |\n|---|---|---|---|---|\n'
for db in sqlite postgres; do
  case "$db" in
    sqlite) url="sqlite://$work/lists.db" ;;
    postgres) url="${POSTGRES_URL%/*}/bench_keys" ;;
  esac
  DATABASE_URL="$url" "$BIN" seed --count 50
  serve "$url" 3601
  plain=$(CREATE_KEYS= rps -s "$ROOT/scripts/create.lua" http://127.0.0.1:3601)
  fresh=$(CREATE_KEYS=fresh rps -s "$ROOT/scripts/create.lua" http://127.0.0.1:3601)
  same=$(CREATE_KEYS=same rps -s "$ROOT/scripts/create.lua" http://127.0.0.1:3601)
  drained=$(drain http://127.0.0.1:3601)
  printf '| %s | %s | %s | %s | %s |\n' "$db" "$plain" "$fresh" "$same" "$drained"
  stop_all
done

say "the same drain from a page: 1,000 creates queued offline in Chromium, then back online"
for db in sqlite postgres; do
  if [ "$db" = postgres ]; then export ASYNC_STREAMER_DATABASE=postgres; fi
  (cd "$ROOT/end2end" && ASYNC_STREAMER_BIN="$BIN" \
    npx playwright test --config bench.config.ts bench/offline-drain.bench.ts --reporter=line) |
    grep '^|'
done
unset ASYNC_STREAMER_DATABASE
