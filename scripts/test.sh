#!/usr/bin/env bash
# The README's test command: installs dependencies, builds the normal and the sanitizer
# build, and runs every test (unit + integration) in both. Must run as root (network
# namespaces for WebRTC media).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/scripts/build.sh" --sanitize
echo "== tests (release build)"
(cd "$root/build" && ctest --output-on-failure)
echo "== tests (ASan/UBSan build)"
(cd "$root/build-asan" && ctest --output-on-failure)
