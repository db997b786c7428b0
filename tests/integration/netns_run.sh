#!/usr/bin/env bash
# Runs a command inside a throw-away network namespace with a veth pair, so WebRTC media
# between Janus and the test peers never touches a real interface (Janus skips loopback
# for ICE). The namespace is deleted however the command ends.
#   netns_run.sh COMMAND [ARGS...]
set -euo pipefail
ns="roomrec-t$$-$RANDOM"
ip netns add "$ns"
trap 'ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null; ip netns delete "$ns" 2>/dev/null || true' EXIT
ip -n "$ns" link set lo up
ip -n "$ns" link add v0 type veth peer name v1
ip -n "$ns" addr add 198.18.0.1/24 dev v0
ip -n "$ns" addr add 198.18.0.2/24 dev v1
ip -n "$ns" link set v0 up
ip -n "$ns" link set v1 up
ip netns exec "$ns" "$@"
