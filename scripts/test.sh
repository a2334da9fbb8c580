#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints for both sides, unit and
# integration tests (real SQLite files and a throwaway PostgreSQL cluster, the real
# server), the release build and its first-visit budget, browser tests in Chromium (on
# SQLite, then a subset and two instances behind nginx on PostgreSQL), then the plain
# `cargo leptos build` loaded in Chromium too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/postgres.sh"
ensure_build_tools
ensure_apt chromium nginx
ensure_promtool
cd "$ROOT"
# Every crate is compiled once here: incremental caches would only take disk (gigabytes).
export CARGO_INCREMENTAL=0

say "cargo leptos watch rebuilds on every folder a build script reads"
for read in $(grep -ho 'rerun-if-changed=[A-Za-z0-9_/.-]*' app/build.rs | cut -d= -f2 | grep -vx build.rs); do
  folder="$(realpath -m --relative-to="$ROOT" "$ROOT/app/$read")"
  grep -q "watch-additional-files = \[.*\"$folder\"" Cargo.toml || {
    echo "app/build.rs reads $folder, which watch-additional-files in Cargo.toml does not list" >&2
    exit 1
  }
done

say "cargo fmt --check"
cargo fmt --all -- --check

say "the crates' imports: no circle, nothing taken from a root that only re-exports it"
python3 "$ROOT/scripts/imports.py"

say "clippy (server side, ssr)"
cargo clippy --workspace --all-targets -- -D warnings
say "clippy (browser side, hydrate)"
cargo clippy -p app --features hydrate --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown --features lazy-requests,panic-immediate-abort -- -D warnings

start_postgres
say "unit and integration tests (SQLite and PostgreSQL)"
# The PostgreSQL tests are ignored by a plain `cargo test`; here they run on the cluster
# just started (POSTGRES_URL), and fail without it. They are the only ignored tests.
cargo test --workspace -- --include-ignored

"$ROOT/scripts/build.sh"
say "first-visit download (budget 114.1 KiB after brotli)"
"$ROOT/scripts/wasm-size.sh"

cd "$ROOT/end2end"
# The release build just made, by name: `cargo test` above may have linked a newer debug
# binary, which the tests would otherwise pick as the newest.
export ASYNC_STREAMER_BIN="$ROOT/target/release/async-streamer"
report="$(mktemp)"
trap 'rm -f "$report"; stop_postgres' EXIT
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

say "browser tests on PostgreSQL: the @both tests, and two instances behind nginx"
ASYNC_STREAMER_DATABASE=postgres PLAYWRIGHT_JSON_OUTPUT_NAME="$report" \
  npx playwright test --grep "@both|two instances" --reporter=list,json || true
summary "end2end on PostgreSQL"

say "plain build: cargo leptos build, no flags, then the page in Chromium"
(cd "$ROOT" && LEPTOS_SITE_ROOT=target/site-plain cargo leptos build)
ASYNC_STREAMER_BIN="$ROOT/target/debug/async-streamer" ASYNC_STREAMER_SITE_ROOT="$ROOT/target/site-plain" \
  PLAYWRIGHT_JSON_OUTPUT_NAME="$report" npx playwright test tests/smoke.spec.ts --reporter=list,json || true
summary "plain build"
say "the whole suite passed"
