#!/usr/bin/env python3
"""The layer check works: the repository is clean, and a fixture that includes upward, includes
a framework header from pure code and writes an include not from the root fails with each
violation named."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "..", "..", "scripts", "check_layers.py")


def run(*args):
    return subprocess.run([sys.executable, CHECK, *args], capture_output=True, text=True)


tree = run()
assert tree.returncode == 0, f"the repository has layer violations:\n{tree.stdout}"

fixture = run(os.path.join(HERE, "upward_fixture"))
assert fixture.returncode == 1, f"the upward fixture passed the check:\n{fixture.stdout}"
lines = sorted(fixture.stdout.strip().splitlines())
expected = sorted([
    "common/clock.hpp:3: pure code may not include <gst/gst.h>",
    'common/clock.hpp:4: "room.hpp" is not a path from the repository root',
    "domain/room.hpp:3: domain/ may not include plugin/session.hpp (layer plugin is above it)",
])
assert lines == expected, "unexpected verdicts:\n" + "\n".join(lines)
print("layer check: repository clean; the upward fixture refused with its 3 violations")
