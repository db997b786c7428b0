#!/usr/bin/env bash
# Assembles the web pages (web/, with its folders) with janus.js and adapter.js (from Debian) into a folder to serve.
#   stage-web.sh OUT_DIR
set -euo pipefail
out=${1:?output folder}
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out/lib"
cp -R "$root"/web/. "$out/"
cp /usr/share/javascript/janus-gateway/janus.js /usr/share/javascript/webrtc-adapter/adapter.js "$out/lib/"
