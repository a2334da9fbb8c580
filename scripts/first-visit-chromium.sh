#!/usr/bin/env bash
# What Chromium downloads of the front end on /notes before the screen hydrates, and
# after until the network is idle, from the browser's own resource timings (the bytes as
# served: brotli): a document whose rows the server rendered in place, and one whose rows
# came late (every load 200 ms late, so the skeleton goes first). The release build, 500
# lists, loopback only; about half a minute. `scripts/wasm-size.sh` computes the same
# from the files; this is what the screen really requests.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_apt chromium
release_with_lists 500
LEPTOS_SITE_ADDR=127.0.0.1:3592 "$BIN" serve &
SIMULATED_LATENCY_MS=200 LEPTOS_SITE_ADDR=127.0.0.1:3593 "$BIN" serve &
wait_for http://127.0.0.1:3592/healthz
wait_for http://127.0.0.1:3593/healthz
cd "$ROOT/end2end"
say "rows in place"
node bench/chromium-size.mjs http://127.0.0.1:3592/notes
say "rows late"
node bench/chromium-size.mjs http://127.0.0.1:3593/notes
