#!/usr/bin/env python3
"""S3 upload throughput (S2): roomrec-s3 (multipart, SHA-256 + MD5 of every part, signed
payload hashes) against `curl -T` of the same file (one PUT; UNSIGNED-PAYLOAD, and with the real
SHA-256 computed first by sha256sum, which radosgw then verifies) to a local radosgw (tests/integration/radosgw.py) over loopback. Wall time of each whole command,
median of --runs interleaved runs; MiB/s = file size / that time.

    ROOMREC_S3_CLI=build/storage/s3/roomrec-s3 bench/s3_upload_bench.py [--size-mib 256]
        [--part-size-mib 8 64] [--runs 3]

radosgw's memstore keeps objects (and deleted ones until its garbage collection) in RAM: the
fixture gets 6 GiB; keep size x runs modest.
"""
import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from radosgw import RadosGW  # noqa: E402

MiB = 1 << 20


def timed(argv, env, stdin=None):
    began = time.monotonic()
    result = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True)
    elapsed = time.monotonic() - began
    if result.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({result.returncode}): {result.stderr[-2000:]}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--part-size-mib", type=int, nargs="*", default=[8, 64])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = os.environ.get("ROOMREC_S3_CLI") or os.path.join(ROOT, "build", "storage", "s3", "roomrec-s3")
    size = args.size_mib * MiB

    with tempfile.TemporaryDirectory(prefix="rrt-s3-bench-") as folder, RadosGW(memstore_bytes=6 << 30) as s3:
        bucket = s3.create_bucket("bench")
        path = os.path.join(folder, "recording.mp4")
        with open(path, "wb") as f:
            for _ in range(args.size_mib):
                f.write(os.urandom(MiB))
        env = dict(os.environ, ROOMREC_S3_ACCESS_KEY=s3.access_key, ROOMREC_S3_SECRET_KEY=s3.secret_key)
        times = {}

        def check_and_delete(key):
            status, headers, _ = s3.request("HEAD", f"/{bucket}/{key}")
            length = int({k.lower(): v for k, v in headers.items()}.get("content-length", -1))
            if status != 200 or length != size:
                raise SystemExit(f"{key}: HTTP {status}, {length} bytes stored of {size}")
            s3.request("DELETE", f"/{bucket}/{key}")

        # The hashing pass alone (what roomrec-s3 does before sending each part), for reference.
        began = time.monotonic()
        with open(path, "rb") as f:
            sha, md5 = hashlib.sha256(), hashlib.md5()
            for block in iter(lambda: f.read(MiB), b""):
                sha.update(block)
                md5.update(block)
        hashing = time.monotonic() - began

        for run in range(args.runs):
            for part_mib in args.part_size_mib:
                key = f"roomrec-{part_mib}-{run}.mp4"
                label = f"roomrec-s3, {part_mib} MiB parts"
                times.setdefault(label, []).append(timed(
                    [cli, "upload", "--endpoint", s3.endpoint, "--bucket", bucket, "--region", s3.region,
                     "--key", key, "--file", path, "--part-size", str(part_mib * MiB)], env))
                check_and_delete(key)
            key = f"curl-{run}.mp4"
            # Credentials through stdin (-K -), not argv.
            times.setdefault("curl -T (one PUT, unsigned payload)", []).append(timed(
                ["curl", "-sS", "--fail", "-K", "-", "--aws-sigv4", f"aws:amz:{s3.region}:s3",
                 "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-T", path, f"{s3.endpoint}/{bucket}/{key}"],
                env, stdin=f'user = "{s3.access_key}:{s3.secret_key}"\n'))
            check_and_delete(key)
            # The same PUT with the body's real SHA-256 (what radosgw then checks), hashed first.
            key = f"curl-signed-{run}.mp4"
            began = time.monotonic()
            digest = subprocess.run(["sha256sum", path], capture_output=True, text=True, check=True).stdout.split()[0]
            elapsed = time.monotonic() - began
            times.setdefault("sha256sum, then curl -T (signed payload)", []).append(elapsed + timed(
                ["curl", "-sS", "--fail", "-K", "-", "--aws-sigv4", f"aws:amz:{s3.region}:s3",
                 "-H", f"x-amz-content-sha256: {digest}", "-T", path, f"{s3.endpoint}/{bucket}/{key}"],
                env, stdin=f'user = "{s3.access_key}:{s3.secret_key}"\n'))
            check_and_delete(key)

        print(f"{args.size_mib} MiB file, radosgw (memstore) on loopback, median of {args.runs} runs")
        print(f"{'client':42} {'seconds':>8} {'MiB/s':>8}   runs (s)")
        for label, values in times.items():
            median = statistics.median(values)
            print(f"{label:42} {median:8.2f} {args.size_mib / median:8.0f}   "
                  + " ".join(f"{v:.2f}" for v in values))
        print(f"{'(SHA-256 + MD5 of the file in Python)':42} {hashing:8.2f} {args.size_mib / hashing:8.0f}")


if __name__ == "__main__":
    main()
