#!/usr/bin/env bash
# Builds RTCEngine and runs the whole test suite, then the same suite built
# with AddressSanitizer and UndefinedBehaviorSanitizer.
#   scripts/test.sh            both passes
#   scripts/test.sh release    the optimized pass only
#   scripts/test.sh sanitize   the sanitizer pass only
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
passes=("${@:-release sanitize}")
for pass in ${passes[@]}; do
  echo "== $pass build"
  cmake --preset "$pass" >/dev/null
  cmake --build --preset "$pass"
  echo "== $pass tests"
  # The sanitizer pass runs one test at a time: its timing-sensitive tests
  # (100 engine pairs, glare rounds) are slow enough under ASan already.
  jobs=2
  [ "$pass" = sanitize ] && jobs=1
  ./scripts/isolated.sh ctest --preset "$pass" -j"$jobs"
done
