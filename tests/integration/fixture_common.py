"""What the server fixtures (postgres.py, radosgw.py, harness.py) share: free-port probing on
127.0.0.1, sweeping the temp folders of fixtures whose test process died, log tails for errors,
stopping a child process, and children that die with the test."""
import ctypes
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import tempfile


def die_with_parent():
    """preexec_fn: the kernel sends SIGKILL to the child when the thread that started it dies
    (PR_SET_PDEATHSIG; it survives exec): start such children from a thread that lives on."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def port_free(port):
    """True if nothing listens on 127.0.0.1:port now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def claim_folder(folder):
    """Marks a fixture folder as in use for as long as the returned file stays open: an flock on
    owner.pid, which (unlike a pid) is seen by tests in other PID namespaces sharing /tmp."""
    owner = open(os.path.join(folder, "owner.pid"), "w")
    fcntl.flock(owner, fcntl.LOCK_EX)
    owner.write(str(os.getpid()))
    owner.flush()
    return owner


def sweep_stale_folders(prefix):
    """Removes temp folders named prefix* whose owner is gone (nobody holds the lock on their
    owner.pid); the kernel already killed their servers. A folder kept on purpose has no
    owner.pid."""
    root = tempfile.gettempdir()
    for name in os.listdir(root):
        if not name.startswith(prefix):
            continue
        folder = os.path.join(root, name)
        try:
            with open(os.path.join(folder, "owner.pid")) as owner:
                fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, OSError):
            continue  # alive (locked), kept, or already gone
        shutil.rmtree(folder, ignore_errors=True)


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as error:
        return f"({path}: {error})\n"


def end_process(process, kill=False, timeout=15):
    """Stops a child: SIGTERM (or SIGKILL), then SIGKILL if it has not exited within timeout."""
    if kill:
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
