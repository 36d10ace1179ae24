#!/usr/bin/env bash
# Import benchmark: generated ChatGPT export of 100 MB (and 1 GB) -> MB/s and peak memory of each
# step, in child processes (getrusage ru_maxrss). The import is compared with the parse-only
# baseline of the same run (the "vs parse" column: parse time / step time).
#   bash bench/import/run.sh                     # 100 MB and 1 GB (1 GB needs ~6 GB free in /tmp)
#   PV_BENCH_IMPORT_SIZES=100 bash bench/import/run.sh
# BUILD_DIR (default ./build); PV_BENCH_DIR (default /tmp/pv-bench-import), removed afterwards
# unless PV_BENCH_KEEP=1. The generated exports are never committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-$PWD/build}"
DIR="${PV_BENCH_DIR:-/tmp/pv-bench-import}"
SIZES="${PV_BENCH_IMPORT_SIZES:-100 1000}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
echo "building pv-bench-import in $BUILD_DIR" >&2
cmake --build "$BUILD_DIR" --target pv-bench-import -j 2 >/dev/null
BIN="$BUILD_DIR/bench/import/pv-bench-import"
mkdir -p "$DIR"
echo "## bench-import ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo
echo "| export | step | conversations | time | CPU time | MB/s | MB per CPU-s | peak RSS | vs parse |"
echo "|---|---|---|---|---|---|---|---|---|"
for mb in $SIZES; do
  f="$DIR/conversations-${mb}MB.json"
  [ -f "$f" ] || "$BIN" gen "$f" "$mb"
  "$BIN" measure "$f" "$DIR"
  if [ "${PV_BENCH_KEEP:-0}" != 1 ]; then rm -f "$f"; fi
done
