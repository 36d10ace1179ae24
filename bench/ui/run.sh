#!/usr/bin/env bash
# App benchmark: start-to-first-frame, and CPU time per frame while scrolling the outputs list and
# while typing a search, and with an output open in the soft-wrapped editor (idle, and the list
# scrolling beside it), with the real binary under Xvfb + Mesa (promptvault --bench all). The vault
# watcher (PRAGMA data_version every 250 ms on the worker) runs in every phase.
#   bash bench/ui/run.sh                     # 100k outputs
#   PV_BENCH_APP_1M=1 bash bench/ui/run.sh   # also 1M outputs (generating it takes about an hour on 2 cores)
# Baselines measured in the same run: the first frame of an empty vault, and idle frames (nothing
# moving) of the same vault; figures are also given as ratios to them.
# BUILD_DIR (default ./build), PV_BENCH_DIR (default /tmp/pv-bench-app; vaults kept for reuse).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-$PWD/build}"
DIR="${PV_BENCH_DIR:-/tmp/pv-bench-app}"
FRAMES="${PV_BENCH_FRAMES:-300}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
echo "building promptvault and pv-gen in $BUILD_DIR" >&2
cmake --build "$BUILD_DIR" --target promptvault pv-gen -j 2 >/dev/null
mkdir -p "$DIR"
BIN="$BUILD_DIR/app/promptvault"
export XDG_CONFIG_HOME="$DIR/config"  # the person's saved layout never affects the figures
run() { xvfb-run -a -s "-screen 0 1440x900x24" "$BIN" --vault "$1" --bench all --bench-frames "$FRAMES"; }
field() { awk -v k="$1" -v f="$2" '$1 == k { for (i = 2; i < NF; i += 2) if ($i == f) print $(i + 1) }'; }

rm -f "$DIR/empty.db"*
base=$(run "$DIR/empty.db")
base_first=$(echo "$base" | awk '$1 == "first_frame_ms" { print $2 }')

sizes="100000"
if [ "${PV_BENCH_APP_1M:-0}" = 1 ]; then sizes="$sizes 1000000"; fi
echo "## bench-app ($(date -u +%Y-%m-%d), $(nproc) cores, Xvfb + Mesa llvmpipe, 1440x900, $FRAMES frames per phase)"
echo
echo "| outputs | first frame ms (empty vault) | idle frame CPU ms median | scrolling CPU ms median / p95 / max (× idle) | scrollbar jumps CPU ms median / max | typing a search: CPU ms median / max | typing: longest frame wall ms, app part / whole (idle: whole) | CJK rows come into view: CPU ms median / max; atlas rebuild ms (helper thread), swap ms (UI thread) | an output open in the editor (bytes): idle CPU ms median, wrapped / not wrapped; list scrolling beside it (wrapped) CPU ms median / max |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in $sizes; do
  v="$DIR/vault-$n.db"
  if [ ! -f "$v" ]; then
    echo "generating $v" >&2
    "$BUILD_DIR/bench/gen/pv-gen" --vault "$v" --outputs "$n" --quiet
  fi
  out=$(run "$v")
  echo "$out" >&2
  first=$(echo "$out" | awk '$1 == "first_frame_ms" { print $2 }')
  idle=$(echo "$out" | field idle cpu_median_ms)
  sm=$(echo "$out" | field scroll cpu_median_ms); sp=$(echo "$out" | field scroll cpu_p95_ms); sx=$(echo "$out" | field scroll cpu_max_ms)
  jm=$(echo "$out" | field scroll_jump cpu_median_ms); jx=$(echo "$out" | field scroll_jump cpu_max_ms)
  tm=$(echo "$out" | field type cpu_median_ms); tx=$(echo "$out" | field type cpu_max_ms); tw=$(echo "$out" | field type wall_max_ms)
  ta=$(echo "$out" | field type app_wall_max_ms); iw=$(echo "$out" | field idle wall_max_ms)
  gm=$(echo "$out" | field glyphs cpu_median_ms); gx=$(echo "$out" | field glyphs cpu_max_ms)
  gb=$(echo "$out" | field font_growth build_ms | paste -sd+ -); gs=$(echo "$out" | field font_growth swap_ms | paste -sd+ -)
  eb=$(echo "$out" | field editor_text bytes)
  ei=$(echo "$out" | field editor_idle cpu_median_ms)
  es=$(echo "$out" | field editor_scroll cpu_median_ms); ex=$(echo "$out" | field editor_scroll cpu_max_ms)
  en=$(echo "$out" | field editor_idle_nowrap cpu_median_ms)
  ratio=$(awk -v a="$sm" -v b="$idle" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  echo "| $n | $first ($base_first) | $idle | $sm / $sp / $sx (×$ratio) | $jm / $jx | $tm / $tx | $ta / $tw ($iw) | $gm / $gx; ${gb:-none}, ${gs:-none} | (${eb:-?} B) $ei / $en; $es / $ex |"
done
