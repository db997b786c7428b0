"""The "report" request through the real Janus (A10): the scenario of test_reports.py in a real
Postgres, asked for by a host's token, the owner's token, the host secret, the admin_secret and
the Admin API; refused (447/448) for everyone else; errors for bad reports, a missing session
and Postgres away (462). The answer comes as an event with the request's transaction."""
import tempfile
import time
import unittest

import harness
from postgres import Postgres
import test_reports


class ReportRequestsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.root = tempfile.mkdtemp(prefix="roomrec-reports-")
        cls.janus = harness.Janus(http_port=18598, admin_port=17598, settings={"recordings_root": cls.root},
                                  categories={"telemetry": {"postgres": cls.pg.conninfo},
                                              "reports": {"queue": 16}})
        # The telemetry writer migrates the database at start-up.
        deadline = time.time() + 30
        while cls.pg.psql("SELECT to_regclass('report_events') IS NOT NULL") != "t":
            if time.time() > deadline:
                raise AssertionError("the plugin did not migrate the database")
            time.sleep(0.2)
        sql = test_reports.insert_sql(test_reports.build_rows())
        sql += "SELECT telemetry_refresh_minutes('2026-10-01', '2026-12-01');\n"
        cls.pg.psql(sql)

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.janus.alive():
                cls.janus.stop()
        finally:
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
        return self.handle.send(dict({"request": "report", "room": "r1"}, **body))

    def test_hosts_owner_and_operators_get_reports(self):
        answer = self.ask(report="overview", session="s1", token=harness.token("r1", "hana", "host"))
        self.assertEqual((answer["roomrec"], answer["report"], answer["room"], answer["session"]),
                         ("report", "overview", "r1", "s1"), answer)
        self.assertEqual(answer["data"]["live_unique_viewers"], 8)
        self.assertEqual(answer["data"]["live_engagement_rate"], 72.6)
        # the owner, with a viewer's token for the room
        timeline = self.ask(report="timeline", token=harness.token("r1", "olga", "viewer"))
        self.assertEqual(timeline["session"], "s1")  # the latest by default
        self.assertEqual([m["live_unique_viewers"] for m in timeline["data"]["minutes"]],
                         [5, 5, 5, 5, 5, 6, 4, 4, 3, 3])
        # the host secret
        page = self.ask(report="attendees", session="s1", secret="h-pass", search="nunez")
        self.assertEqual([a["user"] for a in page["data"]["attendees"]], ["u3"])
        # the admin_secret
        sessions = self.ask(report="sessions", admin_secret=harness.ADMIN_SECRET)
        self.assertEqual([s["session"] for s in sessions["data"]["sessions"]], ["s1", "s0"])
        # the Admin API answers synchronously
        admin = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                  "request": {"request": "report", "room": "r1", "report": "heatmap",
                                              "session": "s1", "limit": 1}})
        data = admin["response"]
        self.assertEqual(data["roomrec"], "report", admin)
        self.assertEqual([(r["user"], r["cells"]) for r in data["data"]["rows"]], [("u1", "EEEEEEEEEE")])

    def test_everyone_else_is_refused(self):
        def refused(code, **credentials):
            answer = self.ask(report="overview", **credentials)
            self.assertEqual(answer.get("error_code"), code, answer)
        refused(447)                                                    # nothing
        refused(447, admin_secret="wrong")
        refused(447, token=harness.token("r1", "hana", "host") + "x")  # forged
        refused(447, token=harness.token("other", "hana", "host"))     # another room
        refused(448, token=harness.token("r1", "vic", "viewer"))       # a viewer, not the owner
        refused(448, token=harness.token("r1", "mo", "moderator"))
        refused(448, secret="v-pass")                                   # the viewer secret
        refused(447, secret="nope")

    def test_bad_requests(self):
        def error(code, **body):
            answer = self.ask(admin_secret=harness.ADMIN_SECRET, **body)
            self.assertEqual(answer.get("error_code"), code, answer)
            return answer
        error(442)                                                       # no report
        self.assertIn("unknown report", error(443, report="bogus")["error"])
        self.assertIn("no parameter", error(443, report="overview", search="abc")["error"])
        error(443, report="attendees", search="ab")
        error(442, report="attendee")
        error(443, report="sessions", session="s1")
        error(463, report="overview", session="nope")                    # answered as an event
        self.assertEqual(self.handle.send({"request": "report", "room": "nowhere", "report": "overview",
                                           "admin_secret": harness.ADMIN_SECRET}).get("error_code"), 445)
        error(451, report="attendee", session="s1", user="nobody")

    def test_postgres_away_is_a_retryable_error(self):
        self.pg.stop()
        try:
            answer = self.ask(report="overview", session="s1", admin_secret=harness.ADMIN_SECRET)
            self.assertEqual(answer.get("error_code"), 462, answer)
        finally:
            self.pg.start()
        deadline = time.time() + 20
        while True:
            answer = self.ask(report="overview", session="s1", admin_secret=harness.ADMIN_SECRET)
            if answer.get("roomrec") == "report" or time.time() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(answer["data"]["live_unique_viewers"], 8, answer)


if __name__ == "__main__":
    unittest.main()
