#!/usr/bin/env bash
# Soft wrap cost per keystroke (headless ImGui, no GPU): bash bench/wrap/run.sh [frames]
# BUILD_DIR (default ./build, RelWithDebInfo).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-$PWD/build}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD_DIR" --target pv-bench-wrap -j 2 >/dev/null
"$BUILD_DIR/bench/wrap/pv-bench-wrap" "${1:-200}"
