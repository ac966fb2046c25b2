#!/usr/bin/env bash
# Installs the suite's JavaScript tooling (playwright-core, pinned in
# package-lock.json) with `npm ci`, when node_modules is missing or was
# installed from another lock file. Needs the npm registry: the build runs
# it (outside the tests' network namespace).
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.rtcengine-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -d node_modules/playwright-core ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "tests/browser/setup.sh: npm is missing (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
