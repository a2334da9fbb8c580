#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints for both sides, unit and
# integration tests (real SQLite files, real server), the release build and its
# first-visit budget, browser tests in Chromium, then the plain `cargo leptos build`
# loaded in Chromium too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_build_tools
ensure_apt chromium
cd "$ROOT"

say "cargo fmt --check"
cargo fmt --all -- --check

say "clippy (server side, ssr)"
cargo clippy --workspace --all-targets -- -D warnings
say "clippy (browser side, hydrate)"
cargo clippy -p app --features hydrate --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown --features lazy-requests,panic-immediate-abort -- -D warnings

say "unit and integration tests"
cargo test --workspace

"$ROOT/scripts/build.sh"
say "first-visit download (budget 120 KiB after brotli)"
"$ROOT/scripts/wasm-size.sh"

cd "$ROOT/end2end"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
summary() {
  # A closing line CI can read: Playwright's own summary is not one of its formats.
  node -e '
    const { stats } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${process.argv[2]}: ${stats.expected + stats.flaky} passed, ${stats.unexpected} failed, ${stats.skipped} skipped`);
    process.exit(stats.unexpected ? 1 : 0);
  ' "$report" "$1"
}

say "browser tests (Playwright, Chromium, release build)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$report" npx playwright test --reporter=list,json || true
summary end2end

say "plain build: cargo leptos build, no flags, then the page in Chromium"
(cd "$ROOT" && LEPTOS_SITE_ROOT=target/site-plain cargo leptos build)
ASYNC_STREAMER_BIN="$ROOT/target/debug/async-streamer" ASYNC_STREAMER_SITE_ROOT="$ROOT/target/site-plain" \
  PLAYWRIGHT_JSON_OUTPUT_NAME="$report" npx playwright test tests/smoke.spec.ts --reporter=list,json || true
summary "plain build"
