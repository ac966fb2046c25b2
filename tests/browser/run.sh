#!/usr/bin/env bash
# Runs the browser conformance suite (CTest: Browser.Conformance; see
# docs/development.md). Exits 77, which CTest reports as skipped, when what
# the project does not ship is missing: the original rtc-engine (the peers
# folder), Chromium or Node. Arguments go to `node --test` (e.g.
# --test-name-pattern=glare); with file names, only those files run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIPPED: $*"; exit 77; }

peers=${RTCENGINE_PEERS_DIR:-${RTCENGINE_PEERS_DIR_DEFAULT:-$here/../../../shared/peers}}
[ -f "$peers/rtc-engine-1.0.0-beta.2/js/RTCEngine.js" ] ||
  skip "the original rtc-engine is not in $peers (set RTCENGINE_PEERS_DIR)"
chromium=${RTCENGINE_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no Chromium at $chromium (scripts/install-deps.sh installs it)"
command -v node >/dev/null || skip "no node (scripts/install-deps.sh installs it)"

if ! "$here/setup.sh"; then
  echo "tests/browser: npm ci failed; run tests/browser/setup.sh where the npm registry is reachable" >&2
  exit 1
fi
export RTCENGINE_PEERS_DIR=$peers RTCENGINE_CHROMIUM=$chromium
cd "$here"
options=() files=()
for arg in "$@"; do
  if [[ $arg == *.test.js ]]; then files+=("$arg"); else options+=("$arg"); fi
done
[ ${#files[@]} -gt 0 ] || files=(./*.test.js)
exec node --test --test-concurrency=1 --test-reporter=spec "${options[@]}" "${files[@]}"
