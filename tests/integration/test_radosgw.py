"""The radosgw fixture (radosgw.py): a real Ceph radosgw on 127.0.0.1 that checks SigV4 the
way S3 does. Signs with its own tiny SigV4 signer (standard library only), independent of
the fixture's, so it also proves that signer against real S3 signature checking.

    /usr/bin/python3 -W ignore tests/integration/test_radosgw.py
"""
import datetime
import hashlib
import hmac
import http.client
import os
import secrets
import sys
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from radosgw import RadosGW  # noqa: E402

UNSIGNED = "UNSIGNED-PAYLOAD"


def quote(text, safe="-_.~"):
    return urllib.parse.quote(str(text), safe=safe)


def canonical_query(query):
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in sorted(query.items()))


def signing_key(secret, day, region):
    key = ("AWS4" + secret).encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signature(secret, day, region, amz_date, canonical_request):
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical_request.encode()).hexdigest()])
    return hmac.new(signing_key(secret, day, region), to_sign.encode(), hashlib.sha256).hexdigest()


def signed_headers(method, host, path, body, access_key, secret_key, region, payload_hash=None, when=None):
    """Headers of a header-signed SigV4 request; x-amz-content-sha256 is the body's real
    sha256 unless payload_hash says otherwise."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = when.strftime("%Y%m%dT%H%M%SZ"), when.strftime("%Y%m%d")
    headers = {"host": host, "x-amz-date": amz_date,
               "x-amz-content-sha256": payload_hash or hashlib.sha256(body).hexdigest()}
    names = ";".join(sorted(headers))
    canonical = "\n".join([method, quote(path, safe="/-_.~"), "",
                           "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), names,
                           headers["x-amz-content-sha256"]])
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{day}/{region}/s3/aws4_request, "
        f"SignedHeaders={names}, Signature={signature(secret_key, day, region, amz_date, canonical)}")
    return headers


def presigned_query(method, host, path, access_key, secret_key, region, expires=60, when=None):
    """The query parameters of a presigned URL (only host signed, unsigned payload)."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = when.strftime("%Y%m%dT%H%M%SZ"), when.strftime("%Y%m%d")
    query = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256",
             "X-Amz-Credential": f"{access_key}/{day}/{region}/s3/aws4_request",
             "X-Amz-Date": amz_date, "X-Amz-Expires": str(expires), "X-Amz-SignedHeaders": "host"}
    canonical = "\n".join([method, quote(path, safe="/-_.~"), canonical_query(query), f"host:{host}\n", "host",
                           UNSIGNED])
    query["X-Amz-Signature"] = signature(secret_key, day, region, amz_date, canonical)
    return query


def error_code(body):
    try:
        return ElementTree.fromstring(body).findtext("Code") or ""
    except ElementTree.ParseError:
        return ""


class RadosGWTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = RadosGW()
        cls.addClassCleanup(cls.s3.stop)
        cls.s3.start()
        print(f"\nceph mon + memstore osd + radosgw started in {cls.s3.start_seconds:.2f} s "
              f"at {cls.s3.endpoint}", file=sys.stderr)
        cls.host = f"{cls.s3.host}:{cls.s3.port}"
        cls.bucket = cls.s3.create_bucket("roomrec-test-" + secrets.token_hex(4))
        cls.earlier = ("earlier.bin", secrets.token_bytes(3000))
        status, body = cls.put("/%s/%s" % (cls.bucket, cls.earlier[0]), cls.earlier[1])
        if status != 200:
            raise AssertionError(f"PUT of the earlier object: HTTP {status} {body[:300]!r}")

    @classmethod
    def request(cls, method, target, body=b"", headers=None):
        connection = http.client.HTTPConnection(cls.s3.host, cls.s3.port, timeout=30)
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    @classmethod
    def put(cls, path, body, secret_key=None, payload_hash=None):
        headers = signed_headers("PUT", cls.host, path, body, cls.s3.access_key, secret_key or cls.s3.secret_key,
                                 cls.s3.region, payload_hash=payload_hash)
        return cls.request("PUT", quote(path, safe="/-_.~"), body, headers)

    @classmethod
    def get(cls, path):
        headers = signed_headers("GET", cls.host, path, b"", cls.s3.access_key, cls.s3.secret_key, cls.s3.region)
        return cls.request("GET", quote(path, safe="/-_.~"), headers=headers)

    def assertRefused(self, status, body, statuses=(403,), codes=None):
        self.assertIn(status, statuses, f"expected a refusal, got HTTP {status} {body[:300]!r}")
        if codes:
            self.assertIn(error_code(body), codes, body[:300])

    def assertAbsent(self, path):
        status, body = self.get(path)
        self.assertEqual(status, 404, f"{path} should not exist: HTTP {status} {body[:200]!r}")

    def test_1_signed_put_then_get(self):
        path = f"/{self.bucket}/clip.mp4"
        data = secrets.token_bytes(100_000)
        status, body = self.put(path, data)
        self.assertEqual(status, 200, body[:300])
        status, body = self.get(path)
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(body, data)
        self.assertEqual(self.s3.get_object(self.bucket, "clip.mp4"), data)  # the fixture's signer too

    def test_2_wrong_secret_refused(self):
        path = f"/{self.bucket}/wrong-secret.bin"
        secret = self.s3.secret_key
        wrong = secret[:-1] + ("y" if secret.endswith("x") else "x")  # last character changed
        self.assertNotEqual(wrong, secret)
        status, body = self.put(path, b"payload", secret_key=wrong)
        self.assertRefused(status, body, codes=("SignatureDoesNotMatch",))
        self.assertAbsent(path)

    def test_3_wrong_payload_hash_refused(self):
        path = f"/{self.bucket}/wrong-hash.bin"
        status, body = self.put(path, b"the real body", payload_hash=hashlib.sha256(b"another body").hexdigest())
        self.assertRefused(status, body, statuses=(400, 403), codes=("XAmzContentSHA256Mismatch",))
        self.assertAbsent(path)

    def test_4_anonymous_put_refused(self):
        path = f"/{self.bucket}/anonymous.bin"
        status, body = self.request("PUT", path, b"payload", {"Content-Type": "application/octet-stream"})
        self.assertRefused(status, body, codes=("AccessDenied",))
        self.assertAbsent(path)

    def test_5_presigned_get(self):
        path = f"/{self.bucket}/{self.earlier[0]}"
        args = ("GET", self.host, path, self.s3.access_key, self.s3.secret_key, self.s3.region)
        status, body = self.request("GET", f"{path}?{canonical_query(presigned_query(*args))}")
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(body, self.earlier[1])
        # Signed 2 h ago, valid for 60 s: expired.
        past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
        expired = presigned_query(*args, expires=60, when=past)
        status, body = self.request("GET", f"{path}?{canonical_query(expired)}")
        self.assertRefused(status, body, codes=("AccessDenied",))
        # Control: signed at the same time but valid for 3 h, so the refusal above is the expiry.
        valid = presigned_query(*args, expires=3 * 3600, when=past)
        status, body = self.request("GET", f"{path}?{canonical_query(valid)}")
        self.assertEqual(status, 200, body[:300])
        # One hex digit of the signature changed.
        query = presigned_query(*args)
        digit = query["X-Amz-Signature"][10]
        query["X-Amz-Signature"] = query["X-Amz-Signature"][:10] + ("0" if digit != "0" else "1") + \
            query["X-Amz-Signature"][11:]
        status, body = self.request("GET", f"{path}?{canonical_query(query)}")
        self.assertRefused(status, body, codes=("SignatureDoesNotMatch",))

    def test_6_restart_rgw_keeps_objects(self):
        path = f"/{self.bucket}/before-restart.bin"
        data = secrets.token_bytes(5000)
        self.assertEqual(self.put(path, data)[0], 200)
        began = time.monotonic()
        self.s3.stop_rgw()
        self.assertFalse(self.s3.rgw_running())
        with self.assertRaises(OSError):
            self.request("GET", "/")
        self.s3.start_rgw()
        print(f"\nradosgw restarted in {time.monotonic() - began:.2f} s", file=sys.stderr)
        self.assertEqual(self.get(path), (200, data))
        self.assertEqual(self.get(f"/{self.bucket}/{self.earlier[0]}"), (200, self.earlier[1]))
        # A crash (SIGKILL) and restart on the same port too.
        self.s3.stop_rgw(kill=True)
        self.s3.start_rgw()
        self.assertEqual(self.get(path), (200, data))


if __name__ == "__main__":
    unittest.main(verbosity=2)
