#!/usr/bin/env bash
# `make bench`: runs every benchmark folder's run.sh (bench/<name>/run.sh) against the build dir.
# BENCH_ONLY=store,sync limits which run; each prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR="${BUILD_DIR:-$PWD/build}"
for script in bench/*/run.sh; do
  name=$(basename "$(dirname "$script")")
  if [ -n "${BENCH_ONLY:-}" ] && [[ ",${BENCH_ONLY}," != *",${name},"* ]]; then continue; fi
  echo "== bench: $name =="
  bash "$script"
done
