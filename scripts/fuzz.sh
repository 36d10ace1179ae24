#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) in their own build
# folder and runs each briefly against the corpus kept in tests/fuzz/corpus/<target>/.
# Exits non-zero when a target crashes; the crashing input is left in $FUZZ_BUILD/artifacts/.
#   bash scripts/fuzz.sh                 # 20 s per target
#   FUZZ_SECONDS=300 bash scripts/fuzz.sh
#   FUZZ_MERGE=1 bash scripts/fuzz.sh    # also merge new interesting inputs into the committed corpus
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ_BUILD="${FUZZ_BUILD:-$ROOT/build-fuzz}"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-20}"
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (apt-get install clang)" >&2; exit 2; }
cmake -S tests/fuzz -B "$FUZZ_BUILD" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
mkdir -p "$FUZZ_BUILD"
# The build's errors go to stdout (ninja): shown when it fails, instead of a silent exit.
if ! cmake --build "$FUZZ_BUILD" -j "${JOBS:-2}" >"$FUZZ_BUILD/build.log" 2>&1; then
  echo "fuzz.sh: building the fuzz targets failed:" >&2
  grep -E "error|undefined reference" "$FUZZ_BUILD/build.log" | head -20 >&2
  exit 1
fi
mkdir -p "$FUZZ_BUILD/artifacts"
status=0
for target in chatgpt claude clipboard; do
  corpus="$ROOT/tests/fuzz/corpus/$target"
  work="$FUZZ_BUILD/corpus-$target"   # new inputs go here, the committed corpus stays as it is
  mkdir -p "$work"
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s" >&2
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$FUZZ_BUILD/fuzz_$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$FUZZ_BUILD/artifacts/$target-" -print_final_stats=1 "$work" "$corpus" \
      >"$FUZZ_BUILD/fuzz-$target.log" 2>&1; then
    echo "fuzz: $target FAILED (log: $FUZZ_BUILD/fuzz-$target.log)" >&2
    tail -40 "$FUZZ_BUILD/fuzz-$target.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$FUZZ_BUILD/fuzz-$target.log" | tail -2 >&2 || true
  fi
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$FUZZ_BUILD/fuzz_$target" -merge=1 "$corpus" "$work" >/dev/null 2>&1 || true
  fi
done
exit $status
