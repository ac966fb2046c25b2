#!/usr/bin/env bash
# The main demo: two peers on this machine find each other through
# LocalSignaler (no server) and one sends the other a generated 256 MB file,
# with a progress bar, SHA-256 verified on arrival.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target rtcengine_cli
tool=build/release/tools/rtcengine
work=$(mktemp -d)
trap 'kill $receiver 2>/dev/null || true; rm -rf "$work"' EXIT
channel="demo-$$"
echo "== generating a 256 MB file"
head -c $((256 * 1024 * 1024)) /dev/urandom > "$work/demo.bin"
mkdir "$work/received"
echo "== receiver and sender on channel $channel (loopback only)"
"$tool" receive "$work/received" --channel "$channel" --interface lo > "$work/receiver.log" 2>&1 &
receiver=$!
"$tool" send "$work/demo.bin" --channel "$channel" --interface lo
wait $receiver
sed 's/^/[receiver] /' "$work/receiver.log" | grep -v '^\[receiver\] progress'
cmp "$work/demo.bin" "$work/received/demo.bin" && echo "== the received file is identical"
