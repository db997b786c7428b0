"""The "report" request through the real Janus (A10): the scenario of test_reports.py in a real
Postgres, asked for by a host's token, the owner's token, the host secret, the admin_secret and
the Admin API; refused (447/448) for everyone else; errors for bad reports, a missing session
and Postgres away (462). The answer comes as an event with the request's transaction. Hardening:
a report past the statement timeout answers 462, a stopping Janus cancels the report running,
a credential past its request limit gets 457, and Postgres's own error text stays in the log."""
import re
import tempfile
import threading
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
                                              "reports": {"queue": 16, "statement_timeout_ms": 2000}})
        # The telemetry writer migrates the database at start-up.
        test_reports.load_when_migrated(cls.pg)

    @classmethod
    def tearDownClass(cls):
        harness.stop_janus(cls.janus, cls.pg.close)

    def setUp(self):
        self.session = harness.Session(self.janus)
        self.handle = self.session.attach()
        if not getattr(type(self), "created", False):
            harness.create_room(self.handle, "r1", media_owner="olga", host_secret="h-pass", viewer_secret="v-pass")
            type(self).created = True

    def tearDown(self):
        if self.janus.alive():
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

    def hold_report_tables(self, seconds):
        """Locks report_events for `seconds` in the background: every report waits behind it."""
        locker = threading.Thread(target=self.pg.psql, daemon=True, kwargs={
            "sql": f"BEGIN; LOCK TABLE report_events IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep({seconds}); COMMIT;",
            "check": False})
        locker.start()
        deadline = time.time() + 10
        while self.pg.psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                           "WHERE c.relname = 'report_events' AND l.mode = 'AccessExclusiveLock' AND l.granted") != "1":
            self.assertLess(time.time(), deadline, "the lock was not taken")
            time.sleep(0.1)
        return locker

    def test_a_report_past_the_statement_timeout_answers_462(self):
        locker = self.hold_report_tables(6)
        started = time.time()
        answer = self.ask(report="overview", session="s1", token=harness.token("r1", "tim", "host"))
        self.assertEqual(answer.get("error_code"), 462, answer)
        self.assertIn("took too long", answer["error"])
        self.assertLess(time.time() - started, 5.5)  # 2 s timeout, not the 6 s lock
        locker.join(15)
        self.assertEqual(self.ask(report="overview", session="s1", token=harness.token("r1", "tim", "host"))
                         ["data"]["live_unique_viewers"], 8)

    def test_postgres_error_text_stays_in_the_server_log(self):
        self.pg.psql("ALTER FUNCTION report_geography(text, text) RENAME TO report_geography_gone")
        try:
            answer = self.ask(report="geography", session="s1", token=harness.token("r1", "gert", "host"))
        finally:
            self.pg.psql("ALTER FUNCTION report_geography_gone(text, text) RENAME TO report_geography")
        self.assertEqual(answer.get("error_code"), 499, answer)
        self.assertNotIn("report_geography", answer["error"])
        self.assertNotIn("does not exist", answer["error"])
        found = re.fullmatch(r"report failed \(see the server log, ref ([0-9a-f]{8})\)", answer["error"])
        self.assertTrue(found, answer)
        log = self.janus.log_text()
        line = [l for l in log.splitlines() if "ref " + found.group(1) in l]
        self.assertEqual(len(line), 1, log[-3000:])
        self.assertIn("report_geography", line[0])

    def test_each_credential_has_a_request_limit(self):
        token = harness.token("r1", "rita", "host")
        answers = [self.ask(report="sessions", token=token) for _ in range(30)]
        limited = [a for a in answers if a.get("error_code") == 457]
        self.assertTrue(limited, answers[-1])
        self.assertIn("too many report requests", limited[0]["error"])
        self.assertGreater(limited[0]["retry_after_ms"], 0)
        self.assertEqual(answers[0]["roomrec"], "report")
        # another credential, and the Admin API, are not held back by rita's
        self.assertEqual(self.ask(report="sessions", token=harness.token("r1", "rolf", "host"))["roomrec"], "report")
        admin = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                  "request": {"request": "report", "room": "r1", "report": "sessions"}})
        self.assertEqual(admin["response"]["roomrec"], "report", admin)

    def test_zz_stopping_janus_cancels_the_running_report(self):
        # last (zz): it stops this class's Janus
        locker = self.hold_report_tables(30)
        asker = threading.Thread(target=lambda: self.handle.request(
            {"request": "report", "room": "r1", "report": "overview", "session": "s1",
             "admin_secret": harness.ADMIN_SECRET}), daemon=True)
        asker.start()
        deadline = time.time() + 10
        while self.pg.psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%report_overview%' "
                           "AND wait_event_type = 'Lock'") != "1":
            self.assertLess(time.time(), deadline, "the report did not start")
            time.sleep(0.1)
        self.janus.stop()
        self.assertIn("canceling statement due to user request", self.pg.log(200))
        self.pg.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' "
                     "AND pid <> pg_backend_pid()")
        locker.join(10)


if __name__ == "__main__":
    unittest.main()
