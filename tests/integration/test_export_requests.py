"""The "export" request through the real Janus, end to end (A7-A10): a host asks for a CSV
export and a PDF summary of the scenario of test_reports.py (a real Postgres); the delivery
worker produces them (the plugin's ReportExportProducer), stores them and mails a link to a real
SMTP sink (aiosmtpd, over STARTTLS with a login, its certificate checked against smtp.ca_file);
the link downloads a CSV equal to what `roomrec-report custom` prints for
the same request, and a PDF whose text (pdftotext) shows the overview's numbers. Refusals: a
viewer's token (448), no credential (447), a bad address, an unknown report, a filter naming
another room (443), a session on a csv export (443), the per-user quota (457)."""
import email
import email.policy
import mailbox
import os
import re
import subprocess
import tempfile
import time
import unittest
import urllib.request

import harness
from postgres import Postgres, free_port
import smtp_sink
import test_reports

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLI = os.environ.get("ROOMREC_REPORT_CLI") or os.path.join(ROOT, "build/analytics/roomrec-report")
LINK_SECRET = "export-links-secret-export-links-secret-0123"
SMTP_USER, SMTP_PASSWORD = "roomrec", "export-mail-password"
DAYS = {"fromDate": "2026-11-01", "toDate": "2026-11-03"}


class ExportRequestsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.folder = tempfile.mkdtemp(prefix="roomrec-export-requests-")
        cls.maildir = os.path.join(cls.folder, "mail")
        cls.smtp_port, cls.link_port = free_port(), free_port()
        os.makedirs(os.path.join(cls.folder, "tls"))
        tls = smtp_sink.make_certificates(os.path.join(cls.folder, "tls"))
        cls.sink = smtp_sink.spawn(cls.smtp_port, cls.maildir, "--starttls", tls["cert"], tls["key"],
                                   "--login", f"{SMTP_USER}:{SMTP_PASSWORD}")
        cls.janus = harness.Janus(
            http_port=18599, admin_port=17599, settings={"recordings_root": os.path.join(cls.folder, "recordings")},
            categories={"delivery": {"postgres": cls.pg.conninfo},
                        "links": {"port": cls.link_port, "secret": LINK_SECRET,
                                  "public_url": f"http://127.0.0.1:{cls.link_port}"},
                        "smtp": {"url": f"smtp://127.0.0.1:{cls.smtp_port}/roomrec.test",
                                 "from": "exports@roomrec.test", "starttls": "required", "username": SMTP_USER,
                                 "password": SMTP_PASSWORD, "ca_file": tls["ca"]}})
        test_reports.load_when_migrated(
            cls.pg, "to_regclass('report_events') IS NOT NULL AND "
            "to_regprocedure('custom_attendees_data(timestamptz,timestamptz,text[],text[],text[],text[],text[])') "
            "IS NOT NULL AND to_regclass('exports') IS NOT NULL")

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.janus.alive():
                cls.janus.stop()
        finally:
            smtp_sink.stop(cls.sink)
            cls.pg.close()

    def setUp(self):
        self.session = harness.Session(self.janus)
        self.handle = self.session.attach()
        if not getattr(type(self), "created", False):
            harness.create_room(self.handle, "r1", media_owner="olga", host_secret="h-pass", viewer_secret="v-pass")
            type(self).created = True

    def tearDown(self):
        self.session.destroy()

    def ask(self, **body):
        return self.handle.send(dict({"request": "export", "room": "r1"}, **body))

    def mail_to(self, address, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.isdir(self.maildir):
                for message in mailbox.Maildir(self.maildir, create=False):
                    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
                    if parsed["To"] == address:
                        return parsed
            time.sleep(0.2)
        raise AssertionError(f"no mail to {address} within {timeout} s:\n" + self.janus.log_text()[-3000:])

    @staticmethod
    def download(message):
        text = message.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"(http://\S+)", text).group(1)
        with urllib.request.urlopen(link, timeout=10) as answer:
            return link, answer.headers["Content-Type"], answer.read()

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
        self.assertTrue(body.startswith(b"%PDF-"))
        path = os.path.join(self.folder, "summary.pdf")
        with open(path, "wb") as out:
            out.write(body)
        text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, check=True, text=True).stdout
        self.assertIn("Town hall", text)
        self.assertIn("72.6", text)  # the live engagement rate of s1
        self.assertRegex(text, r"\b8\b")  # live unique viewers
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


if __name__ == "__main__":
    unittest.main()
