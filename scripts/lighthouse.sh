#!/usr/bin/env bash
# Lighthouse 12.2.3 (pinned: 13 wants a newer Node than Debian's) on /notes, mobile and
# desktop presets, in Debian's Chromium against the release build with 500 lists: prints
# the four scores and the key timings (TTI too: no longer scored, still measured).
# Loopback only; about a minute.
# Usage: scripts/lighthouse.sh [path, default /notes]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PAGE="${1:-/notes}"
LIGHTHOUSE_VERSION="12.2.3"
ensure_apt chromium
tools="$ROOT/target/tools/lighthouse"
if [ "$(node -p "try { require('$tools/node_modules/lighthouse/package.json').version } catch { '' }")" != "$LIGHTHOUSE_VERSION" ]; then
  say "installing lighthouse $LIGHTHOUSE_VERSION (npm)"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent "lighthouse@$LIGHTHOUSE_VERSION"
fi
release_with_lists 500
LEPTOS_SITE_ADDR=127.0.0.1:3591 "$BIN" serve &
wait_for http://127.0.0.1:3591/healthz

printf '| preset | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | speed index | TTI | console errors |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for preset in mobile desktop; do
  flags=()
  [ "$preset" = desktop ] && flags+=(--preset=desktop)
  "$tools/node_modules/.bin/lighthouse" "http://127.0.0.1:3591$PAGE" "${flags[@]}" \
    --chrome-path=/usr/bin/chromium --chrome-flags="--headless=new --no-sandbox" \
    --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output-path="$work/$preset.json" --quiet
  node -e '
    const report = require(process.argv[1]);
    const score = (id) => Math.round(report.categories[id].score * 100);
    const audit = (id) => report.audits[id].displayValue ?? "";
    const errors = report.audits["errors-in-console"].details?.items?.length ?? 0;
    const failing = Object.values(report.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary")
      .map((a) => a.id);
    console.log(`| ${process.argv[2]} | ${score("performance")} | ${score("accessibility")} | ${score("best-practices")} | ${score("seo")} | ${audit("first-contentful-paint")} | ${audit("largest-contentful-paint")} | ${audit("total-blocking-time")} | ${audit("cumulative-layout-shift")} | ${audit("speed-index")} | ${audit("interactive")} | ${errors} |`);
    if (failing.length) console.error(`${process.argv[2]}: failing audits: ${failing.join(", ")}`);
  ' "$work/$preset.json" "$preset"
done
