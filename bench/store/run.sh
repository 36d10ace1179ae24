#!/usr/bin/env bash
# Store benchmark: bulk insert with change capture vs `sqlite3 .import`, and the hot queries.
#   bash bench/store/run.sh                      # 100k outputs
#   PV_BENCH_STORE_1M=1 bash bench/store/run.sh  # also 1M outputs (about 25 GB of disk, an hour on 2 cores)
# BUILD_DIR (default ./build), PV_BENCH_DIR (default /tmp/pv-bench-store: vaults, CSVs, removed after
# unless PV_BENCH_KEEP=1), PV_BENCH_RUNS (default 15), PV_BENCH_REUSE=1 reuses a kept vault (queries only).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-$PWD/build}"
DIR="${PV_BENCH_DIR:-/tmp/pv-bench-store}"
RUNS="${PV_BENCH_RUNS:-15}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
echo "building pv-bench-store in $BUILD_DIR" >&2
cmake --build "$BUILD_DIR" --target pv-bench-store -j 2 >/dev/null
sizes="100000"
if [ "${PV_BENCH_STORE_1M:-0}" = 1 ]; then sizes="$sizes 1000000"; fi
reuse=()
if [ "${PV_BENCH_REUSE:-0}" = 1 ]; then reuse=(--reuse); fi
echo "## bench-store ($(date -u +%Y-%m-%d), $(nproc) cores, SQLite $(sqlite3 --version | cut -d' ' -f1))"
for n in $sizes; do
  "$BUILD_DIR/bench/store/pv-bench-store" --outputs "$n" --dir "$DIR" --runs "$RUNS" --sqlite3 "$(command -v sqlite3)" "${reuse[@]}"
  if [ "${PV_BENCH_KEEP:-0}" != 1 ]; then rm -f "$DIR/outputs-$n.csv" "$DIR"/import-"$n".db* "$DIR"/vault-"$n".db*; fi
done
