#!/usr/bin/env bash
# The README's run command: installs dependencies, builds, and runs Janus with roomrec on
# 127.0.0.1 (HTTP API :8088, Admin API :7088); the plugin's own HTTP endpoint (jcfg `links`,
# port 8000) serves the web pages (room page, recordings library, analytics dashboard) and the
# signed download links from one origin, http://127.0.0.1:8000.
# Uses conf/janus.plugin.roomrec.jcfg (static room "demo"); recordings land in
# build/run/recordings/<room>/Recordings/, their metadata rows in a local Postgres
# (build/run/pg, socket build/run/pg-socket, port 5433). Ctrl-C stops everything.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

run=$root/build/run
"$root/scripts/stage-web.sh" "$run/www"
# A local Postgres for recording metadata and the delivery outbox: its own cluster in
# build/run/pg (kept between runs), owned by the postgres user, on a unix socket only.
pg_bin=/usr/lib/postgresql/15/bin
mkdir -p "$run/pg" "$run/pg-socket" "$run/pg-log"
chown postgres:postgres "$run/pg" "$run/pg-socket" "$run/pg-log"
chmod 0700 "$run/pg"
if [ ! -f "$run/pg/PG_VERSION" ]; then
  runuser -u postgres -- "$pg_bin/initdb" -D "$run/pg" -A peer -U postgres > "$run/pg-init.log"
fi
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$run/pg" -l "$run/pg-log/postgres.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$run/pg-socket' -p 5433" start > /dev/null
stop_postgres() { runuser -u postgres -- "$pg_bin/pg_ctl" -D "$run/pg" -m fast stop > /dev/null 2>&1 || true; }
trap stop_postgres EXIT
trap 'exit 130' INT TERM # so that the EXIT trap runs
# Janus runs as root here: a database role "root" that owns database "roomrec".
psql_run() { runuser -u postgres -- psql -h "$run/pg-socket" -p 5433 -d postgres -qtA "$@"; }
[ "$(psql_run -c "SELECT 1 FROM pg_roles WHERE rolname = 'root'")" = 1 ] || psql_run -c "CREATE ROLE root LOGIN"
[ "$(psql_run -c "SELECT 1 FROM pg_database WHERE datname = 'roomrec'")" = 1 ] || psql_run -c "CREATE DATABASE roomrec OWNER root"

# The shipped jcfg, with recordings kept under build/run/recordings, the recorder worker
# taken from the build tree, and delivery (metadata rows, webhooks if you add some) into the
# local Postgres.
mkdir -p "$run/recordings"
sed -e "s|^\trecordings_root = .*|\trecordings_root = \"$run/recordings\"|" \
    -e "s|^\t#\?recorder_path = .*|\trecorder_path = \"$root/build/recorder/roomrec-recorder\"|" \
    -e "s|^delivery: {|delivery: {\n\tpostgres = \"host=$run/pg-socket port=5433 dbname=roomrec\"|" \
  "$root/conf/janus.plugin.roomrec.jcfg" > "$run/janus.plugin.roomrec.jcfg"
# The links endpoint serves the pages (web_root) and the exports' download links; its key is
# made once and kept in build/run (never printed).
[ -s "$run/link-secret" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$run/link-secret")
cat >> "$run/janus.plugin.roomrec.jcfg" <<JCFG
links: {
	port = 8000
	public_url = "http://127.0.0.1:8000"
	secret = "$(cat "$run/link-secret")"
	web_root = "$run/www"
}
JCFG
JANUS_ADMIN_SECRET=${JANUS_ADMIN_SECRET:-roomrec-admin} \
  "$root/scripts/make-janus-config.sh" "$run/etc" "$root/build/libjanus_roomrec.so" "$run/janus.plugin.roomrec.jcfg" > /dev/null

echo "room page:     http://127.0.0.1:8000/room/?room=demo"
echo "library:       http://127.0.0.1:8000/library/"
echo "dashboard:     http://127.0.0.1:8000/dashboard/?room=demo   (room owner, hosts and operators)"
echo "Janus API:     http://127.0.0.1:8088/janus   (Admin API http://127.0.0.1:7088/admin)"
echo "config folder: $run/etc"
echo "recordings:    $run/recordings/<room>/Recordings/"
echo "postgres:      psql -h $run/pg-socket -p 5433 roomrec   (tables recordings, outbox_jobs)"
janus -C "$run/etc/janus.jcfg" -F "$run/etc" -P "$run/etc/plugins" -o
