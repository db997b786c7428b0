#!/usr/bin/env bash
# The container's start: renders the plugin's jcfg from its template (ROOMREC_* variables from the
# compose file's environment: secrets never live in the image), writes Janus's own configuration
# (only roomrec and the HTTP transport) and runs Janus in the foreground.
set -euo pipefail
template=${ROOMREC_JCFG_TEMPLATE:-/etc/roomrec/janus.plugin.roomrec.jcfg.in}
etc=/run/roomrec/etc
mkdir -p "$etc" /var/lib/roomrec/recordings
for required in ROOMREC_ADMIN_SECRET ROOMREC_TOKEN_SECRET ROOMREC_LINK_SECRET ROOMREC_POSTGRES_PASSWORD \
                ROOMREC_S3_ACCESS_KEY ROOMREC_S3_SECRET_KEY; do
  [ -n "${!required:-}" ] || { echo "roomrec: $required is not set (see deploy/env.example)" >&2; exit 2; }
done
# Only these variables are substituted: a "$" elsewhere in the template stays as written.
envsubst '${ROOMREC_NODE_ID} ${ROOMREC_ADMIN_SECRET} ${ROOMREC_TOKEN_SECRET} ${ROOMREC_LINK_SECRET}
          ${ROOMREC_PUBLIC_URL} ${ROOMREC_POSTGRES_PASSWORD} ${ROOMREC_S3_ACCESS_KEY} ${ROOMREC_S3_SECRET_KEY}
          ${ROOMREC_S3_BUCKET}' < "$template" > "$etc/janus.plugin.roomrec.jcfg.rendered"
chmod 0600 "$etc/janus.plugin.roomrec.jcfg.rendered"
JANUS_ADMIN_SECRET=${JANUS_ADMIN_SECRET:-$ROOMREC_ADMIN_SECRET} \
  /usr/lib/roomrec/make-janus-config.sh "$etc" /usr/lib/x86_64-linux-gnu/janus/plugins/libjanus_roomrec.so \
  "$etc/janus.plugin.roomrec.jcfg.rendered" > /dev/null
exec janus -C "$etc/janus.jcfg" -F "$etc" -P "$etc/plugins" -o
