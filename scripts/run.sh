#!/usr/bin/env bash
# The README's run command: installs dependencies, builds, and runs Janus with roomrec on
# 127.0.0.1 (HTTP API :8088, Admin API :7088) plus the demo page on http://127.0.0.1:8000.
# Uses conf/janus.plugin.roomrec.jcfg (static room "demo"); recordings land in
# build/run/recordings/<room>/Recordings/. Ctrl-C stops everything.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

run=$root/build/run
"$root/scripts/stage-web.sh" "$run/www"
# The shipped jcfg, with recordings kept under build/run/recordings and the recorder worker
# taken from the build tree.
mkdir -p "$run/recordings"
sed "s|^general: {|general: {\n\trecordings_root = \"$run/recordings\"\n\trecorder_path = \"$root/build/recorder/roomrec-recorder\"|" \
  "$root/conf/janus.plugin.roomrec.jcfg" > "$run/janus.plugin.roomrec.jcfg"
JANUS_ADMIN_SECRET=${JANUS_ADMIN_SECRET:-roomrec-admin} \
  "$root/scripts/make-janus-config.sh" "$run/etc" "$root/build/libjanus_roomrec.so" "$run/janus.plugin.roomrec.jcfg" > /dev/null

python3 -m http.server 8000 --bind 127.0.0.1 --directory "$run/www" > "$run/www.log" 2>&1 &
web_pid=$!
trap 'kill $web_pid 2>/dev/null || true' EXIT
echo "demo page:     http://127.0.0.1:8000/"
echo "Janus API:     http://127.0.0.1:8088/janus   (Admin API http://127.0.0.1:7088/admin)"
echo "config folder: $run/etc"
echo "recordings:    $run/recordings/<room>/Recordings/"
janus -C "$run/etc/janus.jcfg" -F "$run/etc" -P "$run/etc/plugins" -o
