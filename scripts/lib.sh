# Shared by the scripts: where things are, and how to install what is missing.
# Every install step checks first, so running a script twice installs nothing twice.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
# The release front end is built with nightly (see scripts/build.sh).
NIGHTLY="${NIGHTLY:-nightly}"
export PATH="$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Each step also shows the free disk, so a CI log tells how close a run came to full.
say() {
  local free
  free="$(df -h --output=avail "$ROOT" 2>/dev/null | tail -n 1 | tr -d ' ')" || free="?"
  printf '\033[1m==> %s\033[0m  (%s free)\n' "$*" "$free" >&2
}

# The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# Prometheus' checker, promtool, ships with the server in Debian's `prometheus` package.
# Only the tool is used: the package's service is kept from starting (policy-rc.d) while
# it installs, so that no Prometheus server is left running on the machine.
ensure_promtool() {
  command -v promtool >/dev/null && return 0
  local sudo="" policy=/usr/sbin/policy-rc.d placed=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    placed=1
  fi
  ensure_apt prometheus
  if [ -n "$placed" ]; then $sudo rm -f "$policy"; fi
}

ensure_apt() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} (apt)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! rustup toolchain list | grep -q "^$NIGHTLY"; then
    say "installing the $NIGHTLY toolchain (for the release front end)"
    rustup toolchain install "$NIGHTLY" --profile minimal
  fi
  if ! rustup component list --toolchain "$NIGHTLY" --installed | grep -q '^rust-src'; then
    say "adding rust-src to $NIGHTLY (to rebuild std for the wasm)"
    rustup component add rust-src --toolchain "$NIGHTLY"
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes about 15 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  local bindgen
  bindgen="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen\$"; then
    say "installing wasm-bindgen-cli $bindgen"
    # Not --locked: one of its locked dependencies is no longer on the registry.
    cargo install wasm-bindgen-cli --version "$bindgen"
  fi
}

# The npm packages in end2end/: Playwright and binaryen (the release build's wasm-opt).
ensure_node_packages() {
  if ! (cd "$ROOT/end2end" && npm ls --depth=0 >/dev/null 2>&1); then
    say "installing npm packages in end2end/"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_build_tools() {
  ensure_apt sqlite3 brotli gzip
  ensure_rust_tools
  ensure_node_packages
}

# The release binary ($BIN, built if missing), a scratch folder ($work, removed on exit
# with every background job) and a SQLite database there seeded with COUNT lists, for
# the scripts that measure the release build.
# Usage: release_with_lists COUNT
release_with_lists() {
  BIN="$ROOT/target/release/async-streamer"
  [ -x "$BIN" ] || "$ROOT/scripts/build.sh"
  work="$(mktemp -d)"
  trap 'stop_all; rm -rf "$work"' EXIT
  export LEPTOS_SITE_ROOT="$ROOT/target/site" DATABASE_URL="sqlite://$work/lists.db" RUST_LOG=warn
  "$BIN" seed --count "$1" >/dev/null
}

# The release binary ($BIN, built if missing), a throwaway PostgreSQL cluster with fsync
# on ($POSTGRES_URL; source scripts/postgres.sh first) and a scratch folder ($work), all
# removed on exit with every background job, for the benches that measure the databases.
# Usage: release_on_postgres
release_on_postgres() {
  BIN="$ROOT/target/release/async-streamer"
  [ -x "$BIN" ] || "$ROOT/scripts/build.sh"
  PG_FSYNC=on start_postgres
  work="$(mktemp -d)"
  # stop_all cannot fail: under `set -e` a bare `kill` with no jobs ended the trap before
  # the cluster was stopped, and left it running.
  trap 'stop_all; rm -rf "$work"; stop_postgres' EXIT
  export LEPTOS_SITE_ROOT="$ROOT/target/site" RUST_LOG=warn
}

# Serves the release binary on a database and a loopback port, in the background, and
# waits until it answers. Usage: serve DATABASE_URL PORT
serve() {
  DATABASE_URL="$1" LEPTOS_SITE_ADDR="127.0.0.1:$2" "$BIN" serve &
  wait_for "http://127.0.0.1:$2/notes"
}

# Stops every background job (servers, nginx) and waits for them.
stop_all() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; }

# Requests per second wrk measures over DURATION seconds (wrk -t2 -c32).
# Usage: rps [wrk options] URL
rps() { wrk -t2 -c32 -d"${DURATION}s" "$@" | awk '/Requests\/sec/ { print $2 }'; }

# Waits (up to 10 s) until a URL answers with a success.
wait_for() { for _ in $(seq 100); do curl -sf -o /dev/null "$1" && return; sleep 0.1; done; }

# nginx on 127.0.0.1:LISTEN in front of the instances on the given ports, from the
# example configuration (scripts/nginx.conf), its files in $work; waits until it answers.
# Usage: nginx_in_front LISTEN PORT...
nginx_in_front() {
  local listen="$1" upstreams=""
  shift
  for port in "$@"; do upstreams+="    server 127.0.0.1:$port;\n"; done
  sed -e "s|@PREFIX@|$work|g" -e "s|@LISTEN@|127.0.0.1:$listen|" -e "s|@UPSTREAMS@|$upstreams|" \
    "$ROOT/scripts/nginx.conf" > "$work/nginx.conf"
  nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
  wait_for "http://127.0.0.1:$listen/readyz"
}

# The median of the numbers on stdin (separated by spaces or lines; of an even count, the
# mean of the middle two).
median() {
  tr ' ' '\n' | grep . | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
