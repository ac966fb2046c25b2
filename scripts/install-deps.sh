#!/usr/bin/env bash
# Installs every Debian package RTCEngine needs to build, test and benchmark
# on a fresh Debian 12 machine. Safe to run again. clang with its runtime
# (libFuzzer, sanitizers) and llvm (llvm-symbolizer) build the fuzz pass;
# clang-format and clang-tidy run the lint pass.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libtgowt-dev libabsl-dev
  nlohmann-json3-dev
  libboost1.81-dev
  libcli11-dev
  libgtest-dev libgmock-dev googletest
  libssl-dev openssl
  libsodium-dev
  iproute2 util-linux procps
  coturn
  chromium
  clang libclang-rt-14-dev llvm clang-format clang-tidy
)
# Node.js and npm run the browser suite (tests/browser/). Debian's packages
# only where the machine has none: a newer Node.js already there stays.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
sudo_if_needed apt-get update -qq
sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
