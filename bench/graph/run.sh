#!/usr/bin/env bash
# Graph benchmark: one hop (neighbourhood query + layout + first frame of the new focus, headless
# ImGui) from a prompt with 200 outputs, a tag on 20,000 outputs and an output, and the frame CPU
# time while panning a 200-node view, on benchgen vaults.
#   bash bench/graph/run.sh                      # 100k outputs
#   PV_BENCH_GRAPH_1M=1 bash bench/graph/run.sh  # also 1M outputs (pv-gen takes about 25 min and 16 GB)
# BUILD_DIR (default ./build); PV_BENCH_DIR (default /tmp/pv-bench-graph) keeps the generated vaults
# (graph-N.db) for the next run; PV_BENCH_RUNS hops per case (default 15).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-$PWD/build}"
DIR="${PV_BENCH_DIR:-/tmp/pv-bench-graph}"
RUNS="${PV_BENCH_RUNS:-15}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
echo "building pv-bench-graph and pv-gen in $BUILD_DIR" >&2
cmake --build "$BUILD_DIR" --target pv-bench-graph pv-gen -j 2 >/dev/null
mkdir -p "$DIR"
sizes="100000"
if [ "${PV_BENCH_GRAPH_1M:-0}" = 1 ]; then sizes="$sizes 1000000"; fi
echo "## bench-graph ($(date -u +%Y-%m-%d), $(nproc) cores, headless ImGui $(grep -m1 'define IMGUI_VERSION ' /usr/include/imgui/imgui.h | cut -d'"' -f2))"
first=1
for n in $sizes; do
  vault="$DIR/graph-$n.db"
  if [ ! -f "$vault" ]; then
    echo "generating $vault with pv-gen" >&2
    "$BUILD_DIR/bench/gen/pv-gen" --vault "$vault" --outputs "$n" --quiet >/dev/null
  fi
  if [ $first = 1 ]; then
    "$BUILD_DIR/bench/graph/pv-bench-graph" --vault "$vault" --runs "$RUNS"
    first=0
  else
    "$BUILD_DIR/bench/graph/pv-bench-graph" --vault "$vault" --runs "$RUNS" | tail -n +3
  fi
done
