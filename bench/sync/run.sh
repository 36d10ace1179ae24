#!/usr/bin/env bash
# Sync benchmark at several output sizes: per size, push of N outputs vs `psql \copy` of the same
# ids and texts into a keyed table, pull into a fresh vault vs the local floor (the same rows
# copied into a fresh vault by SQL), client and server CPU apart; one edit's latency between two
# running background services on the 3.7 KB case. Starts its own throwaway PostgreSQL 15
# (initdb + pg_ctl, as the postgres user when root; default settings, fsync on) and removes it
# afterwards.
#   bash bench/sync/run.sh
#   PV_BENCH_SYNC_CASES="400:20000" bash bench/sync/run.sh      # bytes:outputs, 0 bytes = as generated (~3.7 KB)
# BUILD_DIR (default ./build), PV_BENCH_BIN (another build of pv-bench-sync: nothing is built),
# PV_BENCH_DIR (default /tmp/pv-bench-sync), PV_BENCH_CACHE (generated vaults kept between runs;
# default $PV_BENCH_DIR/cache), PV_PG_OPTS (extra server settings, e.g. for pg_stat_statements).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-$PWD/build}"
DIR="${PV_BENCH_DIR:-/tmp/pv-bench-sync}"
CACHE="${PV_BENCH_CACHE:-$DIR/cache}"
CASES="${PV_BENCH_SYNC_CASES:-400:100000 2000:50000 8000:20000 0:50000}"
PGBIN="${PV_PG_BIN:-/usr/lib/postgresql/15/bin}"
BIN="${PV_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  echo "building pv-bench-sync in $BUILD_DIR" >&2
  cmake --build "$BUILD_DIR" --target pv-bench-sync -j 2 >/dev/null
  BIN="$BUILD_DIR/bench/sync/pv-bench-sync"
fi

mkdir -p "$DIR" "$CACHE"
PGDIR=$(mktemp -d "$DIR/pg.XXXXXX")
chmod 777 "$DIR" "$PGDIR"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR" "$DIR"/a.db* "$DIR"/b.db* "$DIR"/*.copy; }
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Default durability settings (fsync on): the baselines and the push write to the same server.
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGDIR ${PV_PG_OPTS:-}" start >/dev/null
CI="host=127.0.0.1 port=$PORT user=postgres dbname=postgres"
echo "## bench-sync ($(date -u +%Y-%m-%d), $(nproc) cores, PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), SQLite $(sqlite3 --version | cut -d' ' -f1), $BIN)"
SUMMARY=""
for C in $CASES; do
  BYTES="${C%%:*}"; N="${C##*:}"
  LAT=0; [ "$BYTES" = 0 ] && LAT=10
  echo; echo "### outputs of ${BYTES} bytes (0: as generated), $N outputs"
  OUT=$("$BIN" --conninfo "$CI" --psql "$(command -v psql)" --dir "$DIR" --cache "$CACHE" --outputs "$N" --output-bytes "$BYTES" \
    --latency-runs "$LAT" --pg-pid-file "$PGDIR/data/postmaster.pid")
  echo "$OUT" | grep -v '^summary: '
  SUMMARY+="| $(echo "$OUT" | sed -n 's/^summary: //p') |"$'\n'
done
echo
echo "### summary (push vs the keyed \\copy, pull vs the local floor; CPU client + server in seconds)"
echo
echo "| output size | outputs | \`\\copy\` keyed | push | push ratio | local floor | pull | pull ratio |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s' "$SUMMARY"
