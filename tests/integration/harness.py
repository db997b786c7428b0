"""Test harness: starts the real Janus with only roomrec, talks to it over the HTTP API and
drives real WebRTC peers (aiortc). Runs inside the namespace netns_run.sh creates."""
import asyncio
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from mint_token import mint  # noqa: E402
from fixture_common import die_with_parent  # noqa: E402

PLUGIN = "janus.plugin.roomrec"
TOKEN_SECRET = "test-token-secret"
ADMIN_SECRET = "test-admin-secret"

PLUGIN_CONFIG = """
general: {
	admin_secret = "%(admin)s"
	token_secret = "%(token)s"
	pli_min_interval_ms = 300
}
room-static: {
	title = "Static room"
	host_secret = "host-pass"
	viewer_secret = "viewer-pass"
}
"""


def plugin_path():
    path = os.environ.get("ROOMREC_PLUGIN")
    if not path or not os.path.exists(path):
        raise RuntimeError("set ROOMREC_PLUGIN to the built libjanus_roomrec.so")
    return path


class Janus:
    """The real janus binary with a private config folder, on 127.0.0.1 (or in a network
    namespace of its own, on that namespace's address)."""

    def __init__(self, http_port=18088, admin_port=17088, extra_env=None, events_backend=None, settings=None,
                 categories=None, netns=None, ip="127.0.0.1"):
        """settings: extra keys of the plugin's general category (recording tests set
        recordings_root and timers); categories: more categories of the plugin's jcfg
        ({"delivery": {...}, "webhook-ops": {...}}). The recorder is the built one
        (ROOMREC_RECORDER). netns: a named network namespace to run in (`ip netns exec`, which
        execs Janus: kill() still reaches Janus itself); ip: the address its API and Admin API
        bind (one of that namespace's)."""
        self.folder = tempfile.mkdtemp(prefix="roomrec-janus-")
        self.http_port = http_port
        self.admin_port = admin_port
        self.admin_secret = secrets.token_hex(8)
        config_file = os.path.join(self.folder, "roomrec.jcfg")
        general = {"recordings_root": os.path.join(self.folder, "recordings"), "node_id": "test-node"}
        if os.environ.get("ROOMREC_RECORDER"):
            general["recorder_path"] = os.path.abspath(os.environ["ROOMREC_RECORDER"])
        general.update(settings or {})
        self.recordings_root = general["recordings_root"]
        extra = "".join(f"\t{key} = {json.dumps(value)}\n" for key, value in general.items())
        with open(config_file, "w") as f:
            f.write((PLUGIN_CONFIG % {"admin": ADMIN_SECRET, "token": TOKEN_SECRET}).replace(
                "general: {\n", "general: {\n" + extra, 1))
            for name, keys in (categories or {}).items():
                f.write(f"{name}: {{\n" + "".join(f"\t{key} = {json.dumps(value)}\n" for key, value in keys.items()) + "}\n")
        env = dict(os.environ, JANUS_HTTP_PORT=str(http_port), JANUS_ADMIN_PORT=str(admin_port),
                   JANUS_ADMIN_SECRET=self.admin_secret, JANUS_DEBUG_LEVEL=os.environ.get("ROOMREC_JANUS_DEBUG", "4"),
                   JANUS_EVENTS_BACKEND=events_backend or "", JANUS_HTTP_IP=ip, JANUS_ADMIN_IP=ip)
        subprocess.run([os.path.join(ROOT, "scripts", "make-janus-config.sh"), os.path.join(self.folder, "etc"),
                        plugin_path(), config_file], check=True, env=env, stdout=subprocess.DEVNULL)
        etc = os.path.join(self.folder, "etc")
        self.log_path = os.path.join(self.folder, "janus.log")
        self.log = open(self.log_path, "w")
        run_env = dict(os.environ)
        run_env.update(sanitizer_env())
        run_env.update(extra_env or {})
        in_netns = ["ip", "netns", "exec", netns] if netns else []
        # netns_run.sh kills what runs in the suite's namespace; a node in a namespace of its
        # own dies with the test instead.
        self.process = subprocess.Popen(in_netns + ["janus", "-C", os.path.join(etc, "janus.jcfg"), "-F", etc, "-P",
                                         os.path.join(etc, "plugins"), "-o"],
                                        stdout=self.log, stderr=subprocess.STDOUT, env=run_env,
                                        preexec_fn=die_with_parent if netns else None)
        self.url = f"http://{ip}:{http_port}/janus"
        self.admin_url = f"http://{ip}:{admin_port}/admin"
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("janus exited early:\n" + self.log_text())
            try:
                reply = http_post(self.url, {"janus": "info", "transaction": "ready"})
                if PLUGIN in reply.get("plugins", {}):
                    return
                self.stop(check=False)  # flushes Janus's log, which says why
                raise RuntimeError("janus runs without roomrec:\n" + self.log_text())
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise RuntimeError("janus did not start:\n" + self.log_text())

    def alive(self):
        return self.process.poll() is None

    def recorder_pids(self):
        """The roomrec-recorder processes this Janus spawned."""
        out = subprocess.run(["pgrep", "-P", str(self.process.pid), "-f", "roomrec-recorder"], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def admin(self, body):
        return http_post(self.admin_url, dict(body, transaction=secrets.token_hex(4), admin_secret=self.admin_secret))

    def kill(self):
        """kill -9, as a crash would; the log and folder stay for a restart."""
        self.process.kill()
        self.process.wait()

    def stop(self, check=True):
        """Stops Janus; raises if a sanitizer reported anything meanwhile (with check)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        report = sanitizer_report(self.log_text())
        if not check:
            return
        if os.environ.get("ROOMREC_KEEP_LOGS") or report:
            print("janus log kept in", self.log_path, file=sys.stderr)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
        if report:
            raise AssertionError("sanitizer report in the janus log:\n" + report)


def wait_until_migrated(pg, ready, janus=None, timeout=30):
    """Waits until the plugin under test has migrated pg's database (the SQL `ready` is true);
    otherwise fails, with the end of Janus's log when given."""
    deadline = time.time() + timeout
    while pg.psql(f"SELECT {ready}") != "t":
        if time.time() > deadline:
            raise AssertionError("the plugin did not migrate the database" +
                                 (":\n" + janus.log_text()[-3000:] if janus else ""))
        time.sleep(0.2)


def wait_for_sql(run, query, expected, timeout=30):
    """Runs `query` with `run` (a psql call) until it prints `expected`, and fails with the
    last answer after `timeout` s. The answer compared is the one that ended the wait: asking
    again could see a row that has moved on (a retry's due time passing, a state advancing)."""
    deadline = time.time() + timeout
    while True:
        answer = run(query)
        if answer == expected:
            return answer
        if time.time() > deadline:
            raise AssertionError(f"{query!r} printed {answer!r}, not {expected!r}, for {timeout} s")
        time.sleep(0.2)


def stop_janus(janus, *then):
    """A suite's tearDownClass: stops Janus if it still runs (which fails on any sanitizer report),
    then, whatever happened, each of `then` (closing what the suite started beside it)."""
    try:
        if janus.alive():
            janus.stop()
    finally:
        for step in then:
            step()


def sanitizer_env():
    """Janus is not built with sanitizers: preload their runtimes for a sanitized plugin."""
    if os.environ.get("ROOMREC_SANITIZE") not in ("1", "ON", "true"):
        return {}
    libs = [subprocess.run(["gcc", f"-print-file-name={lib}"], capture_output=True, text=True, check=True).stdout.strip()
            for lib in ("libasan.so", "libubsan.so")]
    # Janus and GLib keep allocations until exit by design: leak reports would be noise.
    return {"LD_PRELOAD": ":".join(libs),
            "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:verify_asan_link_order=0",
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}


def sanitizer_report(log):
    markers = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if any(marker in line for marker in markers):
            return "\n".join(lines[index:index + 40])
    return ""


def http_post(url, body, raw=None, timeout=10):
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def http_get(url, timeout=40):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


class EventSink:
    """Receives what Janus's sample event handler POSTs (JSON, one event or a batch)."""

    def __init__(self, port=18500):
        import http.server

        sink = self
        self.events = queue.Queue()

        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                for event in body if isinstance(body, list) else [body]:
                    sink.events.put(event)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
        self.url = f"http://127.0.0.1:{port}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_plugin_event(self, name, room, timeout=15):
        """Next roomrec plugin event named name about room (others are dropped)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                event = self.events.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            inner = event.get("event", {})
            data = inner.get("data", {})
            if event.get("type") == 64 and inner.get("plugin") == PLUGIN and data.get("event") == name \
                    and data.get("room") == room:
                return data
        raise TimeoutError(f"no {name} event reached the event handler")

    def stop(self):
        self.server.shutdown()


class Handle:
    """One plugin handle; events arrive on a queue filled by the session's poller."""

    def __init__(self, session, handle_id):
        self.session = session
        self.id = handle_id
        self.events = queue.Queue()

    def request(self, body, jsep=None, transaction=None):
        """Sends a plugin message (under `transaction`, default a random one, which the plugin's
        log lines about it name as tx=); returns (plugin data, jsep) of the reply, synchronous or
        not. A Janus-level error comes back as the raw Janus reply with no jsep."""
        message = {"janus": "message", "transaction": transaction or secrets.token_hex(6), "body": body}
        if jsep is not None:
            message["jsep"] = jsep
        reply = http_post(f"{self.session.url}/{self.id}", message)
        if reply.get("janus") == "success":
            return reply["plugindata"]["data"], None
        if reply.get("janus") == "ack":
            event = self.wait_event(lambda e: e.get("transaction") == message["transaction"])
            return event["plugindata"]["data"], event.get("jsep")
        return reply, None

    def send(self, body, jsep=None, transaction=None):
        return self.request(body, jsep, transaction)[0]

    def wait_event(self, match, timeout=15):
        deadline = time.time() + timeout
        kept = []
        try:
            while True:
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise TimeoutError(f"handle {self.id}: no matching event")
                try:
                    event = self.events.get(timeout=remaining)
                except queue.Empty:
                    raise TimeoutError(f"handle {self.id}: no matching event") from None
                if match(event):
                    return event
                kept.append(event)
        finally:
            for event in kept:
                self.events.put(event)

    def wait_plugin_event(self, kind, timeout=15):
        event = self.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("roomrec") == kind, timeout)
        return event["plugindata"]["data"], event.get("jsep")

    def trickle_done(self):
        http_post(f"{self.session.url}/{self.id}", {"janus": "trickle", "transaction": secrets.token_hex(6),
                                                    "candidate": {"completed": True}})

    def detach(self):
        try:
            http_post(f"{self.session.url}/{self.id}", {"janus": "detach", "transaction": secrets.token_hex(6)})
        except Exception:
            pass


class Session:
    """A Janus session with a long-poll thread routing events to handles."""

    def __init__(self, janus):
        reply = http_post(janus.url, {"janus": "create", "transaction": secrets.token_hex(6)})
        self.id = reply["data"]["id"]
        self.url = f"{janus.url}/{self.id}"
        self.handles = {}
        self.session_events = queue.Queue()
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll, daemon=True)
        self._poller.start()

    def _poll(self):
        while not self._stop.is_set():
            try:
                events = http_get(f"{self.url}?maxev=10&rid={int(time.time() * 1000)}")
            except Exception:
                if self._stop.is_set():
                    return
                time.sleep(0.2)
                continue
            for event in events if isinstance(events, list) else [events]:
                handle = self.handles.get(event.get("sender"))
                (handle.events if handle else self.session_events).put(event)

    def attach(self):
        reply = http_post(self.url, {"janus": "attach", "plugin": PLUGIN, "transaction": secrets.token_hex(6)})
        handle = Handle(self, reply["data"]["id"])
        self.handles[handle.id] = handle
        return handle

    def destroy(self):
        self._stop.set()
        try:
            http_post(self.url, {"janus": "destroy", "transaction": secrets.token_hex(6)})
        except Exception:
            pass


def stage_web(www):
    """The web pages as the product serves them (scripts/stage-web.sh) in the folder www."""
    subprocess.run([os.path.join(ROOT, "scripts", "stage-web.sh"), www], check=True)


def web_janus(folder, conninfo, link_port, link_secret, http_port, www):
    """Janus with the delivery database (also telemetry and reports), local recordings under
    folder/recordings, and the link endpoint on link_port serving the staged pages in www
    beside the signed links: the product as the browser tests use it. Returns (janus, base url)."""
    base = f"http://127.0.0.1:{link_port}"
    janus = Janus(http_port=http_port, admin_port=http_port - 1000,
                  settings={"recordings_root": os.path.join(folder, "recordings")},
                  categories={"delivery": {"postgres": conninfo},
                              "links": {"port": link_port, "secret": link_secret, "public_url": base,
                                        "web_root": www}})
    return janus, base


def token(room, user, role, **kwargs):
    return mint(TOKEN_SECRET, room, user, role, **kwargs)


def create_room(handle, room, **settings):
    body = {"request": "create", "room": room, "title": settings.pop("title", f"Room {room}"),
            "admin_secret": ADMIN_SECRET}
    body.update(settings)
    reply = handle.send(body)
    assert reply.get("roomrec") == "created", reply
    return reply
