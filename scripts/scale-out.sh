#!/usr/bin/env bash
# Two stateless instances on one PostgreSQL database, behind nginx: a throwaway cluster
# in a temporary folder, instances on 127.0.0.1:8081 and :8082, and nginx on
# http://127.0.0.1:8080/notes spreading requests over both (event streams unbuffered).
# Stop either instance (its PID is printed) and open screens carry on through the other.
# Ctrl-C stops everything and deletes the cluster.
# Usage: scripts/scale-out.sh [lists to seed, default 1000]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/postgres.sh"
SEED="${1:-1000}"
ensure_apt nginx
BIN="$ROOT/target/release/async-streamer"
[ -x "$BIN" ] || "$ROOT/scripts/build.sh"

start_postgres
work="$(mktemp -d)"
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
  stop_postgres
}
trap cleanup EXIT INT TERM

export DATABASE_URL="${POSTGRES_URL%/*}/lists" LEPTOS_SITE_ROOT="$ROOT/target/site"
export ALLOWED_HOSTS="127.0.0.1,localhost" RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
# nginx names each request (X-Request-Id): the instances keep its id in their logs.
export TRUSTED_PROXIES="127.0.0.1"
"$BIN" seed --count "$SEED"
for port in 8081 8082; do
  LEPTOS_SITE_ADDR="127.0.0.1:$port" "$BIN" serve 2>"$work/instance-$port.log" &
  say "instance on 127.0.0.1:$port: PID $! (log: $work/instance-$port.log)"
done

nginx_in_front 8080 8081 8082
say "nginx: http://127.0.0.1:8080/notes (Ctrl-C stops everything)"
wait
