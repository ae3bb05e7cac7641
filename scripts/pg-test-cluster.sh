#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests: initdb into DIR, listen on 127.0.0.1:PORT and a unix
# socket inside DIR, trust auth (loopback only). PostgreSQL refuses to run as root, so as root the
# cluster runs as the `postgres` system user (created by the Debian package).
#   pg-test-cluster.sh start DIR PORT [ADDRESS]   → prints the connection URL on stdout
#   (ADDRESS: another loopback address, e.g. 127.0.0.2, trusted from 127.0.0.0/8; PG_EXTRA_CONF: more
#   `-c name=value` settings, e.g. "-c wal_level=logical" for a logical-replication source)
#   pg-test-cluster.sh stop DIR         → stops the cluster and removes DIR
set -euo pipefail
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?start|stop}; dir=${2:?DIR}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port=${3:?PORT}; addr=${4:-127.0.0.1}
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
    as_owner "$BIN/initdb" -D "$dir/data" -U stacks -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
    if [ "$addr" != 127.0.0.1 ]; then
      printf 'host all all 127.0.0.0/8 trust\nhost replication all 127.0.0.0/8 trust\n' | as_owner tee -a "$dir/data/pg_hba.conf" >/dev/null
    fi
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=$addr -p $port -k $dir -c fsync=off -c max_connections=40 ${PG_EXTRA_CONF:-}" start >/dev/null
    echo "postgres://stacks@$addr:$port/postgres"
    ;;
  stop)
    if [ -d "$dir/data" ]; then as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
