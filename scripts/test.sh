#!/usr/bin/env bash
# The README's test command: installs dependencies, builds the normal and the sanitizer
# build, and runs every test (unit + integration) in both, then the fuzz build: each fuzz
# target on its seed corpus (CTest label fuzz) and for a short run (ROOMREC_FUZZ_SECONDS, 10 s
# each by default: about 2 minutes for all). Must run as root (network namespaces for WebRTC
# media).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/scripts/build.sh" --sanitize
# -j2: unit tests and the one BESIDE suite (report_replay, mostly waiting on the clock) run next
# to the integration suites, which otherwise take turns (tests/integration/CMakeLists.txt).
echo "== tests (release build)"
(cd "$root/build" && ctest -j2 --output-on-failure)
echo "== tests (ASan/UBSan build; not the no_sanitizer_pass suites, see tests/integration/CMakeLists.txt)"
(cd "$root/build-asan" && ctest -j2 --output-on-failure -LE no_sanitizer_pass)
echo "== fuzzing (build-fuzz: seed corpora, then ${ROOMREC_FUZZ_SECONDS:-10} s per target)"
"$root/scripts/fuzz.sh" build
(cd "$root/build-fuzz" && ctest -L fuzz --output-on-failure)
"$root/scripts/fuzz.sh" all "${ROOMREC_FUZZ_SECONDS:-10}"
