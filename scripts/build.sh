#!/usr/bin/env bash
# Release build of the server and the wasm, with brotli/gzip copies of the assets.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_build_tools
cd "$ROOT"
say "building (release)"
cargo leptos build --release --split --lib-features lazy-requests
say "precompressing target/site/pkg"
for file in target/site/pkg/*.js target/site/pkg/*.wasm target/site/pkg/*.css; do
  [ -e "$file" ] || continue
  [ "$file.br" -nt "$file" ] || brotli --force --quality=11 --keep "$file"
  [ "$file.gz" -nt "$file" ] || gzip --force --best --keep "$file"
done
