#!/usr/bin/env bash
# Requests per second for GET /notes with 50 lists, side by side with nginx serving the
# very same HTML bytes from disk: `wrk -t1 -c16`, loopback only, bounded in time.
# Usage: scripts/bench-http.sh [seconds per run, default 10]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DURATION="${1:-10}"
ensure_apt wrk nginx
[ -x "$ROOT/target/release/async-streamer" ] || "$ROOT/scripts/build.sh"

work="$(mktemp -d)"
trap 'stop_all; rm -rf "$work"' EXIT
export DATABASE_URL="sqlite://$work/lists.db" LEPTOS_SITE_ADDR=127.0.0.1:3190 RUST_LOG=warn
export LEPTOS_SITE_ROOT="$ROOT/target/site"
"$ROOT/target/release/async-streamer" seed --count 50
"$ROOT/target/release/async-streamer" serve &
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:3190/notes && break; sleep 0.1; done

mkdir -p "$work/www"
curl -sf http://127.0.0.1:3190/notes -o "$work/www/notes.html"
cat > "$work/nginx.conf" <<CONF
user root;
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  default_type text/html;
  server {
    listen 127.0.0.1:3191;
    location = /notes { root $work/www; try_files /notes.html =404; }
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:3191/notes && break; sleep 0.1; done

cmp -s "$work/www/notes.html" <(curl -sf http://127.0.0.1:3191/notes) || { echo "nginx serves other bytes" >&2; exit 1; }
rps() { wrk -t1 -c16 -d"${DURATION}s" "$1" | awk '/Requests\/sec/ { print $2 }'; }
say "warming up"
wrk -t1 -c16 -d2s http://127.0.0.1:3190/notes >/dev/null
wrk -t1 -c16 -d2s http://127.0.0.1:3191/notes >/dev/null
say "measuring ${DURATION}s each"
app=$(rps http://127.0.0.1:3190/notes)
# `before` past the newest list shows the same rows through a render every time: only the
# plain /notes is kept in the document cache.
render=$(rps "http://127.0.0.1:3190/notes?before=1000000000")
ref=$(rps http://127.0.0.1:3191/notes)
bytes=$(stat -c %s "$work/www/notes.html")
printf '\n| server | requests/s |\n|---|---|\n| async-streamer /notes (50 lists, %s bytes) | %s |\n| async-streamer /notes?before=… (same rows, rendered per request) | %s |\n| nginx, same bytes from disk | %s |\n' "$bytes" "$app" "$render" "$ref"
awk -v a="$app" -v r="$render" -v n="$ref" 'BEGIN { printf "\nasync-streamer reaches %.1f%% of nginx (target: at least 25%%); rendering every request, %.1f%%\n", 100 * a / n, 100 * r / n }'
