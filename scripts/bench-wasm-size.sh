#!/usr/bin/env bash
# What a first visit downloads of the front end (wasm + js), after brotli -q 11.
# Usage: scripts/bench-wasm-size.sh   (builds first if needed)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ls "$ROOT"/target/site/pkg/*.wasm.br >/dev/null 2>&1 || "$ROOT/scripts/build.sh"
cd "$ROOT/target/site/pkg"
total=0
printf '| file | raw bytes | brotli bytes |\n|---|---|---|\n'
for file in *.wasm *.js; do
  raw=$(stat -c %s "$file"); br=$(stat -c %s "$file.br")
  total=$((total + br))
  printf '| %s | %s | %s |\n' "$file" "$raw" "$br"
done
printf '\nfirst visit, wasm + js after brotli: %s bytes (%.1f KiB; budget 120 KiB)\n' "$total" "$(echo "$total / 1024" | bc -l)"
