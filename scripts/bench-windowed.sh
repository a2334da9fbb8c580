#!/usr/bin/env bash
# Windowed lists with a million lists, on the release binary over loopback:
#  1. /notes with 1,000 and with 1,000,000 lists: bytes and time per document;
#  2. server RSS after 300 documents mixing first pages, older pages and searches (1M);
#  3. search time with 1M lists for a term that matches nothing and one that matches many,
#     and /notes while 8 clients flood the server with two-letter searches (which once
#     scanned; scripts/bench-search.sh times every term of one or two letters);
#  4. /notes?q=e rendered per request (500 lists, a full page of 50) against nginx serving
#     the same bytes (`worker_processes 1; access_log off;`), wrk -t1 -c16, in rounds.
# Usage: scripts/bench-windowed.sh [seconds per wrk run, default 10] [rounds of step 4, default 5]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DURATION="${1:-10}"
ROUNDS="${2:-5}"
ensure_apt wrk nginx sqlite3 curl
BIN="$ROOT/target/release/async-streamer"
[ -x "$BIN" ] || "$ROOT/scripts/build.sh"

work="$(mktemp -d)"
server_pid=""
trap 'stop_all; rm -rf "$work"' EXIT
export LEPTOS_SITE_ROOT="$ROOT/target/site" RUST_LOG=warn

serve() { # serve DB PORT
  DATABASE_URL="sqlite://$1" LEPTOS_SITE_ADDR="127.0.0.1:$2" "$BIN" serve &
  server_pid=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$2/notes" && return; sleep 0.1; done
  echo "server on $2 did not start" >&2; exit 1
}
stop() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status"; }
hwm_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status"; }
# Median of the total times of N requests to a URL, in ms, and the bytes of the last.
timed() { # timed N URL
  for _ in $(seq "$1"); do curl -s -o "$work/body" -w '%{time_total}\n' "$2"; done |
    sort -n | awk '{ t[NR] = $1 } END { printf "%.1f", 1000 * t[int((NR + 1) / 2)] }'
}

# Median and slowest of N documents of random older pages (1M lists), in ms, as "a | b".
pages() { # pages N
  for _ in $(seq "$1"); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:3200/notes?after=$((RANDOM * 30))"
  done | sort -n | awk '{ t[NR] = $1 } END { printf "%.1f ms | %.1f ms", 1000 * t[int((NR + 1) / 2)], 1000 * t[NR] }'
}

say "seeding 1,000 and 1,000,000 lists"
DATABASE_URL="sqlite://$work/small.db" "$BIN" seed --count 1000
start=$(date +%s.%N)
DATABASE_URL="sqlite://$work/big.db" "$BIN" seed --count 1000000
printf 'seed --count 1000000: %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc -l)"

# `before` past the newest id shows the newest page, but through a render every time (only
# the plain /notes is kept in the document cache).
printf '\n| lists | /notes bytes | median time of 20 renders |\n|---|---|---|\n'
for size in small big; do
  serve "$work/$size.db" 3200
  ms=$(timed 20 "http://127.0.0.1:3200/notes?before=2000000")
  bytes=$(stat -c %s "$work/body")
  printf '| %s | %s | %s ms |\n' "$([ $size = small ] && echo 1,000 || echo 1,000,000)" "$bytes" "$ms"
  [ $size = big ] || stop
done

say "300 requests against 1,000,000 lists: first pages, older pages, searches"
idle=$(rss_kib)
terms=(lorem ipsum dolor sit amet zzzq est qui e ab)
for i in $(seq 300); do
  case $((i % 3)) in
    0) url="/notes" ;;
    1) url="/notes?before=$((RANDOM * 30 % 1000000 + 1))" ;;
    2) url="/notes?q=${terms[$((i % ${#terms[@]}))]}" ;;
  esac
  curl -s -o /dev/null "http://127.0.0.1:3200$url"
done
printf '\nserver RSS: idle %s KiB, after 300 requests %s KiB, peak %s KiB (target: at most 65536)\n' \
  "$idle" "$(rss_kib)" "$(hwm_kib)"

printf '\n| search with 1,000,000 lists | median of 20 (POST /api/lists/load) |\n|---|---|\n'
for term in zzzqx lorem dolor ipsum "sit am" e zq; do
  ms=$(for _ in $(seq 20); do
    curl -s -o /dev/null -w '%{time_total}\n' --data-urlencode "q=$term" http://127.0.0.1:3200/api/lists/load
  done | sort -n | awk '{ t[NR] = $1 } END { printf "%.1f", 1000 * t[int((NR + 1) / 2)] }')
  found=$(curl -s --data-urlencode "q=$term" http://127.0.0.1:3200/api/lists/load | grep -o '"id"' | wc -l || true)
  printf '| %s (%s on the first page) | %s ms |\n' "$term" "$found" "$ms"
done

# A flood of two-letter searches (which once scanned) must not stall anyone else's
# documents.
say "/notes while 8 clients keep searching for a pair of letters that matches nothing"
idle_pages="$(pages 40)"
wrk -t2 -c8 -d20s --timeout 30s "http://127.0.0.1:3200/notes?q=zq" >"$work/flood" 2>&1 &
flood=$!
sleep 3
busy_pages="$(pages 40)"
wait "$flood"
printf '\n| /notes?after=random, 40 requests | median | slowest |\n|---|---|---|\n'
printf '| idle | %s |\n| during the flood | %s |\n' "$idle_pages" "$busy_pages"
printf 'searches for zq answered during the flood: %s per second\n' \
  "$(awk '/Requests\/sec/ { print $2 }' "$work/flood")"
stop

say "/notes?q=e with 500 lists, rendered per request, against nginx serving the same bytes"
DATABASE_URL="sqlite://$work/five.db" "$BIN" seed --count 500
serve "$work/five.db" 3201
mkdir -p "$work/www"
curl -sf "http://127.0.0.1:3201/notes?q=e" -o "$work/www/search.html"
rows=$(grep -o '<li id="lists-' "$work/www/search.html" | wc -l)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:3202;
    root $work/www;
  }
}
CONF
# nginx's workers run as another user (`nobody` when started by root): they must be able to
# read the document, or every answer is a short 403, and the comparison would measure
# that.
chmod a+rx "$work" "$work/www"
chmod a+r "$work/www/search.html"
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:3202/search.html && break; sleep 0.1; done
cmp -s "$work/www/search.html" <(curl -sf http://127.0.0.1:3202/search.html) ||
  { echo "nginx does not serve the page's bytes" >&2; exit 1; }
# Requests per second; an answer other than a 2xx is noted, and fails the bench below.
rps() {
  wrk -t1 -c16 -d"${DURATION}s" "$1" >"$work/wrk"
  if grep -q 'Non-2xx' "$work/wrk"; then cat "$work/wrk" >&2; echo "$1" >>"$work/failed"; fi
  awk '/Requests\/sec/ { print $2 }' "$work/wrk"
}
wrk -t1 -c16 -d2s "http://127.0.0.1:3201/notes?q=e" >/dev/null
wrk -t1 -c16 -d2s http://127.0.0.1:3202/search.html >/dev/null
# Both rates move from run to run on this machine (two cores shared with wrk), so the two
# take turns for ROUNDS rounds, each going first in every other round, and the medians
# are compared.
apps="" refs=""
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then
    apps="$apps $(rps "http://127.0.0.1:3201/notes?q=e")"
    refs="$refs $(rps http://127.0.0.1:3202/search.html)"
  else
    refs="$refs $(rps http://127.0.0.1:3202/search.html)"
    apps="$apps $(rps "http://127.0.0.1:3201/notes?q=e")"
  fi
done
if [ -e "$work/failed" ]; then echo "answers other than 2xx from: $(sort -u "$work/failed")" >&2; exit 1; fi
app=$(echo "$apps" | median)
ref=$(echo "$refs" | median)
printf '\n| server | requests/s, median of %s | every round |\n|---|---|---|\n' "$ROUNDS"
printf '| async-streamer /notes?q=e (%s rows, %s bytes, rendered per request) | %s |%s |\n' \
  "$rows" "$(stat -c %s "$work/www/search.html")" "$app" "$apps"
printf '| nginx 1 worker, same bytes | %s |%s |\n' "$ref" "$refs"
awk -v a="$app" -v n="$ref" 'BEGIN { printf "\nrendered search page: %.1f%% of nginx (target: at least 10%%)\n", 100 * a / n }'
