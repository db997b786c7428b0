"""Runs a headless-Chromium script of tests/browser/ for a Python test, and answers what it asks
on the way: the script prints one JSON line per request (e.g. {"rollup": true}) and waits for
one stdin line; its last other line is its result."""
import json
import os
import subprocess
import threading

import harness

BROWSER_DIR = os.path.join(harness.ROOT, "tests", "browser")


def run(test, script, config, answer=None, timeout=420):
    """answer(message) does what a request asks and returns the line to send back (without its
    newline); a message it returns None for is the result. Fails `test` when the script fails."""
    node = subprocess.Popen(["node", os.path.join(BROWSER_DIR, script), json.dumps(config)], cwd=BROWSER_DIR,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(timeout, node.kill)
    timer.start()
    result = None
    try:
        for line in node.stdout:
            message = json.loads(line)
            reply = answer(message) if answer else None
            if reply is None:
                result = message
            else:
                node.stdin.write(reply + "\n")
                node.stdin.flush()
        node.wait()
    finally:
        timer.cancel()
    test.assertEqual(node.returncode, 0, node.stderr.read())
    test.assertIsNotNone(result)
    return result
