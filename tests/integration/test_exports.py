"""Exports via email end to end (A9), on a real Postgres, a real SMTP sink (aiosmtpd) and the
link server, through roomrec-export-driver (the delivery worker with a test producer that
writes a known CSV): the mail and its headers, the link downloading the CSV byte for byte,
tampered and other-file links refused, expiry, an SMTP outage that delays but does not lose
the mail, a refused recipient, a refused report, SMTP over TLS (STARTTLS and smtps://, with a
login and a named CA; a wrong or missing login and certificates that must not verify delay the
mail without losing it or showing the password), and the recordings library's playback
endpoint (valid, expired, tampered, unknown file, rate limit).
"""
import email
import email.policy
import hashlib
import hmac
import json
import mailbox
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import http.client as http_client
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from postgres import DatabasePerTest, free_port  # noqa: E402
import harness  # noqa: E402
import smtp_sink  # noqa: E402

DRIVER = os.environ.get("ROOMREC_EXPORT_DRIVER") or os.path.join(
    HERE, "../../build/tests/integration/roomrec-export-driver")
SECRET = "links-secret-links-secret-links-secret-0123"
SMTP_USER = "roomrec-mailer"
SMTP_PASSWORD = "pw-Zq7-correct horse"
CSV = ("\ufeffUser Id,Name,Minutes\r\nu1,\"Ann, B\",12\r\nu2,Zoë,7\r\nu3,'=cmd',0\r\n").encode()


def http(method, url, body=None):
    """(status, headers, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sign(room, kind, name, expires, secret=SECRET, recording=None):
    text = f"v1\n{room}\n{kind}\n{name}\n{expires}" + (f"\n{recording}" if recording else "")
    text = text.encode()
    return hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()


class ExportsTest(DatabasePerTest):
    driver_path = DRIVER
    database_prefix = "exports"
    tls_folder = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tls_folder = tempfile.mkdtemp(prefix="rrt-exports-tls-")
        cls.tls = smtp_sink.make_certificates(cls.tls_folder)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tls_folder, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.folder = tempfile.mkdtemp(prefix="rrt-exports-")
        self.root = os.path.join(self.folder, "recordings")
        self.maildir = os.path.join(self.folder, "mail")
        os.makedirs(self.root)
        self.smtp_port = free_port()
        self.link_port = free_port()
        self.base = f"http://127.0.0.1:{self.link_port}"
        self.csv_path = os.path.join(self.folder, "known.csv")
        with open(self.csv_path, "wb") as out:
            out.write(CSV)
        self.sink = None
        self.driver = None
        self.lines = queue.Queue()
        self.output = []  # every line the drivers wrote, stdout and stderr

    def tearDown(self):
        if self.driver:
            try:
                self.stop_driver()
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.driver.kill()
                self.driver.wait()
        self.stop_sink()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- fixtures ------------------------------------------------------------------------
    def start_sink(self, *options):
        self.sink = smtp_sink.spawn(self.smtp_port, self.maildir, *options)

    def stop_sink(self):
        if self.sink:
            smtp_sink.stop(self.sink)
            self.sink = None

    def start_driver(self, ttl=7 * 24 * 3600, extra=(), smtp=True, scheme="smtp"):
        mail = ["--smtp-url", f"{scheme}://127.0.0.1:{self.smtp_port}/roomrec.test", "--from", "exports@roomrec.test"]
        self.driver = subprocess.Popen(
            [DRIVER, "serve", "--postgres", self.conninfo, "--root", self.root, "--node", "node-a", "--secret", SECRET,
             "--public-url", self.base, "--link-port", str(self.link_port), "--ttl", str(ttl),
             *(mail if smtp else []),
             "--csv", self.csv_path, "--first-delay-ms", "500", "--max-delay-ms", "2000", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_errors, args=(self.driver.stderr,), daemon=True).start()
        self.assertEqual(self.expect(r"^(ready|error.*)$", 30), "ready")

    def stop_driver(self):
        self.driver.stdin.write("quit\n")
        self.driver.stdin.flush()
        self.driver.wait(timeout=20)

    def _read(self):
        for line in self.driver.stdout:
            self.output.append(line)
            self.lines.put(line.rstrip("\n"))

    def _read_errors(self, stream):
        for line in stream:
            self.output.append(line)
            sys.stderr.write(line)

    def expect(self, pattern, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=max(0.05, deadline - time.time()))
            except queue.Empty:
                break
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no driver line matching {pattern!r} within {timeout} s")

    def request_export(self, room, to, report=None):
        self.driver.stdin.write(f"export {room} {to}" + (f" {json.dumps(report)}" if report else "") + "\n")
        self.driver.stdin.flush()
        line = self.expect(r"^(export|error) ")
        return line

    def export(self, room="room-1", to="alice@example.com"):
        line = self.request_export(room, to)
        self.assertTrue(line.startswith("export "), line)
        return line.split()[1]

    def messages(self):
        if not os.path.isdir(self.maildir):
            return []
        return [email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
                for message in mailbox.Maildir(self.maildir, create=False)]

    def wait_for_mail(self, count=1, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.messages()
            if len(found) >= count:
                return found
            time.sleep(0.1)
        last_error = self.sql("SELECT coalesce(string_agg(last_error, '; '), '') FROM outbox_jobs WHERE kind = 'email'")
        raise AssertionError(f"{count} mail(s) did not arrive within {timeout} s (last error: {last_error})")

    def sql(self, query):
        return self.pg.psql(query, database=self.database)

    def wait_for_sql(self, query, expected, timeout=30):
        harness.wait_for_sql(self.sql, query, expected, timeout)

    @staticmethod
    def link_of(message):
        text = message.get_body(preferencelist=("plain",)).get_content()
        found = re.search(r"(http://\S+)", text)
        assert found, text
        return found.group(1), text

    # -- exports -------------------------------------------------------------------------
    def test_mail_arrives_and_its_link_downloads_the_csv(self):
        self.start_sink()
        self.start_driver()
        export_id = self.export()
        self.assertRegex(export_id, r"^[0-9a-f]{32}$")
        [message] = self.wait_for_mail()
        # The header set: one sender, one recipient, nothing injected.
        self.assertEqual(message["From"], "exports@roomrec.test")
        self.assertEqual(message["To"], "alice@example.com")
        self.assertEqual(message["Subject"], "Your export of room room-1 is ready")
        self.assertRegex(message["Message-ID"], r"^<[0-9a-f]{32}@roomrec\.test>$")
        self.assertIsNotNone(email.utils.parsedate_to_datetime(message["Date"]))
        self.assertEqual(message["MIME-Version"], "1.0")
        self.assertEqual(message.get_content_type(), "text/plain")
        self.assertEqual(message.get_content_charset(), "utf-8")
        self.assertEqual(message["X-RcptTo"], "alice@example.com")
        self.assertIsNone(message["Bcc"])
        link, text = self.link_of(message)
        self.assertIn("(3 rows)", text)
        # The link is the documented format, signed as documented (HMAC computed here).
        found = re.fullmatch(re.escape(self.base) + r"/v1/files/room-1/exports/([0-9a-f]{32})\.csv\?expires=(\d+)&sig=([0-9a-f]{64})", link)
        self.assertIsNotNone(found, link)
        self.assertEqual(found.group(1), export_id)
        expires = int(found.group(2))
        self.assertAlmostEqual(expires, time.time() + 7 * 24 * 3600, delta=60)
        self.assertEqual(found.group(3), sign("room-1", "exports", export_id + ".csv", expires))
        status, headers, body = http("GET", link)
        self.assertEqual(status, 200)
        self.assertEqual(body, CSV)
        self.assertEqual(headers["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(headers["Content-Disposition"], f'attachment; filename="{export_id}.csv"')
        # The rows: the export sent, both jobs done; the file where the README says, mode 0640.
        self.wait_for_sql(f"SELECT state, storage, row_count, email FROM exports WHERE export_id = '{export_id}'",
                          "sent|local|3|alice@example.com")
        self.assertEqual(self.sql("SELECT kind || ':' || state FROM outbox_jobs ORDER BY kind"), "email:done\nexport:done")
        path = os.path.join(self.root, "room-1", "Exports", export_id + ".csv")
        self.assertEqual(oct(os.stat(path).st_mode & 0o777), "0o640")
        self.assertEqual(os.listdir(os.path.dirname(path)), [export_id + ".csv"])  # no temp file left

        # Refusals: one 403 body for every bad link; bad paths 404; other methods 405.
        forbidden = http("GET", link[:-1] + ("0" if link[-1] != "0" else "1"))
        self.assertEqual(forbidden[0], 403)
        other = os.path.join(self.root, "room-1", "Exports", "other.csv")
        shutil.copy(path, other)
        for bad in [link.replace(export_id + ".csv", "other.csv"),       # another file, same signature
                    link.replace("room-1", "room-2"),                      # another room
                    link.replace(f"expires={expires}", f"expires={expires + 3600}"),  # a later expiry
                    link.replace(f"sig={found.group(3)}", "sig=" + sign("room-1", "exports", export_id + ".csv",
                                                                           expires, "wrong-secret" * 3)),
                    link.split("&sig=")[0], link.split("?")[0]]:
            status, _, body = http("GET", bad)
            self.assertEqual((status, body), (403, forbidden[2]), bad)
        for bad in ["/v1/files/room-1/exports/..%2F..%2Fetc%2Fpasswd", "/v1/files/room-1/exports/.%2E",
                    "/v1/files/room-1/secret/a.csv", "/v1/files/room-1/exports/.hidden", "/v2/x", "/"]:
            self.assertEqual(http("GET", self.base + bad + f"?expires={expires}&sig=" + "0" * 64)[0], 404, bad)
        # A valid signature for a file that is not there, and for a symbolic link inside the root.
        self.assertEqual(http("GET", f"{self.base}/v1/files/room-1/exports/gone.csv?expires={expires}&sig="
                              + sign("room-1", "exports", "gone.csv", expires))[0], 404)
        os.symlink("/etc/passwd", os.path.join(self.root, "room-1", "Exports", "link.csv"))
        self.assertEqual(http("GET", f"{self.base}/v1/files/room-1/exports/link.csv?expires={expires}&sig="
                              + sign("room-1", "exports", "link.csv", expires))[0], 404)
        self.assertEqual(http("POST", link, b"{}")[0], 405)
        self.assertEqual(http("DELETE", link)[0], 405)

    def test_the_link_fails_after_its_expiry(self):
        self.start_sink()
        self.start_driver(ttl=6)  # the first download is well inside it, also on a slow machine
        self.export()
        [message] = self.wait_for_mail()
        link, _ = self.link_of(message)
        self.assertEqual(http("GET", link)[0], 200)
        expires = int(re.search(r"expires=(\d+)", link).group(1))
        time.sleep(max(0, expires + 1.2 - time.time()))
        self.assertEqual(http("GET", link)[0], 403)

    def test_an_smtp_outage_delays_the_mail_but_does_not_lose_it(self):
        # A 20 s link and a 30 s outage: the link is signed when the mail goes, so it still works.
        self.start_driver(ttl=20)  # no SMTP server yet
        export_id = self.export()
        time.sleep(30)
        self.assertEqual(self.messages(), [])
        # Pending between its tries (a sample may fall in one).
        self.wait_for_sql("SELECT state, attempts > 3, last_error LIKE '%SMTP%' FROM outbox_jobs WHERE kind = 'email'",
                          "pending|t|t", timeout=10)
        self.assertEqual(self.sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'"), "stored")
        started = time.time()
        self.start_sink()
        [message] = self.wait_for_mail(timeout=30)
        delay = time.time() - started
        self.assertLess(delay, 10)  # the backoff is capped at 2 s in this test
        self.assertEqual(message["To"], "alice@example.com")
        self.wait_for_sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'", "sent")
        link, _ = self.link_of(message)
        expires = int(re.search(r"expires=(\d+)", link).group(1))
        self.assertAlmostEqual(expires, time.time() + 20, delta=8)
        self.assertEqual(http("GET", link)[0], 200)
        self.assertEqual(self.sql(f"SELECT extract(epoch FROM link_expires_at)::bigint FROM exports "
                                  f"WHERE export_id = '{export_id}'"), str(expires))
        print(f"\nmail delivered {delay:.1f} s after the SMTP server came back", file=sys.stderr)

    def test_a_node_without_smtp_keeps_the_mail_for_one_that_has_it(self):
        self.start_sink()
        self.start_driver(smtp=False)
        export_id = self.export()
        self.wait_for_sql("SELECT state, attempts > 1 FROM outbox_jobs WHERE kind = 'email'", "pending|t")
        self.assertIn("SMTP is not configured", self.sql("SELECT last_error FROM outbox_jobs WHERE kind = 'email'"))
        self.assertEqual(self.sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'"), "stored")
        self.stop_driver()
        self.start_driver()  # the same node, now with SMTP: the mail goes
        [message] = self.wait_for_mail(timeout=30)
        link, _ = self.link_of(message)
        self.assertEqual(http("GET", link)[0], 200)
        self.wait_for_sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'", "sent")

    def test_expired_exports_are_swept(self):
        self.start_sink()
        self.start_driver(ttl=5, extra=("--sweep-interval", "1", "--keep-after-expiry", "1"))
        export_id = self.export()
        [message] = self.wait_for_mail()
        path = os.path.join(self.root, "room-1", "Exports", export_id + ".csv")
        self.assertTrue(os.path.exists(path))
        self.wait_for_sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'", "sent")
        # Link expiry (5 s) + 1 s kept + a 1 s sweep: the CSV goes, the row says expired.
        self.wait_for_sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'", "expired", timeout=20)
        self.assertFalse(os.path.exists(path))
        self.assertEqual(self.sql(f"SELECT now() > link_expires_at + interval '1 second' FROM exports "
                                  f"WHERE export_id = '{export_id}'"), "t")

    def test_a_refused_recipient_fails_the_job(self):
        self.start_sink()
        self.start_driver()
        export_id = self.export(to="refused-user@example.com")
        notice = self.expect(r"^notice delivery_failed ", 30)
        details = json.loads(notice.split(" ", 2)[2])
        self.assertEqual(details["kind"], "email")
        self.assertIn("550", details["error"])
        self.assertEqual(self.sql("SELECT state FROM outbox_jobs WHERE kind = 'email'"), "failed")
        self.wait_for_sql(f"SELECT state, error LIKE '%550%' FROM exports WHERE export_id = '{export_id}'", "failed|t")
        self.assertEqual(self.messages(), [])

    def test_required_starttls_without_tls_waits(self):
        # The sink offers no STARTTLS: with starttls = required the mail is not sent in clear
        # text; the job is retried (a configuration to fix), not failed.
        self.start_sink()
        self.start_driver(extra=("--starttls", "required"))
        export_id = self.export()
        self.wait_for_sql("SELECT state, attempts > 1 FROM outbox_jobs WHERE kind = 'email'", "pending|t")
        self.assertIn("STARTTLS not supported", self.sql("SELECT last_error FROM outbox_jobs WHERE kind = 'email'"))
        self.assertEqual(self.messages(), [])
        self.assertEqual(self.sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'"), "stored")

    # -- SMTP over TLS ---------------------------------------------------------------------
    def tls_sink(self, mode="--starttls", cert="cert", key="key"):
        self.start_sink(mode, self.tls[cert], self.tls[key], "--login", f"{SMTP_USER}:{SMTP_PASSWORD}")

    def tls_driver(self, password=SMTP_PASSWORD, ca="ca", scheme="smtp"):
        login = ("--smtp-user", SMTP_USER, "--smtp-password", password) if password else ()
        self.start_driver(scheme=scheme, extra=("--starttls", "required", *login,
                                                *(("--smtp-ca", self.tls[ca]) if ca else ())))

    def assert_mailed_over_tls(self, export_id):
        [message] = self.wait_for_mail()
        self.assertRegex(message["X-Sink-TLS"], r"^TLSv1\.[23]$")
        self.assertEqual(message["X-Sink-Login"], SMTP_USER)
        self.assertEqual(message["To"], "alice@example.com")
        self.wait_for_sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'", "sent")

    def wait_for_retry(self, export_id, error, after=0):
        """The mail job is retried (attempt `after` + 2 at least) for `error`; nothing is sent."""
        self.wait_for_sql(f"SELECT state, attempts > {after + 1}, strpos(last_error, '{error}') > 0 FROM outbox_jobs"
                          " WHERE kind = 'email'", "pending|t|t")
        self.assertEqual(self.messages(), [])
        self.assertEqual(self.sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'"), "stored")
        return int(self.sql("SELECT attempts FROM outbox_jobs WHERE kind = 'email'"))

    def test_starttls_with_a_login_and_a_named_ca(self):
        self.tls_sink()
        self.tls_driver()
        self.assert_mailed_over_tls(self.export())

    def test_smtps_with_a_login(self):
        self.tls_sink("--smtps")
        self.tls_driver(scheme="smtps")
        self.assert_mailed_over_tls(self.export())

    def test_a_wrong_or_missing_login_delays_the_mail_and_is_never_shown(self):
        # A login the server requires (530) or refuses (535) is our configuration: retried, not failed.
        wrong = "pw-Wr0ng-battery staple"
        self.tls_sink()
        self.tls_driver(password=None)
        export_id = self.export()
        attempts = self.wait_for_retry(export_id, "(reply 530)")
        self.stop_driver()
        self.tls_driver(password=wrong)
        self.wait_for_retry(export_id, "Login denied (reply 535)", attempts)
        self.stop_driver()
        self.tls_driver()  # the configuration fixed: the same mail goes
        self.assert_mailed_over_tls(export_id)
        rows = self.sql("SELECT o::text FROM outbox_jobs o") + self.sql("SELECT e::text FROM exports e")
        for password in (wrong, SMTP_PASSWORD):
            self.assertNotIn(password, rows)
            self.assertNotIn(password, "".join(self.output))
        self.assertIn("ready\n", self.output)  # the output was read

    def test_certificates_that_do_not_verify_delay_the_mail(self):
        # Signed by our CA, but the system's CAs are asked (no --smtp-ca).
        self.tls_sink()
        self.tls_driver(ca=None)
        export_id = self.export()
        attempts = self.wait_for_retry(export_id, "unable to get local issuer certificate")
        # --smtp-ca names our CA; the server shows a certificate another CA signed.
        self.stop_driver()
        self.stop_sink()
        self.tls_sink(cert="rogue_cert", key="rogue_key")
        self.tls_driver()
        attempts = self.wait_for_retry(export_id, "unable to get local issuer certificate", attempts)
        # Our CA signed it, for another host name than 127.0.0.1.
        self.stop_sink()
        self.tls_sink(cert="other_host_cert", key="other_host_key")
        self.wait_for_retry(export_id, "no alternative certificate subject name matches", attempts)
        # The right certificate: the mail that waited goes.
        self.stop_sink()
        self.tls_sink()
        self.assert_mailed_over_tls(export_id)

    def test_refused_requests(self):
        self.start_sink()
        self.start_driver()
        for to, why in [("a@b.example,c@d.example", "only one email address"),
                        ("Eve<eve@example.com>", "bare address"),
                        ("eve@example.com%0ABcc:x@y.z", "bare address"),
                        ("eve@exa_mple.com", "host name")]:
            line = self.request_export("room-1", to)
            self.assertTrue(line.startswith("error export email:") and why in line, line)
        self.assertTrue(self.request_export("room/1", "alice@example.com").startswith("error export room:"))
        self.assertEqual(self.sql("SELECT count(*) FROM exports"), "0")
        # A report the producer refuses: the export fails for good, no mail.
        export_id = self.export_with({"refuse": True})
        self.expect(r"^notice delivery_failed .*\"kind\":\"export\"", 30)
        self.wait_for_sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'", "failed")
        self.assertEqual(self.sql("SELECT count(*) FROM outbox_jobs WHERE kind = 'email'"), "0")

    def export_with(self, report):
        line = self.request_export("room-1", "alice@example.com", report)
        self.assertTrue(line.startswith("export "), line)
        return line.split()[1]

    # -- recordings-library playback -----------------------------------------------------
    def playback(self, **fields):
        return http("POST", self.base + "/v1/playback", json.dumps(fields).encode())

    def test_playback_reports(self):
        self.start_driver()
        folder = os.path.join(self.root, "room-1", "Recordings")
        os.makedirs(folder)
        with open(os.path.join(folder, "rec-1.mp4"), "wb") as out:
            out.write(b"\0" * 1000)
        expires = int(time.time()) + 3600
        link = dict(room="room-1", recording="rec1", file="rec-1.mp4", expires=expires,
                    sig=sign("room-1", "recordings", "rec-1.mp4", expires, recording="rec1"))
        status, _, body = self.playback(**link, viewer="v1", event="impression")
        self.assertEqual(status, 200, body)
        self.assertIn('"kind":"playback.impression"', self.expect(r"^playback "))
        self.assertEqual(self.playback(**link, viewer="v1", event="play", play="p1", position_ms=0,
                                       duration_ms=100000)[0], 200)
        self.expect(r"^playback .*\"kind\":\"playback.play\"")
        status, _, body = self.playback(**link, viewer="v1", event="progress", play="p1", position_ms=10000,
                                        duration_ms=100000)
        self.assertEqual(status, 200)
        # 0 → 10 s of 100 s: buckets 0-9 watched (the edge bucket 10 only once reached past it).
        reported = json.loads(self.expect(r"^playback .*progress").split(" ", 1)[1])
        self.assertEqual((reported["buckets"], reported["watched_ms"], reported["viewer"], reported["room"]),
                         (json.loads(body)["buckets"], 10000, "v1", "room-1"))
        status, _, _ = self.playback(**link, viewer="v1", event="seek", play="p1", from_ms=10000, position_ms=90000,
                                     duration_ms=100000)
        self.assertEqual(status, 200)
        seek = json.loads(self.expect(r"^playback .*seek").split(" ", 1)[1])
        self.assertEqual((seek["from_ms"], seek["position_ms"]), (10000, 90000))
        # Refusals: the same 403 for expired and tampered links; 404 for a file that is gone.
        old = int(time.time()) - 10
        expired = dict(link, expires=old, sig=sign("room-1", "recordings", "rec-1.mp4", old, recording="rec1"))
        self.assertEqual(self.playback(**expired, viewer="v2", event="impression")[0], 403)
        self.assertEqual(self.playback(**dict(link, sig="0" * 64), viewer="v2", event="impression")[0], 403)
        self.assertEqual(self.playback(**dict(link, file="rec-2.mp4"), viewer="v2", event="impression")[0], 403)
        gone = dict(link, file="rec-2.mp4", sig=sign("room-1", "recordings", "rec-2.mp4", expires, recording="rec1"))
        self.assertEqual(self.playback(**gone, viewer="v2", event="impression")[0], 404)
        # The recording id is signed: a link to rec1 cannot report for rec2, nor a link naming none.
        self.assertEqual(self.playback(**dict(link, recording="rec2"), viewer="v2", event="impression")[0], 403)
        unnamed = dict(link, sig=sign("room-1", "recordings", "rec-1.mp4", expires))
        self.assertEqual(self.playback(**unnamed, viewer="v2", event="impression")[0], 403)
        # The download URL carries the signed recording too.
        status, _, body = http("GET", f"{self.base}/v1/files/room-1/recordings/rec-1.mp4?expires={expires}"
                                      f"&recording=rec1&sig={link['sig']}")
        self.assertEqual((status, len(body)), (200, 1000))
        self.assertEqual(http("GET", f"{self.base}/v1/files/room-1/recordings/rec-1.mp4?expires={expires}"
                                     f"&recording=rec2&sig={link['sig']}")[0], 403)
        # Bad bodies: 400; oversized: 413.
        self.assertEqual(self.playback(**link, viewer="v 2", event="impression")[0], 400)
        self.assertEqual(self.playback(**link, viewer="v2", event="like")[0], 400)
        self.assertEqual(self.playback(**link, viewer="v2", event="progress", play="p", position_ms=-1,
                                       duration_ms=1)[0], 400)
        self.assertEqual(self.playback(**link, viewer="v2", event="progress", play="p", position_ms=5000,
                                       duration_ms=1000)[0], 400)  # past the end
        self.assertEqual(http("POST", self.base + "/v1/playback", b"not json")[0], 400)
        self.assertEqual(http("POST", self.base + "/v1/playback", b"{" + b" " * 5000 + b"}")[0], 413)
        # A chunked body past 4 KiB: the connection is closed without reading on (no 200, no hang).
        import socket
        with socket.create_connection(("127.0.0.1", self.link_port), timeout=10) as raw:
            raw.sendall(b"POST /v1/playback HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            closed = False
            try:
                for _ in range(64):  # up to 64 KiB, far past the limit
                    raw.sendall(b"400\r\n" + b" " * 1024 + b"\r\n")
                    time.sleep(0.005)
            except (BrokenPipeError, ConnectionResetError):
                closed = True
            if not closed:
                try:
                    closed = raw.recv(4096) == b""
                except ConnectionResetError:
                    closed = True
            self.assertTrue(closed)
        self.assertEqual(http("GET", self.base + "/v1/playback")[0], 405)
        # At most 16 connections from one address: the 17th is closed at once.
        import socket
        held = [socket.create_connection(("127.0.0.1", self.link_port), timeout=10) for _ in range(16)]
        try:
            time.sleep(0.3)
            with self.assertRaises((ConnectionError, urllib.error.URLError, http_client.HTTPException)):
                http("GET", self.base + "/v1/playback")
        finally:
            for connection in held:
                connection.close()
        time.sleep(0.3)
        self.assertEqual(http("GET", self.base + "/v1/playback")[0], 405)
        # The rate limit: a burst of 10 per viewer, then 1 per second.
        statuses = [self.playback(**link, viewer="v3", event="impression")[0] for _ in range(14)]
        self.assertEqual(statuses[:10], [200] * 10)
        self.assertIn(429, statuses[10:])
        self.assertEqual(self.playback(**link, viewer="v4", event="impression")[0], 200)  # others unaffected
        # Per link too: fresh viewer ids do not escape the link's budget (a burst of 30, 5 a second).
        other = dict(room="room-1", recording="rec9", file="rec-1.mp4", expires=expires,
                     sig=sign("room-1", "recordings", "rec-1.mp4", expires, recording="rec9"))
        statuses = [self.playback(**other, viewer=f"w{i}", event="impression")[0] for i in range(40)]
        self.assertEqual(statuses[:30], [200] * 30)
        self.assertIn(429, statuses[30:])


class ExportsS3Test(ExportsTest):
    """The S3 variant against a real radosgw: the CSV is uploaded as <room>/Exports/<id>.csv
    and the mail carries a presigned GET that downloads it (and nothing is left locally)."""
    database_prefix = "exports_s3"
    rgw = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from radosgw import RadosGW
        cls.rgw = RadosGW()
        cls.rgw.start()
        cls.rgw.create_bucket("exports")

    @classmethod
    def tearDownClass(cls):
        if cls.rgw:
            cls.rgw.stop()
        super().tearDownClass()

    def s3_options(self):
        return ("--s3-endpoint", self.rgw.endpoint, "--s3-bucket", "exports", "--s3-access-key", self.rgw.access_key,
                "--s3-secret-key", self.rgw.secret_key, "--s3-region", self.rgw.region, "--s3-prefix", "roomrec/")

    def test_mail_arrives_and_its_link_downloads_the_csv(self):
        self.start_sink()
        self.start_driver(extra=self.s3_options())
        export_id = self.export()
        [message] = self.wait_for_mail()
        link, text = self.link_of(message)
        self.assertIn("(3 rows)", text)
        self.assertTrue(link.startswith(self.rgw.endpoint + f"/exports/roomrec/room-1/Exports/{export_id}.csv?"), link)
        self.assertIn("X-Amz-Expires=604800", link)
        status, _, body = http("GET", link)
        self.assertEqual((status, body), (200, CSV))
        self.assertEqual(http("GET", link.replace("X-Amz-Signature=", "X-Amz-Signature=0"))[0], 403)
        self.assertEqual(self.rgw.get_object("exports", f"roomrec/room-1/Exports/{export_id}.csv"), CSV)
        self.wait_for_sql(f"SELECT state, storage, location FROM exports WHERE export_id = '{export_id}'",
                          f"sent|s3|roomrec/room-1/Exports/{export_id}.csv")
        self.assertEqual(os.listdir(os.path.join(self.root, "room-1", "Exports")), [])  # temp file gone

    def test_expired_exports_are_swept(self):
        from radosgw import CephError
        self.start_sink()
        self.start_driver(ttl=5, extra=(*self.s3_options(), "--sweep-interval", "1", "--keep-after-expiry", "1"))
        export_id = self.export()
        self.wait_for_mail()
        key = f"roomrec/room-1/Exports/{export_id}.csv"
        self.assertEqual(self.rgw.get_object("exports", key), CSV)
        self.wait_for_sql(f"SELECT state FROM exports WHERE export_id = '{export_id}'", "expired", timeout=20)
        with self.assertRaises(CephError):
            self.rgw.get_object("exports", key)

    # The other cases do not depend on the storage.
    test_a_node_without_smtp_keeps_the_mail_for_one_that_has_it = None
    test_the_link_fails_after_its_expiry = None
    test_an_smtp_outage_delays_the_mail_but_does_not_lose_it = None
    test_a_refused_recipient_fails_the_job = None
    test_refused_requests = None
    test_playback_reports = None
    test_required_starttls_without_tls_waits = None
    test_starttls_with_a_login_and_a_named_ca = None
    test_smtps_with_a_login = None
    test_a_wrong_or_missing_login_delays_the_mail_and_is_never_shown = None
    test_certificates_that_do_not_verify_delay_the_mail = None


class PluginLinksTest(DatabasePerTest):
    """The plugin's side: the jcfg's links category starts the endpoint in Janus's process, a
    signed recording link downloads, the library's playback lands in telemetry_events with
    session_id '', and bad link settings stop the plugin at start-up with a clear error."""
    driver_path = DRIVER
    database_prefix = "plugin_links"

    def start_janus(self, links, smtp=None):
        categories = {"delivery": {"postgres": self.conninfo}, "links": links}
        if smtp:
            categories["smtp"] = smtp
        return harness.Janus(http_port=free_port(), admin_port=free_port(), categories=categories)

    def test_links_in_the_plugin(self):
        port = free_port()
        janus = self.start_janus({"port": port, "secret": SECRET, "public_url": "https://files.example.com/"},
                                 {"url": "smtp://127.0.0.1:1/roomrec.test", "from": "exports@roomrec.test"})
        try:
            folder = os.path.join(janus.recordings_root, "room-9", "Recordings")
            os.makedirs(folder)
            with open(os.path.join(folder, "talk.mp4"), "wb") as out:
                out.write(b"mp4-bytes")
            expires = int(time.time()) + 600
            sig = sign("room-9", "recordings", "talk.mp4", expires)
            base = f"http://127.0.0.1:{port}"
            status, headers, body = http("GET", f"{base}/v1/files/room-9/recordings/talk.mp4?expires={expires}&sig={sig}")
            self.assertEqual((status, body, headers["Content-Type"]), (200, b"mp4-bytes", "video/mp4"))
            self.assertEqual(http("GET", f"{base}/v1/files/room-9/recordings/talk.mp4?expires={expires}&sig="
                                  + "1" * 64)[0], 403)
            link = dict(room="room-9", recording="rec9", file="talk.mp4", expires=expires,
                        sig=sign("room-9", "recordings", "talk.mp4", expires, recording="rec9"))
            for fields in [dict(event="impression"),
                           dict(event="play", play="p1", position_ms=0, duration_ms=60000),
                           dict(event="progress", play="p1", position_ms=12300, duration_ms=60000)]:
                status, _, body = http("POST", f"{base}/v1/playback", json.dumps(dict(link, viewer="viewer-1",
                                                                                     **fields)).encode())
                self.assertEqual(status, 200, body)
            query = ("SELECT kind, session_id = '', participant_id, subject_id, value, coalesce(body->>'position_ms', '')"
                     " FROM telemetry_events WHERE room_id = 'room-9' ORDER BY at")
            deadline = time.time() + 20
            while time.time() < deadline and self.pg.psql(query, database=self.database, check=False).count("\n") < 2:
                time.sleep(0.3)
            # The play alone marks nothing; 0 → 12.3 s of 60 s = 20.5 %: buckets 0-20 (21 distinct).
            self.assertEqual(self.pg.psql(query, database=self.database),
                             "playback.impression|t|viewer-1|rec9|0|\n"
                             "playback.play|t|viewer-1|rec9|0|0\n"
                             "playback.progress|t|viewer-1|rec9|21|12300")
        finally:
            janus.stop()

    def test_bad_link_settings_stop_the_plugin(self):
        for links, message in [({"port": free_port(), "secret": "short"}, "links.secret is required"),
                               ({"port": free_port(), "secret": SECRET, "address": "localhost"},
                                "links.address must be a numeric"),
                               ({"port": 70000, "secret": SECRET}, "links.port must be an integer")]:
            with self.assertRaises(RuntimeError) as raised:
                self.start_janus(links).stop()
            self.assertIn(message, str(raised.exception))
        # Mail with local storage and no public_url: the mailed links would say 127.0.0.1.
        with self.assertRaises(RuntimeError) as raised:
            self.start_janus({"port": free_port(), "secret": SECRET},
                             {"url": "smtp://127.0.0.1:1/roomrec.test", "from": "exports@roomrec.test"}).stop()
        self.assertIn("links.public_url is required when smtp mails links to local exports", str(raised.exception))
        # smtp.ca_file: an absolute path to a readable file of PEM certificates, checked at start-up.
        folder = tempfile.mkdtemp(prefix="rrt-plugin-links-")
        try:
            not_pem = os.path.join(folder, "ca.der")
            with open(not_pem, "wb") as out:
                out.write(b"\x30\x82\x01\x0a")
            for ca_file, message in [(os.path.join(folder, "missing.pem"),
                                      "smtp.ca_file cannot be read (No such file or directory)"),
                                     ("ca.pem", "smtp.ca_file must be an absolute path"),
                                     (folder, "smtp.ca_file must be a file of PEM certificates"),
                                     (not_pem, "smtp.ca_file must be a file of PEM certificates")]:
                with self.assertRaises(RuntimeError) as raised:
                    self.start_janus({"port": free_port(), "secret": SECRET, "public_url": "https://files.example.com"},
                                     {"url": "smtp://127.0.0.1:1/roomrec.test", "from": "exports@roomrec.test",
                                      "ca_file": ca_file}).stop()
                self.assertIn(message, str(raised.exception))
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
