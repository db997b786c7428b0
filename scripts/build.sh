#!/usr/bin/env bash
# Builds the plugin and tests: build/ (release with debug info) and, with --sanitize,
# build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = "--sanitize" ]; then
  dir=$root/build-asan
  cmake -S "$root" -B "$dir" -DROOMREC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug > /dev/null
else
  dir=$root/build
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
fi
cmake --build "$dir" -j "$(nproc)"
