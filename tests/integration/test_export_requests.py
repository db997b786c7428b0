"""The "export" request through the real Janus, end to end (A7-A10): a host asks for a CSV
export and a PDF summary of the scenario of test_reports.py (a real Postgres); the delivery
worker produces them (the plugin's ReportExportProducer), stores them and mails a link to a real
SMTP sink (aiosmtpd, over STARTTLS with a login, its certificate checked against smtp.ca_file);
the link downloads a CSV equal to what `roomrec-report custom` prints for
the same request, and a PDF whose text (pdftotext) shows the overview's numbers. Refusals: a
viewer's token (448), no credential (447), a bad address, an unknown report, a filter naming
another room (443), a session on a csv export (443), the per-user quota (457). The delivery
database away: a request is refused (464) and taken once it is back; a restart between two
requests goes unnoticed; an export accepted before it went away (queued, or its mail being sent)
is mailed once it is back. With S3 storage (a real radosgw) and no link server: the PDF is
mailed as a presigned S3 link."""
import contextlib
import email
import email.policy
import mailbox
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

import harness
from postgres import Postgres, free_port
from radosgw import RadosGW
import smtp_sink
import test_reports

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLI = os.environ.get("ROOMREC_REPORT_CLI") or os.path.join(ROOT, "build/analytics/roomrec-report")
LINK_SECRET = "export-links-secret-export-links-secret-0123"
SMTP_USER, SMTP_PASSWORD = "roomrec", "export-mail-password"
DAYS = {"fromDate": "2026-11-01", "toDate": "2026-11-03"}
BUCKET, S3_PREFIX = "exports", "roomrec/"


class ExportRequestsBase(unittest.TestCase):
    """One Janus with the plugin, a Postgres holding test_reports' scenario and an SMTP sink for
    the class; room r1 exists. Subclasses choose the storage (delivery_settings, links)."""
    ports = (18599, 17599)

    @classmethod
    def delivery_settings(cls):
        return {"postgres": cls.pg.conninfo}

    @classmethod
    def links(cls):
        return {"links": {"port": cls.link_port, "secret": LINK_SECRET,
                          "public_url": f"http://127.0.0.1:{cls.link_port}"}}

    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.folder = tempfile.mkdtemp(prefix="roomrec-export-requests-")
        cls.root = os.path.join(cls.folder, "recordings")
        cls.maildir = os.path.join(cls.folder, "mail")
        cls.smtp_port, cls.link_port = free_port(), free_port()
        os.makedirs(os.path.join(cls.folder, "tls"))
        cls.tls = tls = smtp_sink.make_certificates(os.path.join(cls.folder, "tls"))
        cls.start_sink()
        cls.janus = harness.Janus(
            http_port=cls.ports[0], admin_port=cls.ports[1], settings={"recordings_root": cls.root},
            categories={"delivery": cls.delivery_settings(), **cls.links(),
                        "smtp": {"url": f"smtp://127.0.0.1:{cls.smtp_port}/roomrec.test",
                                 "from": "exports@roomrec.test", "starttls": "required", "username": SMTP_USER,
                                 "password": SMTP_PASSWORD, "ca_file": tls["ca"]}})
        test_reports.load_when_migrated(
            cls.pg, "to_regclass('report_events') IS NOT NULL AND "
            "to_regprocedure('custom_attendees_data(timestamptz,timestamptz,text[],text[],text[],text[],text[])') "
            "IS NOT NULL AND to_regclass('exports') IS NOT NULL")

    @classmethod
    def tearDownClass(cls):
        harness.stop_janus(cls.janus, cls.stop_sink, cls.pg.close)

    @classmethod
    def start_sink(cls):
        cls.sink = smtp_sink.spawn(cls.smtp_port, cls.maildir, "--starttls", cls.tls["cert"], cls.tls["key"],
                                   "--login", f"{SMTP_USER}:{SMTP_PASSWORD}")

    @classmethod
    def stop_sink(cls, kill=False):
        smtp_sink.stop(cls.sink, kill)  # kill: a sink stopped by SIGSTOP ignores SIGTERM

    def setUp(self):
        self.session = harness.Session(self.janus)
        self.handle = self.session.attach()
        if not getattr(type(self), "created", False):
            harness.create_room(self.handle, "r1", media_owner="olga", host_secret="h-pass", viewer_secret="v-pass")
            type(self).created = True

    def tearDown(self):
        self.session.destroy()

    def ask(self, transaction=None, **body):
        return self.handle.send(dict({"request": "export", "room": "r1"}, **body), transaction=transaction)

    def mails_to(self, address):
        if not os.path.isdir(self.maildir):
            return []
        parsed = (email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
                  for message in mailbox.Maildir(self.maildir, create=False))
        return [message for message in parsed if message["To"] == address]

    def mail_to(self, address, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if found := self.mails_to(address):
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"no mail to {address} within {timeout} s:\n" + self.janus.log_text()[-3000:])

    def wait_for_sql(self, query, expected, timeout=30):
        harness.wait_for_sql(self.pg.psql, query, expected, timeout)

    @staticmethod
    def download(message):
        text = message.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"(http://\S+)", text).group(1)
        with urllib.request.urlopen(link, timeout=10) as answer:
            return link, answer.headers["Content-Type"], answer.read()

    def assert_session_summary(self, pdf):
        """The text (pdftotext) of s1's summary: its title and two of its figures."""
        self.assertTrue(pdf.startswith(b"%PDF-"))
        path = os.path.join(self.folder, "summary.pdf")
        with open(path, "wb") as out:
            out.write(pdf)
        text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, check=True, text=True).stdout
        self.assertIn("Town hall", text)
        self.assertIn("72.6", text)  # the live engagement rate of s1
        self.assertRegex(text, r"\b8\b")  # live unique viewers
        return text


class ExportRequestsTest(ExportRequestsBase):
    """Local storage, served by the plugin's link server."""

    def test_a_csv_export_mails_the_custom_report(self):
        request = dict(format="csv", report="attendees_data", descriptive_headers=True,
                       filters={"user_ids": ["u1", "u2", "u3"]}, **DAYS)
        answer = self.ask(email="hana@example.com", token=harness.token("r1", "hana", "host"), **request)
        self.assertEqual((answer.get("roomrec"), answer.get("state")), ("export", "queued"), answer)
        export_id = answer["export"]
        self.assertRegex(export_id, r"^[0-9a-f]{32}$")
        # Durable before the reply: the row is there, asked by the token's user.
        self.assertEqual(self.pg.psql(f"SELECT room_id, requested_by FROM exports WHERE export_id = '{export_id}'"),
                         "r1|hana")
        message = self.mail_to("hana@example.com")
        # smtp's starttls = "required", login and ca_file, as the sink saw them.
        self.assertRegex(message["X-Sink-TLS"], r"^TLSv1\.[23]$")
        self.assertEqual(message["X-Sink-Login"], SMTP_USER)
        link, content_type, body = self.download(message)
        self.assertIn(f"/v1/files/r1/exports/{export_id}.csv?", link)
        self.assertEqual(content_type, "text/csv; charset=utf-8")
        expected = subprocess.run([CLI, "custom", "attendees_data", "--from", DAYS["fromDate"], "--to", DAYS["toDate"],
                                   "--entry-ids", "r1", "--user-ids", "u1,u2,u3", "--descriptive-headers",
                                   "--postgres", self.pg.conninfo], capture_output=True, check=True).stdout
        self.assertEqual(body, expected)
        self.assertGreater(body.count(b"\r\n"), 3)  # the header and the three users' rows (at least)

    def test_a_pdf_export_mails_the_session_summary(self):
        answer = self.ask(format="pdf", session="s1", email="olga@example.com",
                          token=harness.token("r1", "olga", "viewer"))  # the room's owner
        self.assertEqual(answer.get("roomrec"), "export", answer)
        message = self.mail_to("olga@example.com")
        self.assertIn("PDF", message.get_body(preferencelist=("plain",)).get_content())
        link, content_type, body = self.download(message)
        self.assertIn(f"/v1/files/r1/exports/{answer['export']}.pdf?", link)
        self.assertEqual(content_type, "application/pdf")
        text = self.assert_session_summary(body)
        # The CLI draws the same summary from the same numbers.
        cli_pdf = os.path.join(self.folder, "cli.pdf")
        drawn = subprocess.run([CLI, "summary", "--room", "r1", "--session", "s1", "--postgres", self.pg.conninfo,
                                "--output", cli_pdf], capture_output=True, text=True)
        self.assertEqual(drawn.returncode, 0, drawn.stderr)
        cli_text = subprocess.run(["pdftotext", "-layout", cli_pdf, "-"], capture_output=True, check=True,
                                  text=True).stdout
        strip = lambda t: re.sub(r"Generated .*? by roomrec", "", t)  # noqa: E731
        self.assertEqual(strip(cli_text), strip(text))

    def test_refusals(self):
        host = harness.token("r1", "hana", "host")
        csv = dict(format="csv", report="room_data", **DAYS)

        def error(code, **body):
            answer = self.ask(**body)
            self.assertEqual(answer.get("error_code"), code, answer)
            return answer["error"]
        error(448, email="vic@example.com", token=harness.token("r1", "vic", "viewer"), **csv)
        error(448, email="vic@example.com", secret="v-pass", **csv)
        error(447, email="vic@example.com", **csv)
        self.assertIn("email", error(443, email="not an address", token=host, **csv))
        self.assertIn("email", error(443, email="a@b.example\r\nBcc: x@evil.example", token=host, **csv))
        self.assertIn("unknown report", error(443, email="h@example.com", token=host,
                                              **dict(csv, report="bogus")))
        self.assertIn("only this room", error(443, email="h@example.com", token=host,
                                              filters={"entry_ids": ["other"]}, **csv))
        error(443, email="h@example.com", token=host, session="s1", **csv)
        error(443, email="h@example.com", token=host, format="xlsx")
        error(442, email="h@example.com", token=host, format="csv", **DAYS)  # no report
        error(443, email="h@example.com", token=host, format="pdf", report="room_data")
        self.assertEqual(self.pg.psql("SELECT count(*) FROM exports WHERE email = 'h@example.com'"), "0")

    def test_an_unknown_session_fails_the_export_for_good(self):
        answer = self.ask(format="pdf", session="nope", email="nobody@example.com", admin_secret=harness.ADMIN_SECRET)
        export_id = answer["export"]
        deadline = time.time() + 30
        while self.pg.psql(f"SELECT state FROM exports WHERE export_id = '{export_id}'") != "failed":
            if time.time() > deadline:
                self.fail(self.pg.psql(f"SELECT * FROM exports WHERE export_id = '{export_id}'"))
            time.sleep(0.2)
        self.assertIn("nope", self.pg.psql(f"SELECT error FROM exports WHERE export_id = '{export_id}'"))

    def test_quota_and_the_admin_api(self):
        token = harness.token("r1", "quinn", "host")
        request = dict(format="pdf", session="s1", email="quinn@example.com", token=token)
        for _ in range(10):
            self.assertEqual(self.ask(**request).get("roomrec"), "export")
        refused = self.ask(**request)
        self.assertEqual(refused.get("error_code"), 457, refused)
        self.assertGreater(refused["retry_after_ms"], 3500 * 1000 - 60 * 1000)
        # Another host is counted apart; operators through the Admin API are not counted.
        self.assertEqual(self.ask(**dict(request, token=harness.token("r1", "hugo", "host"))).get("roomrec"), "export")
        admin = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                  "request": {"request": "export", "room": "r1", "format": "pdf",
                                              "email": "ops@example.com"}})
        self.assertEqual(admin["response"].get("roomrec"), "export", admin)

    # -- the delivery database away ------------------------------------------------------
    @contextlib.contextmanager
    def database_away(self):
        self.pg.stop()
        try:
            yield
        finally:
            self.pg.start()

    def exported(self, address, **request):
        """An export taken and mailed (its row says sent)."""
        answer = self.ask(email=address, **request)
        self.assertEqual(answer.get("roomrec"), "export", answer)
        self.wait_for_sql(f"SELECT state FROM exports WHERE export_id = '{answer['export']}'", "sent")
        return answer

    def delivery_status(self):
        return self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                 "request": {"request": "status"}})["response"]["delivery"]

    def test_the_database_away_refuses_an_export_that_is_taken_once_it_is_back(self):
        request = dict(format="csv", report="room_data", token=harness.token("r1", "dora", "host"), **DAYS)
        self.exported("dora-first@example.com", **request)  # the plugin's connection for requests is open
        with self.database_away():
            refused = self.ask(email="dora@example.com", transaction="dora-away-1", **request)
            self.assertEqual(refused.get("error_code"), 464, refused)
            self.assertEqual(refused["error"], "the export could not be queued; retry later")
            # Why is in the log only, on the line that names the request's transaction.
            [line] = [line for line in self.janus.log_text().splitlines() if "tx=dora-away-1]" in line]
            self.assertRegex(line, r"export for room r1 not queued: storing the export request: (cannot connect to|"
                                   r"lost the connection to) Postgres")
            # Nothing else suffers: the plugin answers, and operators see the database down.
            self.assertEqual(self.handle.send({"request": "exists", "room": "r1"}).get("exists"), True)
            deadline = time.time() + 15
            while self.delivery_status()["database_up"] and time.time() < deadline:
                time.sleep(0.2)
            self.assertFalse(self.delivery_status()["database_up"])
        self.assertTrue(self.janus.alive())
        answer = self.ask(email="dora@example.com", **request)  # the same request
        self.assertEqual((answer.get("roomrec"), answer.get("state")), ("export", "queued"), answer)
        link, content_type, body = self.download(self.mail_to("dora@example.com"))
        self.assertEqual(content_type, "text/csv; charset=utf-8")
        self.assertIn(f"/v1/files/r1/exports/{answer['export']}.csv?", link)
        self.assertEqual(self.pg.psql("SELECT count(*) FROM exports WHERE email = 'dora@example.com'"), "1")
        self.assertTrue(self.delivery_status()["database_up"])

    def test_a_database_restart_between_two_exports_goes_unnoticed(self):
        request = dict(format="csv", report="room_data", token=harness.token("r1", "gus", "host"), **DAYS)
        self.exported("gus-first@example.com", **request)
        self.pg.stop()
        self.pg.start()
        # The restart closed the connection the first request used: the next one reconnects.
        self.exported("gus@example.com", **request)

    def test_an_export_queued_when_the_database_goes_away_is_mailed_once_it_is_back(self):
        harness.create_room(self.handle, "r2")
        # A file where r2's Exports folder goes: the export job fails (retryably) and waits in
        # the outbox until its next attempt.
        os.makedirs(os.path.join(self.root, "r2"), exist_ok=True)
        blocker = os.path.join(self.root, "r2", "Exports")
        open(blocker, "w").close()
        answer = self.ask(room="r2", format="csv", report="room_data", email="erik@example.com",
                          token=harness.token("r2", "erik", "host"), **DAYS)
        self.assertEqual(answer.get("roomrec"), "export", answer)
        job = f"export-{answer['export']}"
        # Once its next attempt is far enough away for Postgres to stop first: queued, not running.
        self.wait_for_sql(f"SELECT state = 'pending' AND next_attempt_at > now() + interval '1500 ms' "
                          f"FROM outbox_jobs WHERE id = '{job}'", "t")
        due = float(self.pg.psql(f"SELECT extract(epoch FROM next_attempt_at) FROM outbox_jobs WHERE id = '{job}'"))
        with self.database_away():
            os.remove(blocker)
            time.sleep(max(0.0, due + 1 - time.time()))  # past the attempt it waited for
            self.assertEqual(self.mails_to("erik@example.com"), [])
        _, content_type, body = self.download(self.mail_to("erik@example.com"))
        self.assertEqual(content_type, "text/csv; charset=utf-8")
        self.assertTrue(body.startswith(b"entry_id"), body[:200])
        self.wait_for_sql(f"SELECT exports.state, attempts >= 2 FROM exports JOIN outbox_jobs ON id = '{job}' "
                          f"WHERE export_id = '{answer['export']}'", "sent|t")
        self.assertEqual(len(self.mails_to("erik@example.com")), 1)

    def test_a_mail_in_flight_when_the_database_goes_away_is_sent_once_it_is_back(self):
        os.kill(self.sink.pid, signal.SIGSTOP)  # connections wait for its greeting
        try:
            answer = self.ask(format="csv", report="room_data", email="fred@example.com",
                              token=harness.token("r1", "fred", "host"), **DAYS)
            self.assertEqual(answer.get("roomrec"), "export", answer)
            job = f"email-{answer['export']}"
            self.wait_for_sql(f"SELECT state FROM outbox_jobs WHERE id = '{job}'", "running")
            with self.database_away():
                # The SMTP connection drops: the attempt fails, and the outbox cannot be told.
                self.stop_sink(kill=True)
                deadline = time.time() + 30
                while f"job {job} failed and its failure is not recorded" not in self.janus.log_text():
                    self.assertLess(time.time(), deadline, self.janus.log_text()[-3000:])
                    time.sleep(0.2)
                self.start_sink()
                time.sleep(2)
                self.assertEqual(self.mails_to("fred@example.com"), [])
        finally:
            if self.sink.poll() is None:
                os.kill(self.sink.pid, signal.SIGCONT)
            else:
                self.start_sink()
        back = time.time()
        self.mail_to("fred@example.com", timeout=150)
        delay = time.time() - back
        # The job this node held when the database went is released as the worker reconnects,
        # not when its 2-minute lease runs out.
        self.assertLess(delay, 30)
        self.wait_for_sql(f"SELECT state FROM exports WHERE export_id = '{answer['export']}'", "sent")
        self.assertEqual(len(self.mails_to("fred@example.com")), 1)


class S3ExportRequestsTest(ExportRequestsBase):
    """S3 storage (a real radosgw, started once for the class) and no link server: a PDF export
    is uploaded under the room's Exports folder and mailed as a presigned GET."""
    ports = (18598, 17598)

    @classmethod
    def setUpClass(cls):
        cls.rgw = RadosGW()
        cls.rgw.start()
        try:
            cls.rgw.create_bucket(BUCKET)
            super().setUpClass()
        except BaseException:
            cls.rgw.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.rgw.stop()

    @classmethod
    def delivery_settings(cls):
        return {"postgres": cls.pg.conninfo, "storage": "s3", "s3_endpoint": cls.rgw.endpoint, "s3_bucket": BUCKET,
                "s3_region": cls.rgw.region, "s3_access_key": cls.rgw.access_key,
                "s3_secret_key": cls.rgw.secret_key, "s3_prefix": S3_PREFIX}

    @classmethod
    def links(cls):
        return {}  # S3 links need no link server

    def test_a_pdf_export_is_mailed_as_a_presigned_s3_link(self):
        answer = self.ask(format="pdf", session="s1", email="olga@example.com",
                          token=harness.token("r1", "olga", "viewer"))  # the room's owner
        self.assertEqual(answer.get("roomrec"), "export", answer)
        key = f"{S3_PREFIX}r1/Exports/{answer['export']}.pdf"
        message = self.mail_to("olga@example.com")
        self.assertIn("PDF", message.get_body(preferencelist=("plain",)).get_content())
        link, content_type, body = self.download(message)
        self.assertTrue(link.startswith(f"{self.rgw.endpoint}/{BUCKET}/{key}?"), link)
        self.assertIn("X-Amz-Expires=604800", link)
        self.assertEqual(content_type, "application/pdf")
        self.assert_session_summary(body)
        self.assertEqual(self.rgw.get_object(BUCKET, key), body)
        self.wait_for_sql(f"SELECT state, storage, location, round(extract(epoch FROM link_expires_at - now()) / 3600) "
                          f"FROM exports WHERE export_id = '{answer['export']}'", f"sent|s3|{key}|168")
        self.assertEqual(os.listdir(os.path.join(self.root, "r1", "Exports")), [])  # the temp file is gone

    def test_a_download_export_is_a_presigned_s3_link(self):
        owner = {"token": harness.token("r1", "olga", "viewer")}
        mailed_before = len(self.mails_to("olga@example.com"))
        queued = self.ask(format="pdf", session="s1", delivery="link", **owner)
        self.assertEqual((queued.get("roomrec"), queued.get("delivery")), ("export", "link"), queued)
        deadline = time.time() + 60
        status = {}
        while status.get("state") != "ready" and time.time() < deadline:
            status = self.ask(request="export_status", export=queued["export"], **owner)
            self.assertNotIn(status.get("state"), ("failed", "expired"), status)
            time.sleep(0.3)
        self.assertEqual(status.get("state"), "ready", status)
        key = f"{S3_PREFIX}r1/Exports/{queued['export']}.pdf"
        self.assertTrue(status["url"].startswith(f"{self.rgw.endpoint}/{BUCKET}/{key}?"), status)
        self.assertIn("X-Amz-Expires=", status["url"])
        with urllib.request.urlopen(status["url"], timeout=10) as answer:
            pdf = answer.read()
        self.assert_session_summary(pdf)
        self.assertEqual(self.rgw.get_object(BUCKET, key), pdf)
        self.assertEqual(len(self.mails_to("olga@example.com")), mailed_before)  # a download mails nobody


if __name__ == "__main__":
    unittest.main()
