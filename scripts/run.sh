#!/usr/bin/env bash
# Installs what is missing, builds, seeds a database on first run, and serves the app
# on http://127.0.0.1:3000/notes. Settings come from the environment (see README.md).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/build.sh"
cd "$ROOT"
if [ -z "${DATABASE_URL:-}" ] && [ ! -e data/async_streamer.db ]; then
  say "seeding data/async_streamer.db with 50 lists"
  target/release/async-streamer seed --count 50
fi
# The allocator gives freed memory back at once (after a burst of event streams closes,
# idle workers would otherwise keep it).
export MIMALLOC_PURGE_DELAY="${MIMALLOC_PURGE_DELAY:-0}"
say "serving http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000}/notes (Ctrl-C stops)"
exec target/release/async-streamer serve
