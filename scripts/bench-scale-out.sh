#!/usr/bin/env bash
# Scale-out on PostgreSQL: creates per second through nginx with one, two and
# three instances on one database (the same wrk connections, and the same 16 database
# connections in all, divided between the instances), each create's p50 / p99, the CPU
# time and context switches each create cost the instances, PostgreSQL and nginx, and the
# lock waits PostgreSQL saw while they ran (pg_stat_activity sampled every 50 ms).
# A throwaway cluster with fsync on, the release binary, loopback only.
# Usage: scripts/bench-scale-out.sh [seconds per run, default 10] [rounds, default 1]
# COUNTS="1 2" runs only those instance counts (default "1 2 3"; 1 must be among them).
# LOAD=pages serves rendered documents instead (`scripts/pages.lua`: searches and both
# bounds, each a read of the database, and the cached document of the first page;
# nothing written, nothing shared between the instances): the control for what a second
# instance costs on the same cores whatever the log does. Its figures are requests, where the default load's are creates.
# With more than one round, each round runs the instance counts in a rotated order (so
# no count always runs first or last on a warming machine), and the medians per count
# and their ratios to one instance are printed at the end: this machine's runs spread
# widely, so one run of each says little.
# With INSTANCE_CPU set (a share of one core, such as 0.15), each instance runs in a
# cgroup of its own limited to that share, with one worker thread: as if each ran on a
# small host of its own, which is how instances are added in production. The database,
# nginx and wrk share the rest of the machine. Needs cgroups v1's `cpu` controller or v2
# with `cpu` delegated, writable (root in this container).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/postgres.sh"
DURATION="${1:-10}"
ROUNDS="${2:-1}"
case "${LOAD:-create}" in
  create) load="$ROOT/scripts/create.lua" what=creates each=create ;;
  pages) load="$ROOT/scripts/pages.lua" what=requests each=page ;;
  *) echo "LOAD is create or pages, not ${LOAD}" >&2; exit 2 ;;
esac
ensure_apt wrk nginx
release_on_postgres
export ALLOWED_HOSTS="127.0.0.1"
PSQL="$PG_BIN/psql"
[ -x "$PSQL" ] || PSQL=psql

serve_with() { # serve_with DATABASE_URL PORT CONNECTIONS WORKER_THREADS
  DATABASE_URL="$1" LEPTOS_SITE_ADDR="127.0.0.1:$2" DATABASE_CONNECTIONS="$3" \
    TOKIO_WORKER_THREADS="$4" "$BIN" serve &
  [ -z "${INSTANCE_CPU:-}" ] || limit_cpu "$!" "$2"
  wait_for "http://127.0.0.1:$2/readyz"
}

# Puts the process PID (all its threads) in a cgroup named after NAME, limited to
# INSTANCE_CPU of one core.
CGROUPS=()
limit_cpu() { # limit_cpu PID NAME
  local period=100000 quota group
  quota="$(awk -v share="$INSTANCE_CPU" 'BEGIN { printf "%d", share * 100000 }')"
  if [ -w /sys/fs/cgroup/cpu ]; then # cgroups v1
    group="/sys/fs/cgroup/cpu/async-streamer-bench-$2"
    mkdir -p "$group"
    echo "$period" > "$group/cpu.cfs_period_us"
    echo "$quota" > "$group/cpu.cfs_quota_us"
  else # cgroups v2
    group="/sys/fs/cgroup/async-streamer-bench-$2"
    mkdir -p "$group"
    echo "$quota $period" > "$group/cpu.max"
  fi
  echo "$1" > "$group/cgroup.procs"
  CGROUPS+=("$group")
}
# Once the instances have stopped (a cgroup left by an interrupted run is reused).
remove_cgroups() {
  local group
  for group in "${CGROUPS[@]}"; do rmdir "$group" 2>/dev/null || true; done
  CGROUPS=()
}

# Samples the waits on locks once every 50 ms until the file $work/stop appears: one
# line per waiting backend per sample, `type/event`.
sample_lock_waits() {
  rm -f "$work/stop" "$work/waits"
  while [ ! -e "$work/stop" ]; do
    "$PSQL" -qtA "$POSTGRES_URL" -c \
      "SELECT wait_event_type || '/' || wait_event FROM pg_stat_activity
       WHERE wait_event_type IN ('Lock', 'LWLock') AND backend_type = 'client backend'" \
      >> "$work/waits" 2>/dev/null
    sleep 0.05
  done
}

# CPU time (clock ticks, user + system) the processes pgrep finds with these arguments
# have used.
cpu_ticks() {
  local total=0 pid
  for pid in $(pgrep "$@"); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
# What each kind of process has used so far: instances, PostgreSQL, nginx.
cpu_now() { echo "$(cpu_ticks -f "$BIN serve") $(cpu_ticks -u postgres) $(cpu_ticks -f "nginx: ")"; }
# Context switches (voluntary and not) of every thread of the processes pgrep finds: each
# is a wake-up, a sleep or a preemption, the kernel's share of a create.
switches() {
  local total=0 pid
  for pid in $(pgrep "$@"); do
    total=$((total + $(cat /proc/"$pid"/task/*/status 2>/dev/null |
      awk '/ctxt_switches/ { s += $2 } END { print s + 0 }')))
  done
  echo "$total"
}
switches_now() { echo "$(switches -f "$BIN serve") $(switches -u postgres) $(switches -f "nginx: ")"; }
# Context switches per create, to one decimal, between two counts.
switches_per_create() {
  awk -v a="$1" -v b="$2" -v n="$creates" 'BEGIN { printf "%.1f", (b - a) / (n > 0 ? n : 1) }'
}
# The whole machine's idle and total clock ticks so far (every core; iowait counts as idle).
machine_ticks() { awk '$1 == "cpu" { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
# Microseconds of CPU per create between two tick counts (after the run sets $creates).
per_create() { echo $(((($2 - $1) * 1000000) / (hz * (creates > 0 ? creates : 1)))); }

cores="$(nproc)"
hz="$(getconf CLK_TCK)"
printf '| instances | %s/s (wrk -t2 -c32, %s s, through nginx) | %s p50 / p99 | CPU µs per %s: instances + PostgreSQL + nginx | context switches per %s: the same | machine idle | lock waits seen (samples every 50 ms) |\n|---|---|---|---|---|---|---|\n' "$what" "$DURATION" "$each" "$each" "$each"
declare -A runs=() ratios=() wins=() this_round=()
read -r -a counts <<<"${COUNTS:-1 2 3}"
# Round r starts at the r-th count and wraps around.
rotated() { # rotated ROUND
  local start=$((($1 - 1) % ${#counts[@]}))
  echo "${counts[@]:start} ${counts[@]:0:start}"
}
for round in $(seq "$ROUNDS"); do
  for instances in $(rotated "$round"); do
    pg_url="${POSTGRES_URL%/*}/bench_$instances"
    DATABASE_URL="$pg_url" "$BIN" seed --count 50 >/dev/null
    ports=()
    for n in $(seq "$instances"); do
      threads=$(((cores + instances - 1) / instances))
      [ -z "${INSTANCE_CPU:-}" ] || threads=1
      serve_with "$pg_url" $((3500 + n)) $((16 / instances)) "$threads"
      ports+=($((3500 + n)))
    done
    nginx_in_front 3510 "${ports[@]}"
    wrk -t2 -c32 -d2s -s "$load" http://127.0.0.1:3510 >/dev/null # warm-up
    sample_lock_waits &
    sampler=$!
    read -r app_0 pg_0 nginx_0 < <(cpu_now)
    read -r app_s0 pg_s0 nginx_s0 < <(switches_now)
    read -r idle_0 total_0 < <(machine_ticks)
    wrk -t2 -c32 -d"${DURATION}s" --latency -s "$load" http://127.0.0.1:3510 > "$work/wrk"
    read -r app_1 pg_1 nginx_1 < <(cpu_now)
    read -r app_s1 pg_s1 nginx_s1 < <(switches_now)
    read -r idle_1 total_1 < <(machine_ticks)
    touch "$work/stop"
    wait "$sampler"
    creates="$(awk '/requests in/ { print $1 }' "$work/wrk")"
    cpu="$(per_create "$app_0" "$app_1") + $(per_create "$pg_0" "$pg_1") + $(per_create "$nginx_0" "$nginx_1")"
    woken="$(switches_per_create "$app_s0" "$app_s1") + $(switches_per_create "$pg_s0" "$pg_s1") + $(switches_per_create "$nginx_s0" "$nginx_s1")"
    rps="$(awk '/Requests\/sec/ { print $2 }' "$work/wrk")"
    p50="$(awk '$1 == "50%" { print $2 }' "$work/wrk")"
    p99="$(awk '$1 == "99%" { print $2 }' "$work/wrk")"
    waits="$(sort "$work/waits" | uniq -c | awk '{ printf "%s%s × %s", sep, $1, $2; sep = ", " }')"
    idle="$(awk -v i=$((idle_1 - idle_0)) -v t=$((total_1 - total_0)) 'BEGIN { printf "%.0f %%", 100 * i / (t > 0 ? t : 1) }')"
    printf '| %s | %s | %s / %s | %s | %s | %s | %s |\n' "$instances" "$rps" "$p50" "$p99" "$cpu" "$woken" "$idle" "${waits:-none}"
    runs[$instances]+="$rps "
    this_round[$instances]="$rps"
    stop_all
    remove_cgroups
  done
  # Each round's counts ran minutes apart at most: their ratio to that round's one
  # instance drifts less with the machine's hour than the medians do.
  for instances in "${counts[@]}"; do
    ratio="$(echo "${this_round[$instances]} / ${this_round[1]}" | bc -l)"
    ratios[$instances]+="$ratio "
    if [ "$(echo "$ratio >= 1" | bc -l)" = 1 ]; then wins[$instances]=$((${wins[$instances]:-0} + 1)); fi
  done
done

if [ "$ROUNDS" -gt 1 ]; then
  one="$(median <<<"${runs[1]}")"
  printf '\n| instances | %s/s, every run | median | median / one instance | median of each round'"'"'s ratio to its one instance | rounds at least as fast as one |\n|---|---|---|---|---|---|\n' "$what"
  for instances in "${counts[@]}"; do
    m="$(median <<<"${runs[$instances]}")"
    printf '| %s | %s | %s | %.2f | %.2f | %s of %s |\n' "$instances" "${runs[$instances]% }" "$m" \
      "$(echo "$m / $one" | bc -l)" "$(median <<<"${ratios[$instances]}")" "${wins[$instances]:-0}" "$ROUNDS"
  done
fi
