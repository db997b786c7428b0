#!/usr/bin/env python3
"""Fails when a source file includes upward across the layers, or when pure code includes a
framework header. The layers, lowest first, and what each may include:

    common                              (the base library)
    domain     -> common                (pure rules of a meeting room)
    storage    -> domain, common        (delivery: S3, webhooks, outbox, Postgres edge)
    analytics  -> storage, domain, common   (telemetry writer; uses storage's Postgres edge)
    recorder   -> domain, common        (the GStreamer worker and its contract)
    plugin     -> everything above      (the Janus adapter)

Pure folders (domain/, common/ except its *_handle headers, every */core/ and
recorder/contract/) include no Janus, GStreamer, GLib, libcurl or Postgres header. Project
includes are written from the repository root ("domain/role.hpp") and must name a file there.

Usage: check_layers.py [ROOT]   (ROOT defaults to the repository this script lives in)
Exit status 0 when clean; 1 with one line per violation otherwise.
"""
import os
import re
import sys

ALLOWED = {
    "common": {"common"},
    "domain": {"common", "domain"},
    "storage": {"common", "domain", "storage"},
    "analytics": {"common", "domain", "storage", "analytics"},
    "recorder": {"common", "domain", "recorder"},
    "plugin": {"common", "domain", "storage", "analytics", "recorder", "plugin"},
}
LAYERS = set(ALLOWED)
# Folders whose code may include anything of the project (they are not part of a layer).
FREE = {"tests", "bench", "fuzz"}
FRAMEWORK = re.compile(r"^(janus/|plugins/|rtp\.h|rtcp\.h|sdp-utils|gst/|glib|gio/|curl/|libpq|pqxx/|postgres)")
PURE = re.compile(r"^(domain/|common/(?!.*_handles?\.hpp$)|[a-z]+/core/|recorder/contract/)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')
GENERATED = {"storage/db/embedded_migrations.hpp"}


def source_files(root):
    for top in sorted(LAYERS | FREE):
        base = os.path.join(root, top)
        for folder, dirs, files in os.walk(base):
            dirs[:] = [d for d in dirs if d not in ("node_modules", "upward_fixture")]
            for name in files:
                if name.endswith((".hpp", ".cpp", ".h")):
                    yield os.path.relpath(os.path.join(folder, name), root)


def violations(root):
    for path in source_files(root):
        layer = path.split("/")[0]
        with open(os.path.join(root, path), encoding="utf-8") as source:
            for number, line in enumerate(source, 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                quote, target = match.groups()
                where = f"{path}:{number}"
                if quote == '"':
                    if not os.path.isfile(os.path.join(root, target)) and target not in GENERATED:
                        yield f"{where}: \"{target}\" is not a path from the repository root"
                        continue
                    target_layer = target.split("/")[0]
                    if layer in ALLOWED and target_layer in LAYERS and target_layer not in ALLOWED[layer]:
                        yield f"{where}: {layer}/ may not include {target} (layer {target_layer} is above it)"
                elif PURE.match(path) and FRAMEWORK.match(target):
                    yield f"{where}: pure code may not include <{target}>"


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    found = list(violations(root))
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} layer violation(s) in {root}", file=sys.stderr)
        return 1
    print(f"layers clean in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
