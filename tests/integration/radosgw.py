"""Test fixture: a real single-node Ceph cluster (1 mon, 1 memstore OSD) with a radosgw in
front of it, serving S3 (real SigV4 checks) on 127.0.0.1 (and, if asked, one more local
address on the same port: RadosGW(also_bind="198.18.20.1") for Janus nodes in other network
namespaces; also_endpoint is then its URL there).

Everything lives in one temp folder (own fsid, mon data, run dir with the admin sockets,
logs); every port is a free, non-default one; stop() kills every process and removes the
folder (also at exit). The daemons die with the test process (PR_SET_PDEATHSIG: with the
thread that started them, so start and restart from a thread that lives on), so a killed
test leaves nothing running; the next start() removes the folder such a test left behind.

    with RadosGW() as s3:           # or: s3 = RadosGW(); s3.start(); ...; s3.stop()
        s3.create_bucket("recordings")
        s3.endpoint, s3.access_key, s3.secret_key, s3.region
        s3.stop_rgw(); s3.start_rgw()   # only radosgw: same port, same data

Needs Debian's ceph-mon ceph-osd radosgw ceph-common (scripts/install-deps.sh).
ROOMREC_KEEP_LOGS=1 keeps the folder (logs in FOLDER/log) after stop().
"""
import atexit
import datetime
import hashlib
import hmac
import http.client
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

from fixture_common import claim_folder, die_with_parent, end_process, port_free, sweep_stale_folders, tail

BINARIES = ("monmaptool", "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "ceph")

CEPH_CONF = """[global]
fsid = %(fsid)s
mon host = v2:127.0.0.1:%(mon_port)d
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind ipv6 = false
ms bind port min = %(osd_port_min)d
ms bind port max = %(osd_port_max)d
# without crc for mon clients radosgw hangs until rgw init timeout
ms mon client mode = crc
auth cluster required = none
auth service required = none
auth client required = none
keyring = %(folder)s/keyring
run dir = %(folder)s/run
admin socket = %(folder)s/run/$cluster-$name.asok
pid file = %(folder)s/run/$cluster-$name.pid
log file = %(folder)s/log/$name.log
mon cluster log file = default=%(folder)s/log/$channel.log cluster=%(folder)s/log/cluster.log
log to stderr = false
err to stderr = true
crash dir = %(folder)s/crash
mon data = %(folder)s/mon/$id
osd data = %(folder)s/osd/$id
rgw data = %(folder)s/rgw/$id
osd objectstore = memstore
memstore device bytes = %(memstore_bytes)d
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
paxos propose interval = 0.1
mon osd down out interval = 0
osd heartbeat grace = 60
[mon]
mon initial members = a
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:%(rgw_port)d%(extra_endpoints)s
rgw init timeout = 60
rgw enable usage log = false
rgw dynamic resharding = false
"""


class CephError(RuntimeError):
    pass


def free_port_block(count, low=21000, high=29000):
    """First port of `count` consecutive free ports on 127.0.0.1, from a random start in
    [low, high): away from Ceph's defaults (3300, 6789, 6800-7300, 7480), the ephemeral
    range (32768+) and the ports other suites here use (17xxx-18xxx)."""
    span = high - low
    start = low + secrets.randbelow(span)
    for step in range(0, span, count):
        base = low + (start - low + step) % span
        if base + count <= high and all(port_free(base + i) for i in range(count)):
            return base
    raise CephError(f"no {count} consecutive free ports in [{low}, {high})")


FOLDER_PREFIX = "rrt-ceph-"


class RadosGW:
    """One throw-away Ceph cluster + radosgw. Attributes once started: endpoint
    ("http://127.0.0.1:PORT"), host, port, access_key, secret_key, region, folder,
    start_seconds (how long start() took)."""

    OSD_PORTS = 16  # the OSD binds public, cluster and 2 heartbeat messengers (msgr2 only)
    region = "us-east-1"  # radosgw accepts any region in the credential scope

    def __init__(self, access_key=None, secret_key=None, uid="roomrec-test", memstore_bytes=2 << 30,
                 timeout=60, keep_logs=None, also_bind=None):
        self.access_key = access_key or "RRT" + secrets.token_hex(8).upper()
        self.secret_key = secret_key or secrets.token_urlsafe(30)
        self.uid = uid
        self.memstore_bytes = memstore_bytes
        self.timeout = timeout
        self.keep_logs = bool(os.environ.get("ROOMREC_KEEP_LOGS")) if keep_logs is None else keep_logs
        self.folder = None
        self.processes = {}  # name -> Popen: "mon.a", "osd.0", "client.rgw.a"
        self._log_handles = []
        self.start_seconds = None
        self.host = "127.0.0.1"
        self.port = None
        self.endpoint = None
        self.also_bind = also_bind  # beast takes several endpoint= options: one more address
        self.also_endpoint = None

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        missing = [b for b in BINARIES if not shutil.which(b)]
        if missing:
            raise CephError("missing " + ", ".join(missing) + ": run scripts/install-deps.sh "
                            "(ceph-mon ceph-osd radosgw ceph-common)")
        began = time.monotonic()
        sweep_stale_folders(FOLDER_PREFIX)
        atexit.register(self.stop)
        # Short: unix socket paths (admin sockets) must stay under 108 bytes.
        self.folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX)
        self._owner = claim_folder(self.folder)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - began
        return self

    def _start(self):
        for sub in ("run", "log", "crash", "mon/a", "osd/0", "rgw/rgw.a"):
            os.makedirs(os.path.join(self.folder, sub), exist_ok=True)
        base = free_port_block(2 + self.OSD_PORTS)
        self.mon_port, self.port = base, base + 1
        self.endpoint = f"http://{self.host}:{self.port}"
        if self.also_bind:
            self.also_endpoint = f"http://{self.also_bind}:{self.port}"
        self.fsid = str(uuid.uuid4())
        self.conf = os.path.join(self.folder, "ceph.conf")
        with open(self.conf, "w") as f:
            f.write(CEPH_CONF % {"fsid": self.fsid, "folder": self.folder, "mon_port": self.mon_port,
                                 "rgw_port": self.port, "osd_port_min": base + 2,
                                 "osd_port_max": base + 1 + self.OSD_PORTS,
                                 "memstore_bytes": self.memstore_bytes,
                                 "extra_endpoints": f" endpoint={self.also_bind}:{self.port}" if self.also_bind else ""})
        open(os.path.join(self.folder, "keyring"), "w").close()
        monmap = os.path.join(self.folder, "monmap")
        self._run(["monmaptool", "--create", "--clobber", "--enable-all-features", "--fsid", self.fsid,
                   "--addv", "a", f"[v2:127.0.0.1:{self.mon_port}]", monmap], with_conf=False)
        self._run(["ceph-mon", "--mkfs", "-i", "a", "--monmap", monmap], logs=("mon.a",))
        self._spawn("mon.a", ["ceph-mon", "-f", "-i", "a"])
        osd_uuid = str(uuid.uuid4())
        osd_id = self._run(["ceph", "osd", "new", osd_uuid], logs=("client.admin", "mon.a")).strip()
        if osd_id != "0":
            raise CephError(f"`ceph osd new` gave osd id {osd_id!r}, expected 0")
        self._run(["ceph-osd", "--mkfs", "-i", "0", "--osd-uuid", osd_uuid], logs=("osd.0",))
        self._spawn("osd.0", ["ceph-osd", "-f", "-i", "0"])
        self.start_rgw()
        self._run(["radosgw-admin", "user", "create", "--uid", self.uid, "--display-name", self.uid,
                   "--access-key", self.access_key, "--secret", self.secret_key],
                  logs=("client.admin", "client.rgw.a"))

    def start_rgw(self, timeout=None):
        """Starts radosgw (again) on the same port and data; returns once it answers HTTP."""
        if self.processes.get("client.rgw.a") and self.processes["client.rgw.a"].poll() is None:
            raise CephError("radosgw already runs")
        deadline = time.monotonic() + (timeout or self.timeout)
        while not port_free(self.port):  # a just-killed radosgw's socket may linger briefly
            if time.monotonic() > deadline:
                raise CephError(f"port {self.port} stays busy; cannot start radosgw")
            time.sleep(0.1)
        self._spawn("client.rgw.a", ["radosgw", "-f", "-n", "client.rgw.a"])
        while True:
            self._check_alive()
            try:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
                connection.request("GET", "/")
                connection.getresponse().read()
                connection.close()
                return
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                raise CephError("radosgw did not answer HTTP in time\n" + self.logs("client.rgw.a", "osd.0"))
            time.sleep(0.1)

    def stop_rgw(self, kill=False):
        """Stops only radosgw (SIGTERM, or SIGKILL as a crash would with kill=True)."""
        self._stop_process("client.rgw.a", kill=kill)

    def rgw_running(self):
        process = self.processes.get("client.rgw.a")
        return process is not None and process.poll() is None

    def stop(self):
        """Kills every daemon and removes the folder (kept with keep_logs). Safe to call twice."""
        for name in ("client.rgw.a", "osd.0", "mon.a"):
            self._stop_process(name, kill=True)
        for handle in self._log_handles:
            handle.close()
        self._log_handles = []
        if getattr(self, "_owner", None) is not None:
            self._owner.close()
            self._owner = None
        if self.folder and os.path.isdir(self.folder):
            if self.keep_logs:
                owner = os.path.join(self.folder, "owner.pid")
                if os.path.exists(owner):
                    os.remove(owner)  # so that it is not swept as stale
                    print("ceph folder kept in", self.folder, file=sys.stderr)
            else:
                shutil.rmtree(self.folder, ignore_errors=True)

    # -- S3 helpers ------------------------------------------------------------------------

    def request(self, method, path, body=b"", headers=None, query=None, timeout=30):
        """A SigV4-signed path-style request; returns (status, headers dict, body bytes)."""
        query = query or {}
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        headers = dict(headers or {})
        headers.update({"host": f"{self.host}:{self.port}", "x-amz-date": amz_date,
                        "x-amz-content-sha256": hashlib.sha256(body).hexdigest()})
        lower = {k.lower(): str(v).strip() for k, v in headers.items()}
        signed = ";".join(sorted(lower))
        quote = lambda s: urllib.parse.quote(str(s), safe="-_.~")  # noqa: E731
        canonical = "\n".join([method, urllib.parse.quote(path, safe="/-_.~"),
                               "&".join(f"{quote(k)}={quote(v)}" for k, v in sorted(query.items())),
                               "".join(f"{k}:{lower[k]}\n" for k in sorted(lower)), signed,
                               lower["x-amz-content-sha256"]])
        scope = f"{day}/{self.region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        key = ("AWS4" + self.secret_key).encode()
        for part in (day, self.region, "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.access_key}/{scope}, "
                                    f"SignedHeaders={signed}, Signature={signature}")
        target = urllib.parse.quote(path, safe="/-_.~")
        if query:
            target += "?" + urllib.parse.urlencode(sorted(query.items()), quote_via=urllib.parse.quote)
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def create_bucket(self, name):
        status, _, body = self.request("PUT", "/" + name)
        if status != 200:
            raise CephError(f"creating bucket {name!r}: HTTP {status} {body[:500]!r}\n" + self.logs("client.rgw.a"))
        return name

    def get_object(self, bucket, key):
        """The object's bytes (raises unless HTTP 200)."""
        status, _, body = self.request("GET", f"/{bucket}/{key}")
        if status != 200:
            raise CephError(f"GET /{bucket}/{key}: HTTP {status} {body[:500]!r}")
        return body

    # -- internals -------------------------------------------------------------------------

    def log_path(self, name):
        return os.path.join(self.folder, "log", name + ".log")

    def logs(self, *names, lines=40):
        """For error messages: the named daemons' error lines (level -1, failed asserts) and
        the tails of their logs and stderr."""
        text = ""
        for name in names:
            path = self.log_path(name)
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    marks = (" -1 ", "FAILED", "ERROR", "WARNING")
                    errors = [line for line in f if any(mark in line for mark in marks)]
                if errors:
                    text += f"--- error lines of {path}\n" + "".join(errors[:20])
            for path in (path, os.path.join(self.folder, "log", name + ".stderr")):
                if os.path.exists(path) and os.path.getsize(path):
                    text += f"--- tail of {path}\n" + tail(path, lines)
        return text

    def _run(self, command, logs=(), with_conf=True, timeout=None):
        full = [command[0]] + (["-c", self.conf] if with_conf else []) + command[1:]
        if command[0] == "ceph":
            full += ["--connect-timeout", str(timeout or self.timeout)]
        try:
            result = subprocess.run(full, capture_output=True, text=True, timeout=timeout or self.timeout,
                                    preexec_fn=die_with_parent, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise CephError(f"`{' '.join(full)}` timed out\n" + self.logs(*logs)) from None
        if result.returncode != 0:
            raise CephError(f"`{' '.join(full)}` failed ({result.returncode}):\n{result.stdout[-2000:]}"
                            f"{result.stderr[-2000:]}\n" + self.logs(*logs))
        return result.stdout

    def _spawn(self, name, command):
        stderr = open(os.path.join(self.folder, "log", name + ".stderr"), "a")
        self._log_handles.append(stderr)
        self.processes[name] = subprocess.Popen([command[0], "-c", self.conf] + command[1:],
                                                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
                                                preexec_fn=die_with_parent, cwd=self.folder)

    def _check_alive(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise CephError(f"{name} exited with {process.returncode}\n" + self.logs(name))

    def _stop_process(self, name, kill):
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        end_process(process, kill)
