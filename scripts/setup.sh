#!/usr/bin/env bash
# Idempotent set-up of a Debian 12 machine with Node 20: system packages, npm packages, build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# clang-19 and its runtime build and instrument targets; afl++ is the benchmarks' peer, and
# its afl-clang-fast is clang-14, whose ASan runtime is libclang-rt-14-dev; g++, make, python3,
# cmake and meson build the addon, the examples and the build-system tests; dpkg-dev unpacks
# the Debian source packages the coverage ground-truth test builds; the -dev libraries are what
# the real-target benches' libarchive build links (zlib, bzip2, xz, libxml2, OpenSSL).
readonly DEBIAN_PACKAGES=(
  clang-19 llvm-19 lld-19 libclang-rt-19-dev clang-format-19 afl++ libclang-rt-14-dev
  g++ make python3 cmake meson dpkg-dev
  zlib1g-dev libbz2-dev liblzma-dev libxml2-dev libssl-dev
)

fail() {
  echo "setup: $*" >&2
  exit 1
}

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)"
if [[ -z "$node_major" || "$node_major" -lt 20 ]]; then
  fail "Node.js 20 or newer is required (found: ${node_major:-none})"
fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  if [[ "$(id -u)" -ne 0 ]]; then
    install="sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    fail "missing Debian packages: ${missing[*]}; install them with: $install"
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
fi

# npm keeps its own copy of the lock in node_modules/.package-lock.json: when package-lock.json
# is newer, the installed packages may not match it.
if [[ ! -d node_modules ]] || [[ ! -f node_modules/.package-lock.json ]] ||
  [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  if [[ -f package-lock.json ]]; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  else
    echo "setup: npm install (no package-lock.json)"
    npm install --no-audit --no-fund --loglevel=error
  fi
fi

echo "setup: building"
npm run --silent build
