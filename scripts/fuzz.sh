#!/usr/bin/env bash
# Runs one libFuzzer target (fuzz/fuzz_<target>.cpp), or all of them one after the other, for
# SECONDS each on a copy of its seed corpus (fuzz/corpus/<target>/ is never written), and prints
# the executions, their rate, the coverage and the result. Builds build-fuzz/ (clang-14,
# -DROOMREC_FUZZ=ON) first if needed. Exits non-zero on a crash or sanitizer report and names the
# reproducer; rerun it with `build-fuzz/fuzz/fuzz_<target> <reproducer>`.
#
#   scripts/fuzz.sh TARGET|all SECONDS [libFuzzer flags...]
#   scripts/fuzz.sh s3_xml 60
#   scripts/fuzz.sh all 20
#   scripts/fuzz.sh utf8 0 -runs=10000000      # 0: no time limit (with -runs=)
#   scripts/fuzz.sh build                      # only build build-fuzz/ (then ctest -L fuzz there)
#
# Runs land in build-fuzz/runs/<target>-<time>/ (log, corpus/, any crash-*); ROOMREC_FUZZ_RUNS
# moves them. The fuzzer runs under nice -n 10: the machine is usually shared.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
targets=(request_schema signed_token wire_protocol delivery_spool telemetry_spool s3_xml recording_name utf8 frame_header
         csv_writer report_filters summary_json signed_link segment_end)

if [ "${1:-}" != build ] && { [ $# -lt 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; }; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
target=$1
seconds=${2:-0}
shift $(($# < 2 ? $# : 2))
if [ "$target" = all ] || [ "$target" = build ]; then
  selected=("${targets[@]}")
else
  [[ " ${targets[*]} " == *" $target "* ]] || { echo "unknown target '$target' (one of: ${targets[*]}, all)" >&2; exit 2; }
  selected=("$target")
fi

# Configured every time (quick when nothing changed): a build-fuzz/ from before a target was
# added has no rule for it until CMake runs again.
cmake -S "$root" -B "$build" -DROOMREC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 > /dev/null
cmake --build "$build" -j 2 --target "${selected[@]/#/fuzz_}" > "$build/fuzz-build.log" 2>&1 ||
  { tail -30 "$build/fuzz-build.log"; echo "build of the fuzz targets failed" >&2; exit 1; }
[ "$target" = build ] && exit 0

# A small quarantine keeps freed memory hot: with ASan's default 256 MB every input's
# allocations land on fresh pages, and page faults and fill cost about half the executions.
# Use-after-free within one input is still caught (an input allocates far less than 16 MB).
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
runs=${ROOMREC_FUZZ_RUNS:-$build/runs}
failed=()
for name in "${selected[@]}"; do
  dir=$runs/$name-$(date +%Y%m%d-%H%M%S)
  mkdir -p "$dir"
  cp -r "$root/fuzz/corpus/$name" "$dir/corpus"
  flags=(-artifact_prefix="$dir/" -print_final_stats=1)
  [ "$seconds" -gt 0 ] && flags+=(-max_total_time="$seconds")
  [ -f "$root/fuzz/$name.dict" ] && flags+=(-dict="$root/fuzz/$name.dict")
  status=0
  (cd "$dir" && nice -n 10 "$build/fuzz/fuzz_$name" "${flags[@]}" "$@" corpus > log 2>&1) || status=$?
  # With -jobs=N the fuzzing itself happens in a child that logs to fuzz-<job>.log.
  log=$dir/log
  [ -f "$dir/fuzz-0.log" ] && log=$dir/fuzz-0.log
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  execs=$(grep -E '^stat::number_of_executed_units:' "$log" | tail -1 | awk '{print $2}' || true)
  rate=$(grep -E '^stat::average_exec_per_sec:' "$log" | tail -1 | awk '{print $2}' || true)
  cov=$(sed -nE 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+\/[0-9]+[bKM]?b?).*/cov \1, ft \2, corpus \3/p' <<< "$done_line")
  if [ "$status" -eq 0 ] && [ -n "$done_line" ]; then
    echo "fuzz $name: OK, ${execs:-?} executions, ${rate:-?} exec/s, ${cov:-no coverage line} ($dir)"
  else
    crash=$(grep -ohE '(Test unit|artifact) written to [^ ]+' "$dir"/*log* | tail -1 | awk '{print $NF}' || true)
    echo "fuzz $name: FAILED (exit $status) after ${execs:-?} executions; reproducer: ${crash:-none written}; log: $log"
    grep -E 'FUZZ_CHECK|ERROR: |runtime error|SUMMARY' "$log" | head -5 || true
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]}" >&2
  exit 1
fi
