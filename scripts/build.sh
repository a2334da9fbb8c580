#!/usr/bin/env bash
# The release build `scripts/run.sh` serves and `scripts/test.sh` tests: the front end
# squeezed for size, the server, and brotli/gzip copies of the assets.
#
# The front end is built with nightly Rust so that the standard library is rebuilt for
# size, as the Leptos book's "Optimizing WASM Binary Size" chapter recommends: panics
# abort at once (no unwinding or message code), and no file/line or Debug text is kept.
# With the `lazy-requests` feature and `--split`, the request code is fetched on first
# use (BENCHMARKS.md has what the first visit downloads). Plain
# `cargo leptos build --release` (stable, none of this) builds a working site too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_build_tools
cd "$ROOT"
say "building the front end (release, nightly, std rebuilt for size)"
RUSTUP_TOOLCHAIN="$NIGHTLY" \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
  cargo leptos build --release --split --frontend-only \
  --lib-features lazy-requests,panic-immediate-abort \
  --lib-cargo-args=-Zbuild-std=std,panic_abort
say "building the server (release)"
cargo leptos build --release --server-only
say "precompressing target/site/pkg"
for file in target/site/pkg/*.js target/site/pkg/*.wasm target/site/pkg/*.css; do
  [ -e "$file" ] || continue
  [ "$file.br" -nt "$file" ] || brotli --force --quality=11 --keep "$file"
  [ "$file.gz" -nt "$file" ] || gzip --force --best --keep "$file"
done
