"""S3 upload of recordings (S2) through roomrec-s3 against a real radosgw (radosgw.py):
multipart and single PUT with per-request payload hashes, awkward keys, presigned GET links and
their expiry, permanent vs retryable failures, and an upload resumed after SIGKILL and a
radosgw restart without sending the stored parts again.

    ROOMREC_S3_CLI=build/storage/s3/roomrec-s3 /usr/bin/python3 -W ignore tests/integration/test_s3_upload.py
"""
import hashlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from radosgw import RadosGW  # noqa: E402

CLI = os.environ.get("ROOMREC_S3_CLI") or os.path.join(HERE, "..", "..", "build", "storage", "s3", "roomrec-s3")
MiB = 1 << 20
PART = 5 * MiB
SENT = re.compile(r"part (\d+)/(\d+) sent")


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MiB), b""):
            digest.update(block)
    return digest.hexdigest()


def sent_parts(stderr):
    return [int(m.group(1)) for m in SENT.finditer(stderr)]


class S3UploadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(CLI, os.X_OK):
            raise AssertionError(f"{CLI} not built (or set ROOMREC_S3_CLI)")
        cls.s3 = RadosGW()
        cls.addClassCleanup(cls.s3.stop)
        cls.s3.start()
        cls.bucket = cls.s3.create_bucket("roomrec-" + secrets.token_hex(4))
        cls.folder = tempfile.mkdtemp(prefix="rrt-s3-")
        cls.addClassCleanup(lambda: subprocess.run(["rm", "-rf", cls.folder]))

    # -- helpers -----------------------------------------------------------------------------

    def make_file(self, name, size):
        path = os.path.join(self.folder, name)
        with open(path, "wb") as f:
            left = size
            while left:
                block = os.urandom(min(left, MiB))
                f.write(block)
                left -= len(block)
        return path

    def command(self, *args, secret=None):
        env = dict(os.environ, ROOMREC_S3_ACCESS_KEY=self.s3.access_key,
                   ROOMREC_S3_SECRET_KEY=secret or self.s3.secret_key)
        return [CLI, *args], env

    def cli(self, *args, secret=None, timeout=120):
        argv, env = self.command(*args, secret=secret)
        result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
        self.assertNoSecret(result.stdout + result.stderr, secret)
        return result

    def assertNoSecret(self, text, secret=None):
        for key in filter(None, (self.s3.secret_key, secret)):
            self.assertNotIn(key, text)

    def upload_args(self, key, path, *more, part_size=PART, endpoint=None):
        return ("upload", "--endpoint", endpoint or self.s3.endpoint, "--bucket", self.bucket, "--region", self.s3.region,
                "--key", key, "--file", path, "--part-size", str(part_size), *more)

    def upload(self, key, path, *more, **kwargs):
        result = self.cli(*self.upload_args(key, path, *more), **kwargs)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def head(self, key):
        status, headers, _ = self.s3.request("HEAD", f"/{self.bucket}/{key}")
        return status, {k.lower(): v for k, v in headers.items()}

    def assertStored(self, key, path):
        body = self.s3.get_object(self.bucket, key)
        self.assertEqual(len(body), os.path.getsize(path))
        self.assertEqual(hashlib.sha256(body).hexdigest(), sha256_file(path))

    def pending_uploads(self):
        status, _, body = self.s3.request("GET", f"/{self.bucket}", query={"uploads": ""})
        self.assertEqual(status, 200, body[:300])
        root = ElementTree.fromstring(body)
        return [e.text for e in root.iter() if e.tag.endswith("}Key") or e.tag == "Key"]

    def presign(self, key, expires):
        result = self.cli("presign", "--endpoint", self.s3.endpoint, "--bucket", self.bucket, "--region",
                          self.s3.region, "--key", key, "--expires", str(expires))
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def fetch(self, url):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def wait_for_parts(self, path, count, process, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.assertIsNone(process.poll(), "the upload ended before it could be interrupted")
            try:
                with open(path) as f:
                    if len(json.load(f)["parts"]) >= count:
                        return
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        self.fail(f"the progress file never showed {count} parts")

    # -- tests -------------------------------------------------------------------------------

    def test_01_multipart_upload(self):
        path = self.make_file("multipart.mp4", 20 * MiB + 12345)
        digest = sha256_file(path)
        key = "Rec - 2026-11-24 10-00-00 - Weekly.mp4"
        result = self.upload(key, path, "--meta", "sha256=" + digest, "--meta", "room=weekly")
        self.assertEqual(sent_parts(result.stderr), [1, 2, 3, 4, 5], result.stderr)
        self.assertIn("(12345 bytes)", result.stderr)  # the smaller last part
        self.assertStored(key, path)
        status, headers = self.head(key)
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("x-amz-meta-sha256"), digest)
        self.assertEqual(headers.get("x-amz-meta-room"), "weekly")
        self.assertEqual(headers.get("content-type"), "video/mp4")
        self.assertTrue(headers.get("etag", "").endswith('-5"'), headers.get("etag"))  # 5 parts

    def test_02_small_file_single_put(self):
        path = self.make_file("small.mp4", 300_000)
        result = self.upload("small.mp4", path)
        self.assertIn("single PUT", result.stderr)
        self.assertEqual(sent_parts(result.stderr), [])
        self.assertStored("small.mp4", path)
        status, headers = self.head("small.mp4")
        self.assertNotIn("-", headers.get("etag", "-"))  # not a multipart object
        empty = self.make_file("empty.mp4", 0)
        self.upload("empty.mp4", empty)
        self.assertEqual(self.s3.get_object(self.bucket, "empty.mp4"), b"")

    def test_03_awkward_keys(self):
        path = self.make_file("awkward.mp4", 70_000)
        big = self.make_file("awkward-big.mp4", 6 * MiB)
        for key, source in (("Réunion + Q&A 2026 = 100% ünïcödé.mp4", path),
                            ("dir/sub dir/a+b&c=d?e#f.mp4", path),
                            ("Rec – 2026 日本 + multipart & more.mp4", big)):
            self.upload(key, source)
            self.assertStored(key, source)
            status, body = self.fetch(self.presign(key, 60))
            self.assertEqual(status, 200, body[:300])
            self.assertEqual(hashlib.sha256(body).hexdigest(), sha256_file(source))
        # With a key prefix.
        self.upload("in folder.mp4", path, "--prefix", "rooms/weekly/")
        self.assertStored("rooms/weekly/in folder.mp4", path)

    def test_04_presigned_get_and_expiry(self):
        path = self.make_file("shared.mp4", 50_000)
        key = "shared link.mp4"
        self.upload(key, path)
        url = self.presign(key, 3600)
        status, body = self.fetch(url)
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(body).hexdigest(), sha256_file(path))
        # One hex digit of the signature changed.
        head, signature = url.rsplit("X-Amz-Signature=", 1)
        tampered = head + "X-Amz-Signature=" + signature[:5] + ("0" if signature[5] != "0" else "1") + signature[6:]
        self.assertEqual(self.fetch(tampered)[0], 403)
        # Another key under the same signature.
        self.assertEqual(self.fetch(url.replace("shared%20link", "shared%20linkx"))[0], 403)
        short = self.presign(key, 5)  # X-Amz-Date has whole seconds: valid for 4-5 s from now
        self.assertEqual(self.fetch(short)[0], 200)
        time.sleep(6.5)
        self.assertEqual(self.fetch(short)[0], 403)  # expired
        # Out-of-range expiry and bad keys are usage errors.
        for expires in ("0", "604801", "-5", "soon"):
            result = self.cli("presign", "--endpoint", self.s3.endpoint, "--bucket", self.bucket, "--key", key,
                              "--expires", expires)
            self.assertEqual(result.returncode, 1, expires)

    def test_05_wrong_secret_is_permanent(self):
        secret = self.s3.secret_key
        wrong = secret[:-1] + ("y" if secret.endswith("x") else "x")
        for name, size in (("denied-small.mp4", 10_000), ("denied-big.mp4", 11 * MiB)):
            path = self.make_file(name, size)
            result = self.cli(*self.upload_args(name, path), secret=wrong)
            self.assertEqual(result.returncode, 3, result.stderr)
            self.assertIn("SignatureDoesNotMatch", result.stderr)
            self.assertEqual(self.head(name)[0], 404)
            self.assertNotIn(name, self.pending_uploads())

    def test_06_bad_input_is_refused_clearly(self):
        path = self.make_file("input.mp4", 1000)
        cases = [
            (("upload", "--bucket", self.bucket, "--key", "k", "--file", path), 1, "--endpoint"),
            (self.upload_args("k", path, part_size=MiB), 1, "--part-size"),
            (self.upload_args("k", path, "--bogus", "1"), 1, "unknown option"),
            (self.upload_args("k", os.path.join(self.folder, "missing.mp4")), 3, "No such file"),
            (self.upload_args("k", self.folder), 3, "not a regular file"),
            (self.upload_args("", path), 3, "object key"),
            (self.upload_args("bad\nkey", path), 3, "object key"),
            (self.upload_args("k", path, "--meta", "Bad Name=x"), 3, "metadata name"),
            (self.upload_args("k", path, "--meta", "ok=line\r\nInjected: 1"), 3, "printable ASCII"),
            (("upload", "--endpoint", "ftp://127.0.0.1", "--bucket", self.bucket, "--key", "k", "--file", path),
             3, "scheme"),
            (("upload", "--endpoint", self.s3.endpoint, "--bucket", "no-such-bucket-" + secrets.token_hex(3),
              "--key", "k", "--file", path), 3, "NoSuchBucket"),
        ]
        for args, status, message in cases:
            result = self.cli(*args)
            self.assertEqual(result.returncode, status, f"{args}: {result.stderr}")
            self.assertIn(message, result.stderr, args)
        argv, env = self.command(*self.upload_args("k", path))
        del env["ROOMREC_S3_SECRET_KEY"]
        result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 1)
        self.assertIn("ROOMREC_S3_SECRET_KEY", result.stderr)
        # A damaged progress file is an error, not silently a new upload.
        progress = os.path.join(self.folder, "damaged.json")
        with open(progress, "w") as f:
            f.write('{"upload_id": "x", "parts": "none"}')
        result = self.cli(*self.upload_args("k", path, "--progress", progress))
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("damaged.json", result.stderr)
        self.assertEqual(self.head("k")[0], 404)

    def test_07_radosgw_down_is_retryable(self):
        path = self.make_file("down.mp4", 6 * MiB)
        self.s3.stop_rgw(kill=True)
        try:
            began = time.monotonic()
            result = self.cli(*self.upload_args("down.mp4", path, "--connect-timeout-ms", "2000"), timeout=60)
            elapsed = time.monotonic() - began
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("retryable", result.stderr)
            self.assertLess(elapsed, 10, "a refused connection must fail fast, not hang")
        finally:
            self.s3.start_rgw()
        # A server that takes the connection and never answers: the low-speed limit ends it.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)  # never accepted: the kernel completes the handshakes, nobody answers
            began = time.monotonic()
            result = self.cli(*self.upload_args("down.mp4", path, "--low-speed-seconds", "2",
                                                endpoint="http://127.0.0.1:%d" % silent.getsockname()[1]), timeout=60)
            elapsed = time.monotonic() - began
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("Timeout", result.stderr)
        self.assertLess(elapsed, 10)

    def test_08_resume_after_kill_and_radosgw_restart(self):
        path = self.make_file("resume.mp4", 40 * MiB + 4321)
        progress = os.path.join(self.folder, "resume.json")
        key = "Rec - resumed.mp4"
        # Throttled so that it can be interrupted mid-way on loopback.
        argv, env = self.command(*self.upload_args(key, path, "--progress", progress, "--max-send-speed",
                                                   str(8 * MiB)))
        first = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
        try:
            self.wait_for_parts(progress, 2, first)
        finally:
            first.send_signal(signal.SIGKILL)
            first_log = first.communicate()[1]
        self.assertEqual(first.returncode, -signal.SIGKILL)
        with open(progress) as f:
            saved = json.load(f)
        done = {part["number"] for part in saved["parts"]}
        self.assertGreaterEqual(len(done), 2)
        self.assertLess(len(done), 9, first_log)
        self.s3.stop_rgw(kill=True)
        self.s3.start_rgw()
        second = self.cli(*self.upload_args(key, path, "--progress", progress))
        self.assertEqual(second.returncode, 0, second.stderr)
        print(f"\nkilled with parts {sorted(done)} saved; the rerun said:\n{second.stderr}", file=sys.stderr)
        resent = sent_parts(second.stderr)
        self.assertIn(f"{len(done)} of 9 parts already stored", second.stderr)
        self.assertFalse(done & set(resent), f"stored parts {sorted(done)} sent again: {second.stderr}")
        self.assertEqual(sorted(done | set(resent)), list(range(1, 10)), second.stderr)
        self.assertStored(key, path)
        self.assertFalse(os.path.exists(progress), "the progress file is removed once the upload is done")
        self.assertNotIn(key, self.pending_uploads())

    def test_09_aborted_upload_starts_over(self):
        path = self.make_file("aborted.mp4", 16 * MiB)
        progress = os.path.join(self.folder, "aborted.json")
        key = "Rec - aborted.mp4"
        argv, env = self.command(*self.upload_args(key, path, "--progress", progress, "--max-send-speed",
                                                   str(8 * MiB)))
        first = subprocess.Popen(argv, env=env, stderr=subprocess.DEVNULL)
        try:
            self.wait_for_parts(progress, 1, first)
        finally:
            first.kill()
            first.wait()
        with open(progress) as f:
            upload_id = json.load(f)["upload_id"]
        status, _, body = self.s3.request("DELETE", f"/{self.bucket}/{key}", query={"uploadId": upload_id})
        self.assertEqual(status, 204, body[:300])
        second = self.cli(*self.upload_args(key, path, "--progress", progress))
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertIn("is gone", second.stderr)
        self.assertEqual(sent_parts(second.stderr), [1, 2, 3, 4], second.stderr)
        self.assertStored(key, path)

    def test_10_completed_before_a_crash_is_not_sent_again(self):
        # A process that died after completing, before it could drop its progress: the rerun
        # finds the upload id gone and recognises the object by the ETag of exactly these parts.
        path = self.make_file("completed.mp4", 11 * MiB)
        key = "Rec - completed.mp4"
        self.upload(key, path)
        parts = []
        with open(path, "rb") as f:
            for number in (1, 2, 3):
                block = f.read(PART)
                parts.append({"number": number, "etag": '"%s"' % hashlib.md5(block).hexdigest(), "size": len(block)})
        progress = os.path.join(self.folder, "completed.json")
        saved = {"upload_id": "2~completed-" + secrets.token_hex(8), "file_size": 11 * MiB, "part_size": PART,
                 "parts": parts}
        with open(progress, "w") as f:
            json.dump(saved, f)
        result = self.upload(key, path, "--progress", progress)
        self.assertIn("already completed", result.stderr)
        self.assertEqual(sent_parts(result.stderr), [])
        # Control: another object under that key is not taken for it; the upload starts over.
        other = self.make_file("other.mp4", 11 * MiB)
        self.upload(key, other)
        with open(progress, "w") as f:
            json.dump(saved, f)
        result = self.upload(key, path, "--progress", progress)
        self.assertNotIn("already completed", result.stderr)
        self.assertEqual(sent_parts(result.stderr), [1, 2, 3], result.stderr)
        self.assertStored(key, path)


    def test_11_cancel_and_unsaved_progress_are_retryable(self):
        path = self.make_file("cancel.mp4", 16 * MiB)
        progress = os.path.join(self.folder, "cancel.json")
        key = "Rec - cancelled.mp4"
        # 2.5 s per part: a cancel that waited for the part to finish would show.
        argv, env = self.command(*self.upload_args(key, path, "--progress", progress, "--max-send-speed",
                                                   str(2 * MiB)))
        first = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
        try:
            self.wait_for_parts(progress, 1, first)
            first.send_signal(signal.SIGTERM)  # sets the cancel flag: polled during the transfer
            began = time.monotonic()
            log = first.communicate(timeout=20)[1]
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        self.assertLess(time.monotonic() - began, 1.5, "cancel must stop the part being sent, not wait for it")
        self.assertEqual(first.returncode, 2, log)
        self.assertIn("cancelled", log)
        self.assertNoSecret(log)
        second = self.upload(key, path, "--progress", progress)
        self.assertIn("resuming", second.stderr)
        self.assertNotIn(1, sent_parts(second.stderr))
        self.assertStored(key, path)
        # Progress that cannot be saved: stop (retryable) and leave no orphaned upload behind.
        result = self.cli(*self.upload_args("Rec - unsaved.mp4", path, "--progress",
                                            os.path.join(self.folder, "missing-folder", "p.json")))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("could not save the upload progress", result.stderr)
        self.assertNotIn("Rec - unsaved.mp4", self.pending_uploads())
        self.assertEqual(self.head("Rec - unsaved.mp4")[0], 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
