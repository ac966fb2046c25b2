#!/usr/bin/env bash
# Checks our own sources: formatting (.clang-format) and clang-tidy
# (.clang-tidy), never libwebrtc's or other libraries' headers.
#   scripts/lint.sh              both (clang-tidy on the CI scope below)
#   scripts/lint.sh format       clang-format only (seconds)
#   scripts/lint.sh tidy [FILE...]  clang-tidy only: the CI scope, or the files given
#   scripts/lint.sh tidy-all     clang-tidy on every file (~23 min CPU, ~40 min wall
#                                on a shared 2-core machine: not for CI)
#   scripts/lint.sh fix-format   rewrites the files in place
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
[ $# -gt 0 ] && shift

# Every C++ file of ours that git knows (tracked or new, not ignored).
sources() {
  git ls-files --cached --others --exclude-standard -- \
    'src/*.cpp' 'src/*.hpp' 'include/*.hpp' 'tools/*.cpp' 'tools/*.hpp' \
    'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp' 'examples/*.cpp' \
    'fuzz/*.cpp' 'fuzz/*.hpp'
}

# The CI scope of clang-tidy: the library code that handles untrusted input
# and state. Not src/webrtc (its files parse libwebrtc's large headers), nor
# tools, tests, bench, examples and fuzz (tidy-all covers them). Each file
# costs ~10 s of CPU, mostly matching the libstdc++ and nlohmann::json code
# that every file includes. Measured with LINT_JOBS=2 on a shared 2-core
# machine: ~380 s of CPU for these 36 files, 4.5 to 8 min wall as the load
# average went from 2 to 9 (so ~3.5 min on 2 idle cores).
tidy_scope() {
  git ls-files --cached --others --exclude-standard -- \
    'src/util/*.cpp' 'src/socket/*.cpp' 'src/transaction/*.cpp' 'src/negotiation/*.cpp' \
    'src/signaling/*.cpp' 'src/engine/*.cpp'
}

status=0
if [ "$what" = all ] || [ "$what" = format ]; then
  echo "== clang-format ($(sources | wc -l) files)"
  if ! sources | xargs clang-format --dry-run -Werror; then
    echo "lint: formatting differs; scripts/lint.sh fix-format rewrites the files"
    status=1
  fi
fi
if [ "$what" = fix-format ]; then
  sources | xargs clang-format -i
fi
if [ "$what" = all ] || [ "$what" = tidy ] || [ "$what" = tidy-all ]; then
  # The tidy preset's compile database (configuring is enough), without
  # ccache in its commands.
  CMAKE_CXX_COMPILER_LAUNCHER= cmake --preset tidy -DCMAKE_CXX_COMPILER_LAUNCHER= >/dev/null
  files=("$@")
  if [ ${#files[@]} -eq 0 ] && [ "$what" != tidy-all ]; then
    mapfile -t files < <(tidy_scope)
  elif [ ${#files[@]} -eq 0 ]; then
    # Headers are checked through the files that include them.
    # Skipped: libfuzzer_main.cpp (built only by the fuzz preset, so not in
    # the database) and transaction_test.cpp (captures structured bindings
    # in lambdas, C++20 that clang 14 cannot parse; gcc builds it).
    mapfile -t files < <(sources | grep '\.cpp$' |
      grep -v -e '^fuzz/libfuzzer_main.cpp$' -e '^tests/transaction_test.cpp$')
  fi
  echo "== clang-tidy (${#files[@]} files)"
  if ! nice -n 10 run-clang-tidy -quiet -p build/tidy -j "${LINT_JOBS:-2}" \
      -header-filter="^$PWD/(src|include|tools|tests|bench|fuzz)/" \
      "${files[@]/#/$PWD/}" >build/tidy/lint.log 2>&1; then
    grep -E 'warning:|error:' build/tidy/lint.log | sort -u | head -100
    echo "lint: clang-tidy found problems (all of them: build/tidy/lint.log)"
    status=1
  fi
fi
exit $status
