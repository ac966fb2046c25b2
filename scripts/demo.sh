#!/usr/bin/env bash
# The main demo: two peers on this machine find each other through
# LocalSignaler (no server), open socket "hello" and greet each other.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target hello
hello=build/release/examples/hello
channel="demo-$$"
echo "== two peers on channel $channel"
(sleep 4 | "$hello" "$channel" | sed 's/^/[peer 1] /') &
sleep 0.5
(sleep 4 | "$hello" "$channel" | sed 's/^/[peer 2] /')
wait
