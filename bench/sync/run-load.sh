#!/usr/bin/env bash
# Sync under load: 20 devices, each running the background service and making one small edit a
# second, against a canonical database of 100k and then 1M outputs; latency, server CPU per device
# and the cost of a pull at both sizes. Starts its own throwaway PostgreSQL 15 per size (default
# settings, fsync on) and removes it afterwards.
#   bash bench/sync/run-load.sh                 # 100000 and 1000000 outputs
#   PV_BENCH_LOAD_SIZES="10000" bash bench/sync/run-load.sh
# BUILD_DIR (default ./build), PV_BENCH_DIR (default /tmp/pv-bench-sync-load), PV_BENCH_LOAD_SECONDS (60),
# PV_BENCH_LOAD_DEVICES (20),
# PV_BENCH_BIN (another build of pv-bench-sync-load: nothing is built), PV_SYNC_TRACE=1 (where the
# time goes: vault lock waits, round trips, wait events; the server also logs lock waits over 20 ms).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-$PWD/build}"
DIR="${PV_BENCH_DIR:-/tmp/pv-bench-sync-load}"
SIZES="${PV_BENCH_LOAD_SIZES:-100000 1000000}"
SECONDS_OF_LOAD="${PV_BENCH_LOAD_SECONDS:-60}"
DEVICES="${PV_BENCH_LOAD_DEVICES:-20}"
PGBIN="${PV_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
BIN="${PV_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
  echo "building pv-bench-sync-load in $BUILD_DIR" >&2
  cmake --build "$BUILD_DIR" --target pv-bench-sync-load -j 2 >/dev/null
  BIN="$BUILD_DIR/bench/sync/pv-bench-sync-load"
fi
TRACE="${PV_SYNC_TRACE:-0}"
PGOPTS=""
[ "$TRACE" != 0 ] && PGOPTS="-c log_lock_waits=on -c deadlock_timeout=20ms"
mkdir -p "$DIR"
chmod 777 "$DIR"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
echo "## bench-sync-load ($(date -u +%Y-%m-%d), $(nproc) cores, PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), SQLite $(sqlite3 --version | cut -d' ' -f1))"
for N in $SIZES; do
  PGDIR=$(mktemp -d "$DIR/pg.XXXXXX")
  chmod 777 "$PGDIR"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cleanup() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
  trap cleanup EXIT
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGDIR $PGOPTS" start >/dev/null
  "$BIN" --conninfo "host=127.0.0.1 port=$PORT user=postgres dbname=postgres" --dir "$DIR" \
    --outputs "$N" --devices "$DEVICES" --seconds "$SECONDS_OF_LOAD" --pg-pid-file "$PGDIR/data/postmaster.pid" --trace "$TRACE"
  if [ "$TRACE" != 0 ]; then
    echo "server log: $(grep -c 'still waiting for' "$PGDIR/log" || true) lock waits over 20 ms; by lock:"
    grep -o 'still waiting for [A-Za-z]* on [a-z ]*' "$PGDIR/log" | sort | uniq -c | sort -rn | head -5 || true
  fi
  cleanup
  trap - EXIT
done
