#!/usr/bin/env bash
# Sync benchmark: push of 100k outputs vs `psql \copy` of the same rows, pull into a fresh vault,
# and one edit's latency between two running background services. Starts its own throwaway
# PostgreSQL 15 (initdb + pg_ctl, as the postgres user when root) and removes it afterwards.
#   bash bench/sync/run.sh            # 100k outputs
#   PV_BENCH_SYNC_OUTPUTS=10000 bash bench/sync/run.sh
# BUILD_DIR (default ./build), PV_BENCH_DIR (default /tmp/pv-bench-sync).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-$PWD/build}"
DIR="${PV_BENCH_DIR:-/tmp/pv-bench-sync}"
N="${PV_BENCH_SYNC_OUTPUTS:-100000}"
PGBIN="${PV_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
echo "building pv-bench-sync in $BUILD_DIR" >&2
cmake --build "$BUILD_DIR" --target pv-bench-sync -j 2 >/dev/null

mkdir -p "$DIR"
PGDIR=$(mktemp -d "$DIR/pg.XXXXXX")
chmod 777 "$DIR" "$PGDIR"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR" "$DIR"/a.db* "$DIR"/b.db* "$DIR/outputs.copy"; }
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Default durability settings (fsync on): the baseline and the push write to the same server.
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGDIR" start >/dev/null
CI="host=127.0.0.1 port=$PORT user=postgres dbname=postgres"
echo "## bench-sync ($(date -u +%Y-%m-%d), $(nproc) cores, PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), SQLite $(sqlite3 --version | cut -d' ' -f1))"
"$BUILD_DIR/bench/sync/pv-bench-sync" --conninfo "$CI" --psql "$(command -v psql)" --dir "$DIR" --outputs "$N" \
  --pg-pid-file "$PGDIR/data/postmaster.pid"
