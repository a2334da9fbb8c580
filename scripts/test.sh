#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints for both sides, unit and
# integration tests (real SQLite files, real server), then browser tests in Chromium.
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

say "unit and integration tests"
cargo test --workspace

"$ROOT/scripts/build.sh"

say "browser tests (Playwright, Chromium)"
cd "$ROOT/end2end"
report="$(mktemp)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$report" npx playwright test --reporter=list,json
# A closing line CI can read: Playwright's own summary is not one of its formats.
node -e '
  const { stats } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`end2end: ${stats.expected + stats.flaky} passed, ${stats.unexpected} failed, ${stats.skipped} skipped`);
' "$report"
rm -f "$report"
