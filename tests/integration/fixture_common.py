"""What the server fixtures (postgres.py, radosgw.py) share: free-port probing on 127.0.0.1,
sweeping the temp folders of fixtures whose test process died, and log tails for errors."""
import os
import shutil
import socket
import tempfile


def port_free(port):
    """True if nothing listens on 127.0.0.1:port now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def sweep_stale_folders(prefix):
    """Removes temp folders named prefix* whose owner (the pid in owner.pid) is gone; the
    kernel already killed their servers. A folder kept on purpose has no owner.pid."""
    root = tempfile.gettempdir()
    for name in os.listdir(root):
        if not name.startswith(prefix):
            continue
        folder = os.path.join(root, name)
        try:
            with open(os.path.join(folder, "owner.pid")) as f:
                os.kill(int(f.read()), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (OSError, ValueError):
            pass


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as error:
        return f"({path}: {error})\n"
