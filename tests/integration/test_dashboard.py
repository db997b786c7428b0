"""The analytics dashboard (SPEC W2, A1-A10) end to end, served by the product itself.

1. The plugin's link endpoint serves the web pages from links.web_root (same origin as the
   download links): index pages, a folder redirected to its '/', content types and cache
   headers, HEAD; traversal (raw "..", encoded "%2e%2e" and "%2f", a symbolic link pointing out,
   hidden files), unknown files, folders without index and other methods are refused.
2. Download exports (`export` with "delivery": "link", then `export_status`): a CSV and a PDF
   produced by the delivery worker without SMTP, their signed link, the refusals (another
   room's export, a viewer, email with link, no email without link, email without SMTP).
3. The page in headless Chromium (tests/browser/dashboard_page.mjs) on the hand-built session
   of test_reports.py in a real Postgres: every number it shows equals the `report` answers,
   one heatmap row per attendee, search and hover details, the CSV and the PDF download, a
   viewer is refused with a clear message, zero console errors; screenshots at 1440 and 390 px.

    ROOMREC_SCREENSHOTS=docs/screenshots /usr/bin/python3 tests/integration/test_dashboard.py
"""
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.request

import harness
from postgres import Postgres, free_port
import test_reports
from test_export_requests import CLI, DAYS, ROOT

BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
LINK_SECRET = "dashboard-links-secret-dashboard-links-0123"


def assert_page_shows_reports(test, seen, report):
    """Every figure the page showed (tests/browser/lib/dashboard_checks.mjs readDashboard) equals
    the `report` answers for that session; report(name, **params) asks for one."""
    overview = report("overview")
    tiles = seen["tiles"]
    test.assertEqual(tiles["live_unique_viewers"], str(overview["live_unique_viewers"]))
    test.assertEqual(tiles["recording_unique_viewers"], str(overview["recording_unique_viewers"]))
    test.assertEqual(tiles["live_engagement_rate"], f"{overview['live_engagement_rate']:g} %")
    test.assertEqual(tiles["average_minutes_viewed"], f"{overview['average_minutes_viewed']:g}")
    for key in ["reactions", "chat_messages", "raised_hands", "polls", "qa_threads", "downloads"]:
        test.assertEqual(tiles[key], str(overview[key]["count"]), key)
    test.assertEqual(tiles["recording_plays"], str(overview["recording_plays"]))

    timeline = report("timeline")["minutes"]
    test.assertEqual(seen["timeline_rows"], [[str(m["live_unique_viewers"]),
                                              "—" if m["engagement_rate"] is None else f"{m['engagement_rate']:g} %"]
                                             for m in timeline])

    attendees = report("attendees", limit=20)
    test.assertEqual(seen["attendees"], [[a["name"], a["role"], f"{a['minutes_viewed']:g}"]
                                         for a in attendees["attendees"]])
    heatmap = report("heatmap", limit=20)
    test.assertEqual(heatmap["total"], attendees["total"])
    test.assertEqual(seen["heatmap"], [[r["user"], r["cells"]] for r in heatmap["rows"]])  # one row per attendee

    stage = report("stage")
    test.assertEqual(seen["stage_names"], [s["name"] for s in stage["stage"]])
    test.assertEqual(len(seen["media_rows"]), len(stage["media"]))
    recordings = report("recordings")["recordings"]
    test.assertEqual(seen["recording_plays"], [str(r["plays"]) for r in recordings])
    geography = report("geography")
    test.assertEqual(seen["live_countries"], [[c["country"], str(c["viewers"])] for c in geography["live"]["countries"]])


class DashboardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.folder = tempfile.mkdtemp(prefix="roomrec-dashboard-")
        cls.www = os.path.join(cls.folder, "www")
        harness.stage_web(cls.www)
        # What must never be served: a file beside the root, reached through a link inside it.
        with open(os.path.join(cls.folder, "secret.txt"), "w") as out:
            out.write("not for the web\n")
        os.symlink(os.path.join(cls.folder, "secret.txt"), os.path.join(cls.www, "leak.txt"))
        os.symlink(cls.folder, os.path.join(cls.www, "up"))
        with open(os.path.join(cls.www, ".hidden.html"), "w") as out:
            out.write("hidden\n")
        os.mkdir(os.path.join(cls.www, "empty"))
        cls.link_port = free_port()
        cls.janus, cls.base = harness.web_janus(cls.folder, cls.pg.conninfo, cls.link_port, LINK_SECRET, 18601, cls.www)
        test_reports.load_when_migrated(
            cls.pg, "to_regclass('report_events') IS NOT NULL AND to_regclass('exports') IS NOT NULL AND "
            "to_regprocedure('custom_attendees_data(timestamptz,timestamptz,text[],text[],text[],text[],text[])') "
            "IS NOT NULL")

    @classmethod
    def tearDownClass(cls):
        harness.stop_janus(cls.janus, cls.pg.close, lambda: shutil.rmtree(cls.folder, ignore_errors=True))

    def setUp(self):
        self.session = harness.Session(self.janus)
        self.handle = self.session.attach()

    def tearDown(self):
        if self.janus.alive():
            self.session.destroy()

    def raw(self, method, path):
        """One request with the path sent as is (no client-side normalisation)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.link_port, timeout=10)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            connection.endheaders()
            answer = connection.getresponse()
            return answer.status, dict(answer.getheaders()), answer.read()
        finally:
            connection.close()

    def test_the_pages_are_served_from_the_web_root(self):
        status, headers, body = self.raw("GET", "/dashboard/")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertEqual(headers["Cache-Control"], "no-cache")
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        with open(os.path.join(ROOT, "web", "dashboard", "index.html"), "rb") as page:
            self.assertEqual(body, page.read())
        for path, kind in [("/", "text/html; charset=utf-8"), ("/index.html", "text/html; charset=utf-8"),
                           ("/dashboard/dashboard.js", "text/javascript; charset=utf-8"),
                           ("/dashboard/dashboard.css", "text/css; charset=utf-8"),
                           ("/lib/janus.js", "text/javascript; charset=utf-8")]:
            status, headers, body = self.raw("GET", path)
            self.assertEqual((status, headers["Content-Type"]), (200, kind), path)
            self.assertGreater(len(body), 0, path)
        # A folder without its slash is redirected, so relative links in its page work.
        status, headers, _ = self.raw("GET", "/dashboard")
        self.assertEqual((status, headers["Location"]), (301, "/dashboard/"))
        # HEAD: the headers and length, no body.
        status, headers, body = self.raw("HEAD", "/dashboard/dashboard.js")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(int(headers["Content-Length"]),
                         os.path.getsize(os.path.join(ROOT, "web", "dashboard", "dashboard.js")))

    def test_nothing_outside_the_web_root_is_served(self):
        for path in ["/../secret.txt", "/dashboard/../../secret.txt", "/%2e%2e/secret.txt",
                     "/dashboard/..%2f..%2fsecret.txt", "/leak.txt", "/up/secret.txt", "/.hidden.html",
                     "//etc/passwd", "/nope.html", "/empty/", "/dashboard/missing.js", "/a%00b"]:
            status, _, body = self.raw("GET", path)
            self.assertEqual(status, 404, path)
            self.assertNotIn(b"not for the web", body)
        # A decoded NUL ends the path: what is served is the file before it, with its own type.
        status, headers, _ = self.raw("GET", "/dashboard/index.html%00.png")
        self.assertEqual((status, headers["Content-Type"]), (200, "text/html; charset=utf-8"))
        for method in ["POST", "PUT", "DELETE"]:
            status, headers, _ = self.raw(method, "/dashboard/")
            self.assertEqual(status, 405, method)
        # The signed-link routes are unchanged beside the pages.
        self.assertEqual(self.raw("GET", "/v1/files/r1/exports/x.csv?expires=1&sig=00")[0], 403)

    def ask(self, **body):
        return self.handle.send(dict({"room": "r1"}, **body))

    def ready(self, export_id, credential, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = self.ask(request="export_status", export=export_id, **credential)
            self.assertEqual(status.get("roomrec"), "export_status", status)
            if status["state"] in ("ready", "failed"):
                return status
            self.assertEqual(status["state"], "pending", status)
            time.sleep(0.3)
        raise AssertionError("the export did not become ready")

    def test_download_exports_are_ready_as_links(self):
        host = {"token": harness.token("r1", "hana", "host")}
        request = dict(format="csv", report="attendees_data", descriptive_headers=True, bom=True, **DAYS)
        queued = self.ask(request="export", delivery="link", **request, **host)
        self.assertEqual((queued.get("state"), queued.get("delivery")), ("queued", "link"), queued)
        status = self.ready(queued["export"], host)
        self.assertEqual((status["state"], status["format"], status["delivery"]), ("ready", "csv", "link"), status)
        self.assertIn(f"{self.base}/v1/files/r1/exports/{queued['export']}.csv?", status["url"])
        self.assertRegex(status["expires_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        with urllib.request.urlopen(status["url"], timeout=10) as answer:
            self.assertEqual(answer.headers["Content-Type"], "text/csv; charset=utf-8")
            body = answer.read()
        expected = subprocess.run([CLI, "custom", "attendees_data", "--from", DAYS["fromDate"], "--to", DAYS["toDate"],
                                   "--entry-ids", "r1", "--descriptive-headers", "--bom",
                                   "--postgres", self.pg.conninfo], capture_output=True, check=True).stdout
        self.assertEqual(body, expected)
        self.assertEqual(status["rows"], body.count(b"\r\n") - 1)
        # Nothing was mailed: the row has no address and is "sent" (handed out) with its expiry.
        self.assertEqual(self.pg.psql(f"SELECT email, state, link_expires_at IS NOT NULL FROM exports "
                                      f"WHERE export_id = '{queued['export']}'"), "|sent|t")
        # The PDF summary the same way, asked by an operator.
        pdf = self.ask(request="export", delivery="link", format="pdf", session="s1", admin_secret=harness.ADMIN_SECRET)
        status = self.ready(pdf["export"], {"admin_secret": harness.ADMIN_SECRET})
        with urllib.request.urlopen(status["url"], timeout=10) as answer:
            self.assertEqual(answer.headers["Content-Type"], "application/pdf")
            self.assertTrue(answer.read().startswith(b"%PDF-"))

    def test_export_status_refusals(self):
        host = {"token": harness.token("r1", "hana", "host")}
        queued = self.ask(request="export", delivery="link", format="pdf", session="s1", **host)
        export_id = queued["export"]
        # Another room's host learns nothing about it; a viewer of this room is refused.
        other = self.ask(request="export_status", export=export_id, room="r2", token=harness.token("r2", "hana", "host"))
        self.assertEqual(other.get("error_code"), 458, other)
        self.assertEqual(self.ask(request="export_status", export="f" * 32, **host).get("error_code"), 458)
        viewer = self.ask(request="export_status", export=export_id, token=harness.token("r1", "vic", "viewer"))
        self.assertEqual(viewer.get("error_code"), 448, viewer)
        self.assertEqual(self.ask(request="export_status", export=export_id).get("error_code"), 447)
        # Delivery and email must agree; email needs SMTP on this node (it has none).
        both = self.ask(request="export", delivery="link", email="h@example.com", format="pdf", **host)
        self.assertEqual(both.get("error_code"), 443, both)
        self.assertEqual(self.ask(request="export", format="pdf", **host).get("error_code"), 442)
        mailed = self.ask(request="export", email="h@example.com", format="pdf", **host)
        self.assertEqual(mailed.get("error_code"), 464, mailed)
        self.assertIn("SMTP", mailed.get("error", ""))
        self.assertEqual(self.ask(request="export", delivery="fax", format="pdf", **host).get("error_code"), 443)

    def report(self, name, **params):
        answer = self.ask(request="report", report=name, session="s1", admin_secret=harness.ADMIN_SECRET, **params)
        self.assertEqual(answer.get("roomrec"), "report", answer)
        return answer["data"]

    def test_the_page_shows_the_reports(self):
        shots = os.environ.get("ROOMREC_SCREENSHOTS") or os.path.join(self.folder, "shots")
        os.makedirs(shots, exist_ok=True)
        url = f"{self.base}/dashboard/?janus={self.janus.url}&room=r1"
        config = {"url": url, "shots": shots,
                  "host_token": harness.token("r1", "hana", "host"),
                  "viewer_token": harness.token("r1", "vic", "viewer"),
                  "downloads": os.path.join(self.folder, "downloads")}
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "dashboard_page.mjs"), json.dumps(config)],
                             capture_output=True, text=True, timeout=240, cwd=BROWSER_DIR)
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)
        seen = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertNotIn("error", seen, seen)
        self.assertEqual(seen["console_errors"], [], seen)
        self.assertEqual(seen["session"], "s1")

        assert_page_shows_reports(self, seen, self.report)
        attendees = self.report("attendees", limit=20)
        searched = self.report("attendees", search="nunez", limit=20)
        self.assertEqual(seen["search_names"], [a["name"] for a in searched["attendees"]])
        self.assertIn("at least 3 letters", seen["short_search_hint"])
        first = attendees["attendees"][0]["details"]
        for value in [first["name"], first["role"]] + [first[k] for k in ("company", "industry", "country") if first[k]]:
            self.assertIn(value, seen["hover_details"])

        self.assertTrue(seen["csv"].startswith("\ufeff") or seen["csv"].startswith("Room"), seen["csv"][:80])
        self.assertGreaterEqual(seen["csv"].count("\r\n"), 2)
        self.assertTrue(seen["pdf_magic"].startswith("%PDF-"))
        self.assertIn("cannot do that now", seen["email_problem"])
        self.assertIn("SMTP", seen["email_problem"])
        older = self.ask(request="report", report="overview", session="s0", admin_secret=harness.ADMIN_SECRET)["data"]
        self.assertEqual(seen["s0_live_viewers"], str(older["live_unique_viewers"]))
        rows = self.ask(request="report", report="heatmap", session="s0", limit=20, admin_secret=harness.ADMIN_SECRET)
        self.assertEqual(seen["s0_heatmap_users"], [r["user"] for r in rows["data"]["rows"]])
        self.assertIn("only the room's owner, its hosts and operators", seen["viewer_problem"])
        self.assertIn("not valid", seen["bad_token_problem"])
        self.assertTrue(self.janus.alive())


if __name__ == "__main__":
    unittest.main(verbosity=2)
