# What the fault scripts on PostgreSQL share (`kill-leader.sh`, `crash-postgres.sh`):
# creates sent one after another with each acknowledged one recorded, and the check that
# every acknowledged create is in the log where its answer said. Source it after
# `postgres.sh`.
# shellcheck shell=bash

# A throwaway cluster (fsync on) and the release binary (`release_on_postgres`), and a
# database NAME on it seeded with five lists, whose URL is then `pg_url`.
fault_database() { # fault_database NAME
  release_on_postgres
  export ALLOWED_HOSTS="127.0.0.1" NO_COLOR=1
  pg_url="${POSTGRES_URL%/*}/$1"
  DATABASE_URL="$pg_url" "$BIN" seed --count 5 >/dev/null
}

# Sends COUNT creates named TAG+n to the instance on PORT, one after another, and appends
# each acknowledged one to $work/acked as `list id:position`.
send_creates() { # send_creates PORT TAG COUNT
  local i answer
  for i in $(seq "$3"); do
    answer="$(curl -s -m 5 -d "name=$2+$i" "http://127.0.0.1:$1/api/lists/create" || true)"
    case "$answer" in
      *'"seq"'*) sed -E 's/.*"id":([0-9]+).*"seq":([0-9]+).*/\1:\2/' <<<"$answer" >> "$work/acked" ;;
    esac
  done
}

# Reads the log of the database at URL against $work/acked. Sets `acked` (creates
# acknowledged), `matching` (of those, in the log at the answered position), `events`
# (log entries), `unnumbered` (entries without a position), `top` (the last position)
# and `gapless` (yes when positions run from 1 to `top`, each once).
check_acknowledged() { # check_acknowledged URL
  local psql="$PG_BIN/psql" pairs distinct
  [ -x "$psql" ] || psql=psql
  acked="$(wc -l < "$work/acked")"
  pairs="$(paste -sd, "$work/acked")"
  read -r matching unnumbered events top distinct < <("$psql" -qtA -F' ' "$1" -c "
    WITH acked (id, seq) AS (
      SELECT split_part(x, ':', 1)::bigint, split_part(x, ':', 2)::bigint
      FROM unnest(string_to_array('$pairs', ',')) AS x)
    SELECT
      (SELECT COUNT(*) FROM acked JOIN list_events AS e
         ON e.list_id = acked.id AND e.kind = 'created' AND e.seq = acked.seq),
      COUNT(*) FILTER (WHERE seq IS NULL), COUNT(*), COALESCE(MAX(seq), 0),
      COUNT(DISTINCT seq)
    FROM list_events")
  gapless=no
  if [ "$top" = "$events" ] && [ "$distinct" = "$events" ]; then gapless=yes; fi
}
