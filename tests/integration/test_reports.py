"""The dashboard reports (analytics/schema/003_reports.sql through roomrec-report) on a real
Postgres: a hand-built session of 8 people (every row kind, two seats of one user, a guest
whose node crashed, a breakout, a recording played live and in the library) is inserted into
telemetry_events, the rollups are refreshed, and EVERY number of every report is compared with
values worked out by hand below (docs/ANALYTICS.md has the definitions).

    ROOMREC_REPORT_CLI=build/analytics/roomrec-report /usr/bin/python3 tests/integration/test_reports.py
"""
import csv
import datetime
import io
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from postgres import DatabasePerTest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.environ.get("ROOMREC_REPORT_CLI") or os.path.join(HERE, "../../build/analytics/roomrec-report")

T0 = datetime.datetime(2026, 11, 2, 10, 0, 0, tzinfo=datetime.timezone.utc)
ROOM, SESSION = "r1", "s1"


def ts(seconds):
    return (T0 + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def at(seconds):
    return (T0 + datetime.timedelta(seconds=seconds)).isoformat()


def who(name, role, country=None, device="desktop", company=None, industry=None):
    body = {"role": role, "display": name, "device": device, "os": "linux", "browser": "chrome",
            "client": "web", "title": "Town hall"}
    if country:
        body["country"] = country
    if company:
        body["company"], body["industry"] = company, industry
    return body


def build_rows():
    """(room, session, seconds, kind, participant, user, subject, value, body) of the scenario."""
    rows = []

    def add(seconds, kind, participant, user, subject=None, value=0, body=None, room=ROOM, session=SESSION):
        rows.append((room, session, seconds, kind, participant, user, subject, value, body))

    def beats(participant, user, first, last, value):
        for t in range(first, last + 1, 10):
            add(t, "heartbeat", participant, user, value=value)

    people = {
        "p1": ("u1", who("Alice Émond", "host", "FR", "desktop", "ACME", "Tech")),
        "p2": ("u2", who("Bob Stone", "speaker", "DE", "mobile")),
        "p3a": ("u3", who("Carla Núñez", "viewer", "FR", "tablet")),
        "p3b": ("u3", who("Carla Núñez", "viewer", "FR", "tablet")),
        "g4": (None, who("Dan", "viewer", None, "desktop")),
        "p5": ("u5", who("Eve Adams", "viewer", "US", "mobile")),
        "p6": ("u6", who("Finn Berg", "viewer", "US", "desktop")),
        "p7": ("u7", who("Gina Moder", "moderator", "DE", "desktop")),
        "p8": ("u8", who("Hugo Brandt", "viewer", "FR", "mobile")),
    }
    # Presence (seconds after T0): join -> leave.
    for participant, join, leave in [("p1", 0, 600), ("p2", 60, 360), ("p3a", 0, 300), ("p3b", 240, 480),
                                     ("g4", 120, None), ("p5", 0, 90), ("p6", 300, 600), ("p7", 0, 600),
                                     ("p8", 30, 45)]:
        user, body = people[participant]
        add(join, "join", participant, user, body=body)
        if leave is not None:
            add(leave, "leave", participant, user, body={"role": body["role"], "display": body["display"],
                                                         "reason": "left"})
    # Heartbeats, every 10 s at :05, :15, ... (bits: 1 focused, 2 full screen, 4 sound, 8 camera, 16 stage).
    beats("p1", "u1", 5, 595, 1)
    beats("p2", "u2", 65, 205, 4)      # sound only: not engaged
    beats("p2", "u2", 215, 355, 8)     # camera
    beats("p3a", "u3", 5, 295, 2)      # full screen
    beats("p3b", "u3", 245, 475, 0)
    beats("g4", None, 125, 295, 16)    # on stage; the guest's node crashed: no leave
    beats("p6", "u6", 305, 595, 5)     # focused + sound
    beats("p7", "u7", 5, 295, 0)
    beats("p7", "u7", 305, 595, 1)
    # Reactions; refused attempts apart.
    add(65, "reaction", "p1", "u1", "clap")
    add(70, "reaction", "p2", "u2", "heart")
    add(75, "reaction", "p2", "u2", "heart")
    add(130, "reaction", "p3a", "u3", "wow")
    add(200, "reaction", "g4", None, "smile")
    add(80, "reaction.refused", "p2", "u2", value=3)
    add(350, "reaction.refused", "p2", "u2", value=2)
    # Chat: a message, a reply, a like, a message deleted later (still counts), moderation.
    add(50, "chat.send", "p5", "u5", "m3", body={"text": "hi", "context": "main"})
    add(100, "chat.send", "p1", "u1", "m1", body={"text": "welcome", "context": "main"})
    add(110, "chat.reply", "p3a", "u3", "m2", body={"text": "thanks", "context": "main", "reply_to": "m1"})
    add(120, "chat.like", "p7", "u7", "m1", value=1)
    add(130, "chat.delete", "p7", "u7", "m3", body={"author": "u5"})
    add(131, "moderation", "p7", "u7", "m3", body={"state": "owned", "owner": "u7"})
    # Hands: u8 raises, a moderator lowers it (row of the hand's owner); u6 raises and lowers.
    add(40, "hand", "p8", "u8", value=1)
    add(44, "hand", "p8", "u8", value=0, body={"lowered_by": "u7"})
    add(320, "hand", "p6", "u6", value=1)
    add(330, "hand", "p6", "u6", value=0)
    # Polls: two; u3 answers q1 twice (changed answer).
    add(150, "poll.create", "p1", "u1", "q1", 2, {"question": "A?", "options": ["x", "y"]})
    add(400, "poll.create", "p1", "u1", "q2", 3, {"question": "B?", "options": ["x", "y", "z"]})
    add(160, "poll.answer", "p2", "u2", "q1", 0)
    add(170, "poll.answer", "p3a", "u3", "q1", 1)
    add(175, "poll.answer", "p3a", "u3", "q1", 0)
    add(180, "poll.answer", "g4", None, "q1", 1)
    add(300, "poll.close", "p1", "u1", "q1", 3)
    add(410, "poll.answer", "p6", "u6", "q2", 2)
    add(420, "poll.answer", "p7", "u7", "q2", 0)
    # Q&A: two threads.
    add(200, "qa.ask", "p3a", "u3", "k1", body={"text": "why?"})
    add(210, "qa.answer", "p1", "u1", "k1", body={"text": "because"})
    add(350, "qa.ask", "p6", "u6", "k2", body={"text": "when?"})
    # Attachments.
    add(140, "attachment.share", "p1", "u1", "a1", body={"title": "Slides"})
    add(145, "download", "p2", "u2", "a1", body={"name": "slides.pdf"})
    add(150, "download", "p3a", "u3", "a1", body={"name": "slides.pdf"})
    add(155, "download", "p3a", "u3", "a1", body={"name": "slides.pdf"})
    # Stage: u2 on stage 60-240 and presenting 120-300; u6 on stage from 500 (no off);
    # the guest presents from 200 (no stop).
    add(60, "stage.on", "p2", "u2", body={"by": "u1"})
    add(240, "stage.off", "p2", "u2", body={"by": "u1"})
    add(120, "present.start", "p2", "u2", "stage", body={"mid": "1"})
    add(300, "present.stop", "p2", "u2", "stage", body={"mid": "1"})
    add(500, "stage.on", "p6", "u6", body={"by": "u1"})
    add(200, "present.start", "g4", None, "stage", body={"mid": "1"})
    # A breakout room opened by u3: its own session; its reaction is not the main room's.
    add(250, "breakout.open", "p3c", "u3", ROOM, body={"title": "Group A", "opened_by": "u3"},
        room="r1-b1", session="sb1")
    add(250, "join", "p3c", "u3", body=dict(who("Carla Núñez", "viewer", "FR", "tablet"), parent=ROOM),
        room="r1-b1", session="sb1")
    add(260, "reaction", "p3c", "u3", "clap", room="r1-b1", session="sb1")
    add(290, "leave", "p3c", "u3", body={"role": "viewer", "display": "Carla Núñez", "reason": "left"},
        room="r1-b1", session="sb1")
    add(295, "breakout.close", None, None, ROOM, body={"reason": "closed"}, room="r1-b1", session="sb1")
    # Playback of rec1: live by u6 (play pl1, seek), later in the library (session '').
    def play(seconds, kind, participant, user, play_id, value, watched_ms, session=SESSION, rec="rec1"):
        add(seconds, kind, participant, user, rec, value,
            {"play": play_id, "position_ms": watched_ms, "duration_ms": 480000, "watched_ms": watched_ms,
             "watched": "0" * 25}, session=session)
    add(550, "playback.impression", "p6", "u6", "rec1")
    play(560, "playback.play", "p6", "u6", "pl1", 0, 0)
    play(570, "playback.progress", "p6", "u6", "pl1", 2, 9600)
    play(580, "playback.seek", "p6", "u6", "pl1", 2, 9600)
    play(590, "playback.progress", "p6", "u6", "pl1", 5, 24000)
    add(3600, "playback.impression", "v9", "u9", "rec1", session="")
    play(3610, "playback.play", "v9", "u9", "pl2", 0, 0, session="")
    play(3620, "playback.progress", "v9", "u9", "pl2", 50, 240000, session="")
    play(3630, "playback.progress", "v9", "u9", "pl2", 100, 480000, session="")
    add(7200, "playback.impression", "v1", "u1", "rec1", session="")
    play(7200, "playback.play", "v1", "u1", "pl3", 0, 0, session="")
    play(7205, "playback.seek", "v1", "u1", "pl3", 10, 30000, session="")
    add(10800, "playback.impression", "v10", None, "rec1", session="")
    # rec0 belongs to yesterday's session s0: its play is not this session's.
    play(10810, "playback.play", "v2", "u2", "pl4", 0, 0, session="", rec="rec0")
    # Yesterday's session s0 of the same room.
    add(-86400, "join", "p0", "u1", body=who("Alice Émond", "host", "FR", "desktop", "ACME", "Tech"), session="s0")
    add(-86340, "leave", "p0", "u1", body={"role": "host", "display": "Alice Émond", "reason": "left"},
        session="s0")
    return rows


def literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return "'" + str(value).replace("'", "''") + "'"


def insert_sql(rows):
    lines = ["INSERT INTO telemetry_events (room_id, node_id, at, session_id, kind, participant_id, user_id, "
             "subject_id, value, body) VALUES"]
    values = []
    for room, session, seconds, kind, participant, user, subject, value, body in rows:
        values.append("(" + ", ".join([literal(room), "'node-a'", literal(at(seconds)), literal(session),
                                       literal(kind), literal(participant), literal(user), literal(subject),
                                       str(value), literal(body) + ("::jsonb" if body is not None else "")]) + ")")
    return "\n".join(lines) + "\n" + ",\n".join(values) + ";\n"


def load_when_migrated(pg, ready="to_regclass('report_events') IS NOT NULL", timeout=30):
    """Waits until the plugin under test has migrated pg's database (`ready` true), then loads
    this suite's hand-built rows and refreshes their rollups: the fixture of the suites that
    ask the real plugin for reports."""
    harness.wait_until_migrated(pg, ready, timeout=timeout)
    pg.psql(insert_sql(build_rows()) + "SELECT telemetry_refresh_minutes('2026-10-01', '2026-12-01');\n")


class ReportsTest(DatabasePerTest):
    driver_path = CLI
    database_prefix = "reports"

    def cli(self, *args, expect=0):
        done = subprocess.run([CLI, *args, "--postgres", self.conninfo], capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, expect, done.stderr)
        return done

    def report(self, name, *args, session=SESSION):
        extra = ["--session", session] if session else []
        answer = json.loads(self.cli(name, "--room", ROOM, *extra, *args).stdout)
        self.assertEqual(answer["roomrec"], "report")
        self.assertEqual(answer["report"], name)
        self.assertEqual(answer["room"], ROOM)
        return answer["data"]

    def setUp(self):
        super().setUp()
        # The CLI migrates an empty database; it has no room r1 yet: exit 2 (not found).
        done = self.cli("overview", "--room", ROOM, expect=2)
        self.assertIn("445", done.stderr)
        sql = insert_sql(build_rows())
        sql += ("INSERT INTO recordings (room_id, recording_id, node_id, title, started_at, duration_ms, storage, state)"
                f" VALUES ('r1', 'rec1', 'node-a', 'Main rec', '{at(60)}', 480000, 'local', 'available'),"
                f" ('r1', 'rec0', 'node-a', 'Old rec', '{at(-86390)}', 60000, 'local', 'available');\n")
        sql += f"SELECT telemetry_refresh_minutes('{at(-2 * 86400)}', '{at(86400)}');\n"
        # Minutes refreshed again (late rows, a replayed spool) must not count twice.
        sql += f"SELECT telemetry_refresh_minutes('{at(100)}', '{at(400)}');\n"
        self.pg.psql(sql, database=self.database)

    def test_overview(self):
        data = self.report("overview")
        self.assertEqual(data, {
            "session": "s1", "started_at": ts(0), "ended_at": ts(600), "duration_minutes": 10.0,
            # u1 u2 u3 g4 u5 u6 u7 u8 (u3's two seats are one viewer)
            "live_unique_viewers": 8,
            # u6 (live), u9 and u1 (library) played rec1; u2 played rec0 (yesterday's)
            "recording_unique_viewers": 3,
            # seconds: u1 600 + u2 300 + u3 480 (0-300 ∪ 240-480) + g4 200 (120 → last beat 295 + 25)
            # + u5 90 + u6 300 + u7 600 + u8 15 = 2585; 2585 / 60 / 8 = 5.385 → 5.4
            "average_minutes_viewed": 5.4,
            # engaged beats: u1 60 + u2 15 (camera) + u3 30 (fullscreen seat) + g4 18 + u6 30 + u7 30 = 183
            # all beats: 60 + 30 + (30 + 24) + 18 + 30 + 60 = 252; 183 / 252 = 72.62 % → 72.6
            "live_engagement_rate": 72.6,
            # 5 reactions by u1 u2 u3 g4 (4/8 = 50 %); refused 3 + 2 = 5; the breakout's clap is not here
            "reactions": {"count": 5, "users": 4, "users_percent": 50.0, "refused_attempts": 5},
            # m3 (deleted later, still counts), m1, m2 (reply): u5 u1 u3 → 3/8 = 37.5 %
            "chat_messages": {"count": 3, "users": 3, "users_percent": 37.5},
            # raises by u8 and u6 (lowerings do not count) → 2/8 = 25 %
            "raised_hands": {"count": 2, "users": 2, "users_percent": 25.0},
            # polls q1 q2; answers (u2,q1) (u3,q1 twice = once) (g4,q1) (u6,q2) (u7,q2) = 5 → 5/8 = 62.5 %
            "polls": {"count": 2, "answers": 5, "users": 5, "users_percent": 62.5},
            # threads k1 k2; u3 asked, u1 answered, u6 asked → 3/8 = 37.5 %
            "qa_threads": {"count": 2, "users": 3, "users_percent": 37.5},
            # u2 once, u3 twice → 3 downloads, 2/8 = 25 %
            "downloads": {"count": 3, "users": 2, "users_percent": 25.0},
            # pl1 pl2 pl3 of rec1
            "recording_plays": 3,
        })

    def test_timeline(self):
        data = self.report("timeline")
        minutes = data["minutes"]
        self.assertEqual(data["session"], "s1")
        self.assertEqual([m["minute"] for m in minutes], [ts(60 * i) for i in range(10)])
        self.assertEqual([m["index"] for m in minutes], list(range(10)))
        # Present in [60i, 60i+60): m0 u1 u3 u5 u7 u8; m1 u1 u2 u3 u5 u7; m2-m4 u1 u2 u3 g4 u7;
        # m5 u1 u2 u3 g4 u6 u7; m6-m7 u1 u3 u6 u7; m8-m9 u1 u6 u7.
        self.assertEqual([m["live_unique_viewers"] for m in minutes], [5, 5, 5, 5, 5, 6, 4, 4, 3, 3])
        # Beats per minute (engaged/all): m0 u1 6/6 u3 6/6 u7 0/6 = 12/18; m1 + u2 0/6 = 12/24;
        # m2 + g4 6/6 = 18/30; m3 u2 3/6 (camera from 215) = 21/30; m4 u2 6/6, u3b 0/6 = 24/36;
        # m5 u1 u2 u6 u7 6/6 each, u3b 0/6 = 24/30; m6-m7 u1 u6 u7 + u3b 0/6 = 18/24; m8-m9 18/18.
        self.assertEqual([m["heartbeats"] for m in minutes], [18, 24, 30, 30, 36, 30, 24, 24, 18, 18])
        self.assertEqual([m["engagement_rate"] for m in minutes],
                         [66.7, 50.0, 60.0, 70.0, 66.7, 80.0, 75.0, 75.0, 100.0, 100.0])
        # clap at 65, hearts at 70 75 → m1; wow at 130 → m2; smile at 200 → m3
        self.assertEqual([m["reactions"] for m in minutes],
                         [{}, {"clap": 1, "heart": 2}, {"wow": 1}, {"smile": 1}, {}, {}, {}, {}, {}, {}])

    def test_the_attendee_rollup_waits_for_a_quiet_session_or_a_reader(self):
        # Custom CSV reports read report_attendees. The minute refresh only marks a session with
        # rows in its window stale (remaking a live 1,000-person session's rows every minute was
        # the minute thread's biggest cost); five minutes without its rows remake them, and so does
        # report_attendees_settle(), which the custom reports call before they read.
        def rollup():
            return self.pg.psql("SELECT string_agg(user_key || ':' || reactions || ':' || heartbeats || ':' || engaged"
                                " || ':' || round(seconds), ',' ORDER BY user_key) FROM report_attendees"
                                " WHERE room_id = 'r1' AND session_id = 's1'", database=self.database)

        def stale():
            return self.pg.psql("SELECT count(*) FROM report_attendees_stale WHERE room_id = 'r1' AND session_id = 's1'",
                                database=self.database)

        # setUp's second refresh (100 s to 400 s) held s1's rows: s1 is stale, its old rows stay.
        self.assertEqual(stale(), "1")
        definition = self.pg.psql(
            "SELECT string_agg(user_key || ':' || reactions || ':' || heartbeats || ':' || engaged || ':' || round(seconds),"
            " ',' ORDER BY user_key) FROM report_attendance(ARRAY['r1'], ARRAY['s1'], '-infinity', 'infinity')",
            database=self.database)
        self.assertIn("u1:1:", definition)
        # A window 5 minutes after the last one that touched s1 (setUp's first, ending a day after
        # the session) remakes them: the same figures as 003's definition.
        self.pg.psql(f"SELECT telemetry_refresh_minutes('{at(86700)}', '{at(86760)}')", database=self.database)
        self.assertEqual(stale(), "0")
        self.assertEqual(rollup(), definition)
        # A late reaction by u1 in minute 5: the rows lag until a reader settles them.
        self.pg.psql(insert_sql([("r1", "s1", 301, "reaction", "p1", "u1", "clap", 0, None)])
                     + f"SELECT telemetry_refresh_minutes('{at(300)}', '{at(360)}')", database=self.database)
        self.assertEqual(stale(), "1")
        self.assertEqual(rollup(), definition)
        self.assertEqual(self.pg.psql("SELECT report_attendees_settle()", database=self.database), "1")
        self.assertEqual(stale(), "0")
        self.assertEqual(rollup(), definition.replace("u1:1:", "u1:2:"))
        # The custom report settles before it reads: Alice's two reactions are in the CSV.
        self.pg.psql(insert_sql([("r1", "s1", 302, "reaction", "p1", "u1", "clap", 0, None)])
                     + f"SELECT telemetry_refresh_minutes('{at(300)}', '{at(360)}')", database=self.database)
        self.assertEqual(stale(), "1")
        exported = self.cli("custom", "attendees_data", "--from", at(-86400)[:10], "--to", at(86400)[:10]).stdout
        self.assertEqual(stale(), "0")
        self.assertIn("u1:3:", rollup())
        [alice] = [row for row in csv.DictReader(io.StringIO(exported))
                   if (row["cue_point_id"], row["user_id"]) == ("s1", "u1")]
        self.assertEqual(alice["reactions"], "3")

    def attendee_rows(self):
        # name, role, minutes, reactions, chat, hands, polls, qa, downloads, rate (by minutes, name)
        return [
            ("u1", "Alice Émond", "host", 10.0, 1, 1, 0, 0, 1, 0, 100.0, "ACME", "Tech", "FR"),
            ("u7", "Gina Moder", "moderator", 10.0, 0, 0, 0, 1, 0, 0, 50.0, None, None, "DE"),   # 30/60
            ("u3", "Carla Núñez", "viewer", 8.0, 1, 1, 0, 1, 1, 2, 55.6, None, None, "FR"),    # 30/54
            ("u2", "Bob Stone", "speaker", 5.0, 2, 0, 0, 1, 0, 1, 50.0, None, None, "DE"),     # 15/30
            ("u6", "Finn Berg", "viewer", 5.0, 0, 0, 1, 1, 1, 0, 100.0, None, None, "US"),
            ("g4", "Dan", "viewer", 3.3, 1, 0, 0, 1, 0, 0, 100.0, None, None, None),           # 200 s
            ("u5", "Eve Adams", "viewer", 1.5, 0, 1, 0, 0, 0, 0, None, None, None, "US"),      # no beats
            ("u8", "Hugo Brandt", "viewer", 0.3, 0, 0, 1, 0, 0, 0, None, None, None, "FR"),    # 15 s = 0.25
        ]

    def expected_attendee(self, row):
        user, name, role, minutes, reactions, chat, hands, polls, qa, downloads, rate, company, industry, country = row
        return {"user": user, "name": name, "role": role, "minutes_viewed": minutes, "reactions": reactions,
                "chat_messages": chat, "raised_hands": hands, "polls_answered": polls, "qa_threads": qa,
                "downloads": downloads, "engagement_rate": rate,
                "details": {"name": name, "role": role, "company": company, "industry": industry,
                            "country": country}}

    def test_attendees(self):
        data = self.report("attendees")
        self.assertEqual(data["total"], 8)
        self.assertEqual(data["attendees"], [self.expected_attendee(r) for r in self.attendee_rows()])
        # paging
        page = self.report("attendees", "--offset", "2", "--limit", "2")
        self.assertEqual([a["user"] for a in page["attendees"]], ["u3", "u2"])
        self.assertEqual(page["total"], 8)
        # search: accents and case do not matter; at least three letters
        self.assertEqual([a["user"] for a in self.report("attendees", "--search", "NUNEZ")["attendees"]], ["u3"])
        self.assertEqual([a["user"] for a in self.report("attendees", "--search", "emo")["attendees"]], ["u1"])
        found = self.report("attendees", "--search", "bra")
        self.assertEqual((found["total"], [a["user"] for a in found["attendees"]]), (1, ["u8"]))
        done = self.cli("attendees", "--room", ROOM, "--search", "ab", expect=1)
        self.assertIn("at least 3 letters", done.stderr)

    def test_attendee(self):
        data = self.report("attendee", "--user", "u3")
        self.assertEqual(data, {
            "session": "s1", "user": "u3", "name": "Carla Núñez", "role": "viewer", "company": None,
            "industry": None, "country": "FR", "device": "tablet", "minutes_viewed": 8.0, "reactions": 1,
            "chat_messages": 1, "raised_hands": 0, "polls_answered": 1, "qa_threads": 1, "downloads": 2,
            "engagement_rate": 55.6,
            "presence": [{"from": ts(0), "to": ts(480)}],  # the two seats merged
            "heatmap": "EEEEENNN.."})
        self.assertEqual(self.report("attendee", "--user", "g4")["presence"], [{"from": ts(120), "to": ts(320)}])
        done = self.cli("attendee", "--room", ROOM, "--session", SESSION, "--user", "nobody", expect=2)
        self.assertIn("451", done.stderr)

    def test_heatmap(self):
        data = self.report("heatmap")
        self.assertEqual((data["first_minute"], data["minutes"], data["total"]), (ts(0), 10, 8))
        self.assertEqual([(r["user"], r["cells"]) for r in data["rows"]], [
            ("u1", "EEEEEEEEEE"),
            ("u7", "NNNNNEEEEE"),   # sound-less zero beats until 300, focused after
            ("u3", "EEEEENNN.."),   # full screen seat until 300, then the idle seat until 480
            ("u2", ".NNEEE...."),   # from 60; sound only until 205, camera from 215; left at 360
            ("u6", ".....EEEEE"),
            ("g4", "..EEEN...."),   # 120-320: no beat after 295, so minute 5 is not engaged
            ("u5", "NN........"),   # present 0-90, no beats
            ("u8", "N........."),   # 30-45
        ])
        page = self.report("heatmap", "--offset", "7", "--limit", "5")
        self.assertEqual([r["user"] for r in page["rows"]], ["u8"])

    def test_stage_and_media(self):
        data = self.report("stage")
        self.assertEqual(data["stage"], [
            # stage 60-240 ∪ presenting 120-300 = 60-300 = 240 s
            {"user": "u2", "name": "Bob Stone", "role": "speaker", "seconds": 240.0, "minutes": 4.0},
            # presenting from 200 without a stop: until presence ends at 320 → 120 s
            {"user": "g4", "name": "Dan", "role": "viewer", "seconds": 120.0, "minutes": 2.0},
            # on stage from 500 without an off: until the leave at 600 → 100 s = 1.67 min
            {"user": "u6", "name": "Finn Berg", "role": "viewer", "seconds": 100.0, "minutes": 1.7},
        ])
        media = [{"user": "u2", "name": "Bob Stone", "source": "stage", "from": ts(120), "to": ts(300),
                  "seconds": 180.0},
                 {"user": "g4", "name": "Dan", "source": "stage", "from": ts(200), "to": ts(320), "seconds": 120.0}]
        self.assertEqual(data["media"], media)
        self.assertEqual(self.report("media")["media"], media)

    def test_recordings(self):
        data = self.report("recordings")
        self.assertEqual(data["recordings"], [{
            "recording": "rec1", "title": "Main rec", "started_at": ts(60), "duration_ms": 480000,
            "impressions": 4,        # u6 live, u9, u1, the guest viewer v10 in the library
            "plays": 3, "unique_viewers": 3,
            # last rows: pl1 24,000 ms; pl2 480,000; pl3 30,000 → 534,000 / 60,000 = 8.9
            "minutes_viewed": 8.9,
            # buckets of the last rows 5 + 100 + 10 = 115 / 3 plays = 38.33 → 38.3
            "average_completion": 38.3,
            "users": [{"user": "u1", "plays": 1, "minutes_viewed": 0.5, "average_completion": 10.0},
                      {"user": "u6", "plays": 1, "minutes_viewed": 0.4, "average_completion": 5.0},
                      {"user": "u9", "plays": 1, "minutes_viewed": 8.0, "average_completion": 100.0}],
        }])
        # yesterday's session has rec0, played once by u2
        old = self.report("recordings", session="s0")["recordings"]
        self.assertEqual([(r["recording"], r["plays"], r["impressions"]) for r in old], [("rec0", 1, 0)])

    def test_geography(self):
        data = self.report("geography")
        self.assertEqual(data["live"], {
            # FR u1 u3 u8, DE u2 u7, US u5 u6, the guest has no country
            "countries": [{"country": "FR", "viewers": 3}, {"country": "DE", "viewers": 2},
                          {"country": "US", "viewers": 2}, {"country": "unknown", "viewers": 1}],
            # desktop u1 g4 u6 u7, mobile u2 u5 u8, tablet u3
            "devices": [{"device": "desktop", "viewers": 4}, {"device": "mobile", "viewers": 3},
                        {"device": "tablet", "viewers": 1}]})
        self.assertEqual(data["recording"], {
            # u1 (FR desktop join), u6 (US desktop), u9 never joined → unknown
            "countries": [{"country": "FR", "viewers": 1}, {"country": "US", "viewers": 1},
                          {"country": "unknown", "viewers": 1}],
            "devices": [{"device": "desktop", "viewers": 2}, {"device": "unknown", "viewers": 1}]})

    def test_sessions(self):
        data = self.report("sessions", session=None)
        self.assertEqual(data["sessions"], [
            {"session": "s1", "title": "Town hall", "first_at": ts(0), "last_at": ts(600),
             "live_unique_viewers": 8, "parent": None},
            {"session": "s0", "title": "Town hall", "first_at": ts(-86400), "last_at": ts(-86340),
             "live_unique_viewers": 1, "parent": None}])
        self.assertEqual(data["breakouts"], [{"room": "r1-b1", "session": "sb1", "title": "Group A",
                                              "opened_by": "u3", "opened_at": ts(250)}])
        # The breakout's own figures: u3 40 s, one clap.
        answer = json.loads(self.cli("overview", "--room", "r1-b1").stdout)
        self.assertEqual((answer["session"], answer["data"]["live_unique_viewers"],
                          answer["data"]["reactions"]["count"], answer["data"]["average_minutes_viewed"]),
                         ("sb1", 1, 1, 0.7))

    def test_latest_session_by_default_and_errors(self):
        self.assertEqual(self.report("overview", session=None)["session"], "s1")
        self.assertIn("463", self.cli("overview", "--room", ROOM, "--session", "nope", expect=2).stderr)
        self.assertIn("445", self.cli("timeline", "--room", "nowhere", expect=2).stderr)
        self.assertIn("unknown report", self.cli("bogus", "--room", ROOM, expect=1).stderr)
        self.assertIn("no parameter", self.cli("overview", "--room", ROOM, "--colour", "red", expect=1).stderr)
        self.assertIn("limit", self.cli("attendees", "--room", ROOM, "--limit", "5000", expect=1).stderr)
        # Postgres away: exit 3
        done = subprocess.run([CLI, "overview", "--room", ROOM, "--postgres",
                               "host=127.0.0.1 port=1 dbname=x connect_timeout=2"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 3, done.stderr)
        self.assertIn("462", done.stderr)
        # A hostile value is data, never SQL.
        self.assertIn("445", self.cli("overview", "--room", "r1'; DROP TABLE recordings;--", expect=2).stderr)
        self.assertEqual(self.pg.psql("SELECT count(*) FROM recordings", database=self.database), "2")

    def test_csv(self):
        text = self.cli("attendees", "--room", ROOM, "--session", SESSION, "--format", "csv").stdout
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual([(r["user"], r["minutes_viewed"], r["engagement_rate"], r["details.country"]) for r in rows],
                         [(r[0], "%.15g" % r[3], "" if r[10] is None else "%.15g" % r[10], r[13] or "")
                          for r in self.attendee_rows()])
        overview = list(csv.DictReader(io.StringIO(
            self.cli("overview", "--room", ROOM, "--session", SESSION, "--format", "csv").stdout)))
        self.assertEqual(len(overview), 1)
        self.assertEqual((overview[0]["live_unique_viewers"], overview[0]["reactions.refused_attempts"]), ("8", "5"))
        timeline = list(csv.DictReader(io.StringIO(
            self.cli("timeline", "--room", ROOM, "--session", SESSION, "--format", "csv").stdout)))
        self.assertEqual([r["live_unique_viewers"] for r in timeline], ["5", "5", "5", "5", "5", "6", "4", "4", "3", "3"])


if __name__ == "__main__":
    unittest.main()
