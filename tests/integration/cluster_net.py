"""Test fixture: a small cluster network inside the suite's own namespace (netns_run.sh). A bridge
holds the shared side (Postgres's unix socket needs no network; radosgw and the webhook receiver
listen on the bridge's address); each node is a named network namespace of its own, reached
over a veth pair whose one end is on the bridge:

    bridge rrbr0 198.18.20.1/24  <-veth->  node 0: 198.18.20.10/24 (namespace rrnode-<pid>-0)
                                 <-veth->  node 1: 198.18.20.11/24 ...

    with ClusterNet(2) as net:
        net.bridge_ip, net.ip(0), net.netns(0)    # run a node: ip netns exec NS ...

close() (also at exit) kills whatever still runs in the node namespaces and deletes them; the
bridge and the host ends of the veths go with the suite's namespace."""
import atexit
import os
import subprocess

SUBNET = "198.18.20"


def ip(*args):
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


class ClusterNet:
    def __init__(self, nodes, bridge="rrbr0"):
        self.bridge = bridge
        self.bridge_ip = f"{SUBNET}.1"
        tag = f"{os.getpid()}"
        self.namespaces = [f"rrnode-{tag}-{i}" for i in range(nodes)]
        # Interface names are at most 15 bytes: a pid has at most 7 digits.
        self.links = [(f"rrh{i}-{tag}", f"rrn{i}-{tag}") for i in range(nodes)]
        self.made = []

    def ip(self, node):
        return f"{SUBNET}.{10 + node}"

    def netns(self, node):
        return self.namespaces[node]

    def start(self):
        atexit.register(self.close)
        try:
            ip("link", "add", self.bridge, "type", "bridge")
            ip("addr", "add", f"{self.bridge_ip}/24", "dev", self.bridge)
            ip("link", "set", self.bridge, "up")
            for node, (namespace, (host_end, node_end)) in enumerate(zip(self.namespaces, self.links)):
                ip("netns", "add", namespace)
                self.made.append(namespace)
                ip("-n", namespace, "link", "set", "lo", "up")
                ip("link", "add", host_end, "type", "veth", "peer", "name", node_end)
                ip("link", "set", host_end, "master", self.bridge)
                ip("link", "set", host_end, "up")
                ip("link", "set", node_end, "netns", namespace)
                ip("-n", namespace, "addr", "add", f"{self.ip(node)}/24", "dev", node_end)
                ip("-n", namespace, "link", "set", node_end, "up")
        except BaseException:
            self.close()
            raise
        return self

    def close(self):
        """Kills every process left in the node namespaces and deletes them; safe to call twice."""
        while self.made:
            namespace = self.made.pop()
            pids = subprocess.run(["ip", "netns", "pids", namespace], capture_output=True, text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "delete", namespace], capture_output=True)
        subprocess.run(["ip", "link", "delete", self.bridge], capture_output=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
