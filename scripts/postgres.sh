# A throwaway PostgreSQL cluster for tests and benchmarks: a temporary folder, a free
# port on 127.0.0.1, trust authentication for the role `app`, never a system service.
# Source it, then `start_postgres`; it exports POSTGRES_URL (the `postgres` database,
# for creating others) and stops and deletes the cluster when the shell exits.
# PG_FSYNC=on makes commits durable (off by default: tests need no durability);
# PG_OPTIONS adds server settings (`-c name=value …`).
# shellcheck shell=bash

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

# Runs a PostgreSQL program as the `postgres` user when we are root (initdb and the
# server refuse to run as root), as ourselves otherwise.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_postgres() {
  ensure_apt postgresql
  PG_DIR="$(mktemp -d)"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DIR"
  PG_PORT="$(free_port)"
  as_pg_user "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U app --no-sync >/dev/null
  run_postgres
  export POSTGRES_URL="postgres://app@127.0.0.1:$PG_PORT/postgres"
  trap stop_postgres EXIT
  say "PostgreSQL on 127.0.0.1:$PG_PORT (throwaway, in $PG_DIR)"
}

# Starts the cluster's server (again, after crash_postgres: same folder, same port).
run_postgres() {
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -s \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=300 ${PG_OPTIONS:-}" start
}

# Stops the server as a crash would (`immediate`: no checkpoint, and whatever the
# write-ahead log held only in memory is gone); the folder stays for run_postgres.
crash_postgres() {
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -s stop
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -s stop 2>/dev/null || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
