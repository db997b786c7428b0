"""The whole story of issue 13 ("Must show") in one browser run against the real product: Janus
with the plugin and the recorder, a real Postgres (delivery, telemetry, reports), local storage,
and the plugin's link endpoint serving the staged web pages (links.web_root) beside the
recordings' signed links. tests/browser/story.mjs plays it: host, moderator and two attendees
(one on a phone) in the room page; the host records ~8 s from the menu; everyone is told; the
host's "available" link opens the library signed in, where the recording plays past 5 s and
seeks; a share link plays for someone else and is refused once revoked; a second host who
joined with the room's password is handed over the same way (as a host of that room); the host ends the
session, the test rolls the telemetry up, and the dashboard's figures for that session equal
the `report` API's answers (test_dashboard.assert_page_shows_reports), with the CSV and the
PDF downloaded. Zero console errors on every page.

    ROOMREC_SCREENSHOTS=docs/screenshots /usr/bin/python3 tests/integration/test_story.py
"""
import os
import shutil
import tempfile
import time
import unittest
import urllib.parse

import browser_script
import harness
from postgres import Postgres, free_port
from test_dashboard import assert_page_shows_reports

LINK_SECRET = "story-links-secret-story-links-secret-012345"
# The minute rollups of everything recorded (the rollup thread would get there within a minute).
REFRESH = "SELECT telemetry_refresh_minutes(min(at), max(at) + interval '1 minute') FROM telemetry_events"


class StoryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.folder = tempfile.mkdtemp(prefix="roomrec-story-")
        cls.www = os.path.join(cls.folder, "www")
        harness.stage_web(cls.www)
        cls.janus, cls.base = harness.web_janus(cls.folder, cls.pg.conninfo, free_port(), LINK_SECRET, 18621, cls.www)
        harness.wait_until_migrated(
            cls.pg, "to_regclass('report_events') IS NOT NULL AND to_regclass('recording_links') IS NOT NULL", cls.janus)

    @classmethod
    def tearDownClass(cls):
        harness.stop_janus(cls.janus, cls.pg.close, lambda: shutil.rmtree(cls.folder, ignore_errors=True))

    def rollup(self, message):
        """story.mjs asks for the minute rollups before it opens the dashboard."""
        if not message.get("rollup"):
            return None
        self.pg.psql(REFRESH)
        return "done"

    def test_record_play_share_and_see_the_dashboard(self):
        shots = os.environ.get("ROOMREC_SCREENSHOTS") or os.path.join(self.folder, "shots")
        os.makedirs(shots, exist_ok=True)
        janus = urllib.parse.quote(self.janus.url, safe="")
        people = {"Hana": "host", "Moritz": "moderator", "Vera": "viewer", "Pia": "viewer"}
        config = {"url": f"{self.base}/room/?janus={janus}", "shots": shots,
                  "dashboard": f"{self.base}/dashboard/?janus={janus}&room=static",
                  "downloads": os.path.join(self.folder, "downloads"), "host_secret": "host-pass",
                  "tokens": {name: harness.token("static", name.lower(), role) for name, role in people.items()}}
        r = browser_script.run(self, "story.mjs", config, self.rollup)
        self.assertNotIn("failure", r, r.get("failure"))
        self.assertEqual(r["errors"], [], "console errors")

        # Everyone was told; the host got the file's link, which carried the credential in the
        # fragment (never the query) and the library dropped it at once.
        for name in [*people, "Hugo"]:
            self.assertIn("This session is being recorded", r["toasts"][name], name)
        for name in ("Vera", "Pia"):
            self.assertIn("The recording has completed", r["toasts"][name])
        for name in ("Hana", "Hugo"):
            self.assertIn("Your recording file is available", r["toasts"][name])
        link = urllib.parse.urlsplit(r["library_link"])
        self.assertEqual(urllib.parse.parse_qs(link.query)["room"], ["static"])
        self.assertNotIn("token", link.query)
        self.assertIn("token=", link.fragment)
        self.assertNotIn("#", r["library_address"])
        self.assertNotIn("token", r["library_address"])
        self.assertEqual(r["library_who"], "Signed in as hana")

        # The host who joined with the room's password was handed over as a host of that room.
        hugo = urllib.parse.urlsplit(r["hugo_link"])
        self.assertEqual(urllib.parse.parse_qs(hugo.fragment), {"room": ["static"], "secret": ["host-pass"]})
        self.assertNotIn("secret", hugo.query)
        self.assertNotIn("secret", r["hugo_address"])
        self.assertEqual(r["hugo_who"], "Signed in as a host of room static")
        self.assertGreater(r["hugo_played_to"], 1)
        self.assertEqual(r["hugo_may"], [])

        # The library played the stored recording (~8 s) past 5 s and seeked.
        recording = urllib.parse.parse_qs(link.query)["recording"][0]
        row = self.pg.psql(f"SELECT state, owner, duration_ms FROM recordings WHERE recording_id = '{recording}'")
        state, owner, duration_ms = row.split("|")
        self.assertEqual((state, owner), ("available", "hana"), row)
        self.assertGreater(int(duration_ms), 6000)
        self.assertGreater(r["duration"], 6)
        self.assertGreater(r["played_to"], 5)
        self.assertLess(abs(r["seeked_to"] - 2.0), 1.0, r)
        self.assertGreater(r["played_after_seek"], r["seeked_to"])

        # The share link played for someone else, then was refused once revoked.
        self.assertRegex(r["share_url"], r"[?&]share=[0-9a-f]{64}$")
        self.assertGreater(r["shared_played_to"], 1)
        self.assertFalse(r["guest_sees_manage"])
        self.assertIn("revoked", r["revoked_message"])

        # A second recording was running when the host ended the session: hosts and moderators
        # read on the end screen where it will be, and it waits among its owner's notices.
        for name in ("Hana", "Moritz", "Hugo"):
            note = r["end_recording"][name]
            self.assertIn("being stored", note["text"], name)
            self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlsplit(note["href"]).query)["room"], ["static"])
        for name in ("Vera", "Pia"):
            self.assertIsNone(r["end_recording"][name], name)
        janus_session = harness.Session(self.janus)
        self.addCleanup(janus_session.destroy)
        handle = janus_session.attach()
        deadline = time.time() + 30
        while True:
            notices = handle.send({"request": "library", "action": "notices", "token": config["tokens"]["Hana"]})["notices"]
            later = [n for n in notices if n["recording"] != recording]
            if later:
                break
            self.assertLess(time.time(), deadline, notices)
            time.sleep(0.5)
        self.assertEqual((later[0]["state"], later[0]["owner"], later[0]["initiator"]), ("available", "hana", "hana"))

        # The dashboard shows that session as the reports API answers it.
        seen = r["dashboard"]
        session = seen["session"]
        self.assertTrue(session)

        def report(name, **params):
            answer = self.janus.admin({"janus": "message_plugin", "plugin": "janus.plugin.roomrec",
                                       "request": {"request": "report", "room": "static", "report": name,
                                                   "session": session, **params}})
            data = answer["response"]
            self.assertEqual(data.get("roomrec"), "report", data)
            return data["data"]

        assert_page_shows_reports(self, seen, report)
        self.assertEqual(len(seen["heatmap"]), len(people) + 1, seen["heatmap"])  # one row per attendee
        self.assertEqual(sorted(a[0] for a in seen["attendees"]), sorted([*people, "Hugo"]))
        # The hosts' plays and the guest's; the second recording (stored as the session ended) has none.
        self.assertEqual(sorted(seen["recording_plays"]), ["0", "3"], seen)
        # The CSV (room data, last 30 days) has a row for this session; the PDF is a PDF.
        self.assertIn(f"static,Static room,,{session},", r["csv"])
        self.assertTrue(r["pdf_magic"].startswith("%PDF-"))
        self.assertTrue(self.janus.alive())


if __name__ == "__main__":
    unittest.main(verbosity=2)
