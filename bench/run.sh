#!/usr/bin/env bash
# Runs the benchmark set: the raw-libwebrtc baseline and RTCEngine, one after
# the other in the same run, then prints one table with ratios and writes
# JSON (bench/results.json, or --json PATH).
#   bench/run.sh [--smoke] [--build-dir DIR] [--json PATH]
# Inside a fresh network namespace when possible, so only loopback exists.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/release"
json="$root/bench/results.json"
smoke=false
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=true ;;
    --build-dir) build="$2"; shift ;;
    --json) json="$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ ! -x "$build/bench/reconnect_bench" ]; then
  cmake --build "$build" --target raw_baseline engine_bench reconnect_bench bench_report
fi
if $smoke; then
  raw_args=(--megabytes 16 --round-trips 200 --messages 5000)
  engine_args=("${raw_args[@]}" --setup-runs 3 --file-megabytes 32 --scale 1,5)
  reconnect_args=(--runs 1)
  json="${json%.json}-smoke.json"
else
  raw_args=(--megabytes 256 --round-trips 5000 --messages 200000 --repeat 5)
  engine_args=("${raw_args[@]}" --setup-runs 30 --file-megabytes 1024 --scale 1,10,100)
  reconnect_args=(--runs 5)
fi
run() {
  if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    "$root/scripts/isolated.sh" "$@"
  else
    "$@"
  fi
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
{
  run "$build/bench/raw_baseline" "${raw_args[@]}"
  run "$build/bench/engine_bench" "${engine_args[@]}"
  # Builds its own namespaces; fails soft (prints why) where it cannot.
  "$build/bench/reconnect_bench" "${reconnect_args[@]}" || true
} | "$build/bench/bench_report" "$json"
echo "json: $json"
