#!/usr/bin/env bash
# What a first visit downloads of the front end (wasm + js + the split loader, as the
# browser fetches them), after brotli -q 11, and what the lazily loaded wasm files add
# on first use. The first visit is a document whose rows the server rendered in place
# (what it does whenever they are ready in time); a document whose rows came late also
# fetches the `lists_late` files before it hydrates, printed last. Fails when the first
# visit is over the budget: `scripts/test.sh` runs it.
# Usage: scripts/wasm-size.sh [budget in bytes, default 116800 = 114.1 KiB, see BENCHMARKS.md]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BUDGET="${1:-116800}"
hashes="$ROOT/target/release/hash.txt"
[ -f "$hashes" ] || "$ROOT/scripts/build.sh"
cd "$ROOT/target/site/pkg"
# The build keeps older hashed files around; hash.txt names the current ones.
hash_of() { awk -v key="$1:" '$1 == key { print $2 }' "$hashes"; }
brotli_size() {
  [ "$1.br" -nt "$1" ] || brotli --force --quality=11 --keep "$1"
  stat -c %s "$1.br"
}

first_visit=("async-streamer.$(hash_of wasm).wasm" "async-streamer.$(hash_of js).js")
split="$(hash_of split)"
[ -z "$split" ] || first_visit+=("__wasm_split.$split.js")
total=0
printf '| first visit | raw bytes | brotli bytes |\n|---|---|---|\n'
for file in "${first_visit[@]}"; do
  raw=$(stat -c %s "$file"); br=$(brotli_size "$file")
  total=$((total + br))
  printf '| %s | %s | %s |\n' "$file" "$raw" "$br"
done
printf '\nfirst visit, wasm + js after brotli: %s bytes (%.1f KiB; budget %s bytes)\n\n' \
  "$total" "$(echo "$total / 1024" | bc -l)" "$BUDGET"

manifest="$(hash_of manifest)"
if [ -n "$manifest" ]; then
  # Each split point and the wasm files it needs, from the split manifest.
  splits="$(node -e '
    const manifest = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const [name, files] of Object.entries(manifest)) {
      console.log(name.replace(/_\d+$/, "") + " " + files.map((f) => f + ".wasm").join(" "));
    }
  ' "__wasm_split_manifest.$manifest.json")"
  late=""
  printf '| loaded on first use | files | brotli bytes |\n|---|---|---|\n'
  while read -r name files; do
    sum=0
    for file in $files; do sum=$((sum + $(brotli_size "$file"))); done
    printf '| %s | %s | %s |\n' "$name" "$(wc -w <<<"$files")" "$sum"
    [ "$name" != lists_late ] || late=$((total + sum))
  done <<<"$splits"
  [ -z "$late" ] || printf '\na page whose rows came late, before it hydrates (first visit + lists_late): %s bytes (%.1f KiB)\n' \
    "$late" "$(echo "$late / 1024" | bc -l)"
fi

if [ "$total" -gt "$BUDGET" ]; then
  echo "FAIL: the first visit downloads $total bytes, over the budget of $BUDGET" >&2
  exit 1
fi
