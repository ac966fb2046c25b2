#!/usr/bin/env bash
# Builds the libFuzzer programs (fuzz preset) and runs each target for N
# seconds, one after the other, starting from the checked-in seed corpus.
#   fuzz/run.sh N [TARGET...]        every target (or the ones named)
#   FUZZ_RUNS=M fuzz/run.sh 0 T      M executions instead of a time limit
# What a run adds to the corpus stays in build/fuzz/corpus/TARGET (later runs
# start from it); a crash is written to build/fuzz/crashes/TARGET/ and fails
# the script: copy it to fuzz/regressions/TARGET/ once understood, so that
# tests/fuzz_regressions_test.cpp replays it for good.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=($(ls fuzz/targets | sed 's/\.cpp$//'))
fi

cmake --preset fuzz >/dev/null
nice -n 10 cmake --build --preset fuzz -j2

build=build/fuzz
# Targets that touch files work in a temporary folder; on tmpfs an fsync
# costs nothing, which makes them many times faster.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
failed=()
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  crashes=$build/crashes/$target
  mkdir -p "$corpus" "$crashes"
  limits=(-max_total_time="$seconds")
  [ -n "${FUZZ_RUNS:-}" ] && limits=(-runs="$FUZZ_RUNS")
  log=$build/$target.log
  # Short allocation stacks: ASan's bookkeeping of them costs more than the
  # parsers under test; a reproduction (fuzz_TARGET crash-file) shows them whole.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=3}
  echo "== fuzz $target (${FUZZ_RUNS:+$FUZZ_RUNS runs}${FUZZ_RUNS:-$seconds s})"
  # -timeout: an input that takes this long is a hang; -rss_limit_mb: a leak
  # or an unbounded buffer. Leaks are reported at exit (LeakSanitizer).
  if nice -n 10 "$build/fuzz/fuzz_$target" "${limits[@]}" -timeout=30 -rss_limit_mb=2048 \
      -dict="fuzz/dict/$target.dict" -artifact_prefix="$crashes/" -print_final_stats=1 \
      "$corpus" "fuzz/corpus/$target" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$target")
  fi
  # libFuzzer's last status line and final stats: executions, coverage.
  summary=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
  echo "   $status: ${execs:-?} executions; last status: ${summary:-none}"
  if [ "$status" = FAILED ]; then
    grep -E 'ERROR|broken rule|SUMMARY|terminate|what\(\)' "$log" | head -5 | sed 's/^/   /'
    echo "   log: $log; crash inputs: $crashes/"
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failures in ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, no failure"
