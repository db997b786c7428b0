#!/usr/bin/env bash
# Writes a self-contained Janus configuration folder that loads only roomrec and the HTTP
# transport, bound to 127.0.0.1 unless told otherwise. Used by run.sh and by the integration tests.
#
#   make-janus-config.sh OUT_DIR PLUGIN_SO [ROOMREC_JCFG]
#
# Environment (all optional): JANUS_HTTP_PORT (8088), JANUS_ADMIN_PORT (7088),
# JANUS_ADMIN_SECRET (random), JANUS_DEBUG_LEVEL (4), JANUS_RTP_RANGE (20000-40000),
# JANUS_EVENTS_BACKEND (an http:// URL: loads Janus's sample event handler posting there),
# JANUS_HTTP_IP and JANUS_ADMIN_IP (127.0.0.1: the address the API and the Admin API bind; a
# node of a test cluster binds its own network namespace's address).
set -euo pipefail
out=${1:?output folder}
plugin_so=${2:?path to libjanus_roomrec.so}
roomrec_jcfg=${3:-$(dirname "$0")/../conf/janus.plugin.roomrec.jcfg}
janus_lib=/usr/lib/x86_64-linux-gnu/janus

mkdir -p "$out/plugins" "$out/transports" "$out/events" "$out/loggers"
out=$(cd "$out" && pwd)
ln -sf "$(realpath "$plugin_so")" "$out/plugins/libjanus_roomrec.so"
ln -sf "$janus_lib/transports/libjanus_http.so" "$out/transports/libjanus_http.so"
admin_secret=${JANUS_ADMIN_SECRET:-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}

cat > "$out/janus.jcfg" <<JCFG
general: {
	configs_folder = "$out"
	plugins_folder = "$out/plugins"
	transports_folder = "$out/transports"
	events_folder = "$out/events"
	loggers_folder = "$out/loggers"
	debug_level = ${JANUS_DEBUG_LEVEL:-4}
	admin_secret = "$admin_secret"
	server_name = "roomrec"
	session_timeout = 60
}
media: {
	rtp_port_range = "${JANUS_RTP_RANGE:-20000-40000}"
}
nat: {
	nice_debug = false
	ignore_mdns = true
}
JCFG

cat > "$out/janus.transport.http.jcfg" <<JCFG
general: {
	json = "indented"
	base_path = "/janus"
	http = true
	port = ${JANUS_HTTP_PORT:-8088}
	ip = "${JANUS_HTTP_IP:-127.0.0.1}"
	https = false
}
admin: {
	admin_base_path = "/admin"
	admin_http = true
	admin_port = ${JANUS_ADMIN_PORT:-7088}
	admin_ip = "${JANUS_ADMIN_IP:-127.0.0.1}"
	admin_https = false
}
cors: {
}
JCFG

if [ -n "${JANUS_EVENTS_BACKEND:-}" ]; then
  ln -sf "$janus_lib/events/libjanus_sampleevh.so" "$out/events/libjanus_sampleevh.so"
  cat >> "$out/janus.jcfg" <<JCFG
events: {
	broadcast = true
}
JCFG
  cat > "$out/janus.eventhandler.sampleevh.jcfg" <<JCFG
general: {
	enabled = true
	events = "plugins"
	grouping = true
	json = "compact"
	backend = "$JANUS_EVENTS_BACKEND"
}
JCFG
fi

cp "$roomrec_jcfg" "$out/janus.plugin.roomrec.jcfg"
echo "$out"
