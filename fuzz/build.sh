#!/bin/sh
# Builds the libFuzzer targets with clang (Debian clang-14 + libfuzzer-14-dev) into build-fuzz/.
#   fuzz/build.sh && build-fuzz/frame_header_fuzzer -max_total_time=60 build-fuzz/corpus
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build-fuzz"
mkdir -p "$out/corpus"
clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$root" \
  "$root/fuzz/frame_header_fuzzer.cpp" "$root/recorder/core/frame_header.cpp" "$root/recorder/core/bit_reader.cpp" \
  "$root/recorder/core/frame_size.cpp" "$root/recorder/core/input_gate.cpp" -o "$out/frame_header_fuzzer"
echo "built $out/frame_header_fuzzer"
