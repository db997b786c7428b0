"""Test fixture: a throwaway PostgreSQL 15 cluster on 127.0.0.1 and a unix socket, for the
outbox and telemetry tests.

Everything lives in one temp folder (data, socket, log); the port is a free, non-default one;
fsync is off (a test database need not survive a power cut). The server runs as the
`postgres` user (it refuses root). It dies with the test process: a watchdog child gets
SIGTERM from the kernel when the test dies (PR_SET_PDEATHSIG; the server itself cannot hold
one, a change of user clears it) and shuts the server down; close() removes the folder (also
at exit) and the next fixture sweeps a folder a killed test left behind.

    with Postgres() as pg:
        pg.conninfo                      # the "roomrec" database, over the unix socket
        pg.psql("SELECT 1")              # -> "1"
        pg.create_database("other")      # -> its conninfo
        pg.tcp_conninfo("other")         # 127.0.0.1 with the superuser's password
        pg.stop(); pg.start()            # the server only: same port, same data

    python3 tests/integration/postgres.py COMMAND ARGS...   # runs COMMAND with ROOMREC_PG set

ROOMREC_KEEP_LOGS=1 keeps the folder (log in FOLDER/log/postgres.log) after close().
"""
import atexit
import itertools
import ctypes
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from fixture_common import claim_folder, port_free, sweep_stale_folders, tail

BIN = "/usr/lib/postgresql/15/bin"
FOLDER_PREFIX = "rrt-pg-"

SERVER_CONF = """
listen_addresses = '127.0.0.1'
port = %(port)d
unix_socket_directories = '%(run)s'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
shared_buffers = 64MB
log_min_messages = warning
"""

# Shuts the server down (immediate shutdown) when the test process dies, however it dies.
WATCHDOG = r"""
import ctypes, os, signal, sys
server, test = int(sys.argv[1]), int(sys.argv[2])
def stop(*_):
    try:
        os.kill(server, signal.SIGQUIT)
    except ProcessLookupError:
        pass
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
if os.getppid() != test:
    stop()
while True:
    signal.pause()
"""


class PostgresError(RuntimeError):
    pass


def free_port(low=30000, high=32700):
    """A free port on 127.0.0.1 from a random start in [low, high): away from 5432, the ports
    the other fixtures use (17xxx-18xxx, 21000-29000) and the ephemeral range (32768+)."""
    span = high - low
    start = secrets.randbelow(span)
    for step in range(span):
        port = low + (start + step) % span
        if port_free(port):
            return port
    raise PostgresError(f"no free port in [{low}, {high})")


class Postgres:
    """One throwaway cluster. Attributes once started: host ("127.0.0.1"), port, socket_dir,
    password (of the superuser "postgres", needed over TCP only), folder, conninfo,
    start_seconds (how long the first start() took)."""

    user = "postgres"
    host = "127.0.0.1"

    def __init__(self, database="roomrec", timeout=30, keep_logs=None):
        self.database = database
        self.timeout = timeout
        self.keep_logs = bool(os.environ.get("ROOMREC_KEEP_LOGS")) if keep_logs is None else keep_logs
        self.folder = None
        self.port = None
        self.password = secrets.token_urlsafe(18)
        self.start_seconds = None
        self._server = None
        self._watchdog = None
        self._log = None
        self._owner = None  # the lock on owner.pid (fixture_common.claim_folder)
        self._account = pwd.getpwnam(self.user)

    # -- life cycle ------------------------------------------------------------------------

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def start(self):
        """Creates the cluster (first call) or starts the stopped server again on the same
        port and data. Returns once it accepts connections."""
        if self.folder is None:
            if not os.access(f"{BIN}/postgres", os.X_OK):
                raise PostgresError(f"no {BIN}/postgres: run scripts/install-deps.sh (postgresql libpq-dev)")
            began = time.monotonic()
            sweep_stale_folders(FOLDER_PREFIX)
            atexit.register(self.close)
            self.folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX)
            os.chmod(self.folder, 0o755)  # the server's user must reach its data and socket
            self._owner = claim_folder(self.folder)
            try:
                self._create()
                self._start_server()
                self.create_database(self.database)
            except BaseException:
                self.close()
                raise
            self.start_seconds = time.monotonic() - began
        else:
            self._start_server()
        return self

    def stop(self):
        """Stops the server only (fast shutdown: connections are cut), keeping its data."""
        server, self._server = self._server, None
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        self._stop_watchdog()

    def running(self):
        return self._server is not None and self._server.poll() is None

    def close(self):
        """Stops the server and removes the folder (kept with keep_logs). Safe to call twice."""
        self.stop()
        if self._log:
            self._log.close()
            self._log = None
        if self._owner is not None:
            self._owner.close()
            self._owner = None
        if self.folder and os.path.isdir(self.folder):
            if self.keep_logs:
                os.remove(os.path.join(self.folder, "owner.pid"))  # so that it is not swept
                print("postgres folder kept in", self.folder, file=sys.stderr)
            else:
                shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    # -- helpers ---------------------------------------------------------------------------

    @property
    def socket_dir(self):
        return os.path.join(self.folder, "run")

    @property
    def conninfo(self):
        return self.conninfo_for(self.database)

    def conninfo_for(self, database):
        """Over the unix socket (trusted: no password)."""
        return f"host={self.socket_dir} port={self.port} user={self.user} dbname={database}"

    def tcp_conninfo(self, database=None, password=None):
        """Over 127.0.0.1, where the server checks the password (SCRAM)."""
        return (f"host={self.host} port={self.port} user={self.user} dbname={database or self.database} "
                f"password={self.password if password is None else password}")

    def psql(self, sql, database=None, check=True):
        """Runs one SQL string (one transaction) with psql; returns its unaligned output."""
        result = subprocess.run([f"{BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir,
                                 "-p", str(self.port), "-U", self.user, "-d", database or self.database, "-c", sql],
                                capture_output=True, text=True, timeout=self.timeout, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise PostgresError(f"psql failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout.strip()

    def create_database(self, name):
        """Creates a database (outside any transaction, as Postgres requires); returns its conninfo."""
        quoted = '"' + name.replace('"', '""') + '"'
        self.psql(f"CREATE DATABASE {quoted}", database="postgres")
        return self.conninfo_for(name)

    def log(self, lines=40):
        return tail(os.path.join(self.folder, "log", "postgres.log"), lines)

    # -- internals -------------------------------------------------------------------------

    def _as_server_user(self):
        account = self._account

        def change():
            os.setgroups([])
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)
        return change

    def _owned_dir(self, name, mode=0o700):
        path = os.path.join(self.folder, name)
        os.makedirs(path, mode=mode)
        os.chown(path, self._account.pw_uid, self._account.pw_gid)
        os.chmod(path, mode)
        return path

    def _create(self):
        data = self._owned_dir("data")
        self._owned_dir("run", 0o755)
        self._owned_dir("log", 0o755)
        password_file = os.path.join(self.folder, "log", "password")
        with open(password_file, "w") as f:
            f.write(self.password + "\n")
        os.chown(password_file, self._account.pw_uid, self._account.pw_gid)
        os.chmod(password_file, 0o600)
        try:
            result = subprocess.run([f"{BIN}/initdb", "-D", data, "-U", self.user, "--pwfile", password_file,
                                     "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                                     "--locale=C", "--no-sync"],
                                    capture_output=True, text=True, timeout=120, preexec_fn=self._as_server_user(),
                                    cwd=self.folder, stdin=subprocess.DEVNULL)
        finally:
            os.remove(password_file)
        if result.returncode != 0:
            raise PostgresError(f"initdb failed ({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        self.port = free_port()
        with open(os.path.join(data, "postgresql.conf"), "a") as f:
            f.write(SERVER_CONF % {"port": self.port, "run": self.socket_dir})

    def _start_server(self):
        if self.running():
            raise PostgresError("postgres already runs")
        deadline = time.monotonic() + self.timeout
        while not port_free(self.port):  # a just-stopped server's socket may linger briefly
            if time.monotonic() > deadline:
                raise PostgresError(f"port {self.port} stays busy; cannot start postgres")
            time.sleep(0.1)
        if self._log is None:
            self._log = open(os.path.join(self.folder, "log", "postgres.log"), "a")
        self._server = subprocess.Popen([f"{BIN}/postgres", "-D", os.path.join(self.folder, "data")],
                                        stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                        preexec_fn=self._as_server_user(), cwd=self.folder)
        self._watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG, str(self._server.pid), str(os.getpid())],
                                          stdin=subprocess.DEVNULL)
        while True:
            if self._server.poll() is not None:
                raise PostgresError(f"postgres exited with {self._server.returncode}\n" + self.log())
            ready = subprocess.run([f"{BIN}/pg_isready", "-q", "-h", self.socket_dir, "-p", str(self.port)],
                                   stdin=subprocess.DEVNULL)
            if ready.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise PostgresError("postgres did not accept connections in time\n" + self.log())
            time.sleep(0.05)

    def _stop_watchdog(self):
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None and watchdog.poll() is None:
            watchdog.kill()
            watchdog.wait()


def main(argv):
    """Runs a command against a throwaway cluster (ROOMREC_PG = its conninfo), e.g. a benchmark."""
    if not argv:
        print("usage: postgres.py COMMAND [ARGS...]", file=sys.stderr)
        return 2
    with Postgres() as pg:
        print(f"postgres started in {pg.start_seconds:.1f} s on port {pg.port}", file=sys.stderr)
        return subprocess.run(argv, env=dict(os.environ, ROOMREC_PG=pg.conninfo)).returncode



class DatabasePerTest(unittest.TestCase):
    """Base of the tests of a C++ driver against Postgres: one throwaway cluster per class, a
    fresh database per test (self.database, self.conninfo). The driver must be built: a missing
    one fails the suite rather than skipping it."""
    driver_path = None     # the driver executable
    database_prefix = "db"
    pg = None
    numbers = itertools.count(1)

    @classmethod
    def setUpClass(cls):
        if not cls.driver_path or not os.access(cls.driver_path, os.X_OK):
            raise AssertionError(f"the driver is not built: {cls.driver_path}")
        cls.pg = Postgres().start()

    @classmethod
    def tearDownClass(cls):
        if cls.pg:
            cls.pg.close()

    def setUp(self):
        if not self.pg.running():  # a failed outage test must not take the others down
            self.pg.start()
        self.database = f"{self.database_prefix}_{next(self.numbers)}"
        self.conninfo = self.pg.create_database(self.database)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
