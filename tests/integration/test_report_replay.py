"""Every report, end to end through the real capture path: a scripted session of nine users
replayed in real time through the real Janus and plugin (joins by token and by secret,
heartbeats with every bit pattern 0-31, a refused reaction burst, chat with a reply, likes, a
delete and a moderation thread, two polls (one closed), Q&A, an attachment and downloads, hands
(one lowered by the host), a viewer on stage, the host presenting, a breakout, a real recording
(start/stop through the plugin, its `recordings` row written by local delivery) and its playback
with seeks) into a real Postgres; then every dashboard report (plugin `report` request, and
`roomrec-report` for overview, timeline and attendees) and the five custom CSV reports, each
number asserted against values worked out by hand below.

Timing: the plugin stamps rows with the real clock and refuses heartbeats < 5 s apart, so the
script runs in real time (about 3.6 minutes), aligned on a whole minute M: every action has an
offset from M. Heartbeats go out at M + 15 + 10 r + 0.25 i s (round r = 0..19, participant i =
0..7), i.e. 5-8 s into each 10 s, never within 2 s of a minute boundary, so the minute each one
counts in is known exactly (and checked against the stored `at`). Counts (reactions, messages,
polls, heartbeats, minutes, cells) are exact. Durations (minutes viewed, stage seconds, span) are
computed in the test from the join/leave/stage/present timestamps read back from
telemetry_events (exact arithmetic on the stored microseconds, then the report's rounding), and
checked against the schedule within 3 s (the scheduler's measured lateness stays far below).

    ROOMREC_PLUGIN=... ROOMREC_RECORDER=... ROOMREC_REPORT_CLI=... \\
        tests/integration/netns_run.sh /usr/bin/python3 -W ignore tests/integration/test_report_replay.py

ROOMREC_REPLAY_DUMP=FILE also writes the stored rows (telemetry_events, recordings) there with
pg_dump, to try report SQL on a real session without replaying it.
"""
import calendar
import csv
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
from decimal import Decimal, ROUND_HALF_UP

import harness
from peers import PeerCleanup, publish_now
from postgres import Postgres

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REPORT_CLI = os.environ.get("ROOMREC_REPORT_CLI") or os.path.join(ROOT, "build/analytics/reports/roomrec-report")

ROOM, BREAKOUT = "rp1", "rp1-b"
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.1 Mobile/15E148 Safari/604.1")
ANDROID_TABLET = ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/120.0.0.0 Safari/537.36")

# The cast: (name, role, country, user agent). Index = heartbeat offset slot i (0.25 i s);
# lena (8) sends no heartbeat at all. "guest" joins with the viewer secret: the server names
# it guest-<hex>, which is its user key.
CAST = [("hana", "host", "DE", CHROME), ("mo", "moderator", "DE", CHROME), ("sam", "speaker", "US", CHROME),
        ("vic", "viewer", "FR", IPHONE), ("olga", "viewer", "FR", CHROME), ("pete", "viewer", "US", CHROME),
        ("rita", "viewer", "DE", CHROME), ("guest", "viewer", None, CHROME), ("lena", "viewer", "ES", ANDROID_TABLET)]

ROUNDS = 20
RITA_LEAVES, RITA_BACK, LENA_LEAVES, GUEST_LEAVES, CLOSE_AT = 70.0, 130.5, 100.0, 160.0, 215.0
STAGE_ON, STAGE_OFF = 100.5, 130.0


def beat_time(r, i):
    return 15 + 10 * r + 0.25 * i


def client_bits(name, r):
    """The bits a client sends in round r (bit 0 focused, 1 full screen, 2 sound, 3 camera);
    None = no heartbeat (absent). The server adds bit 4 while on stage / presenting."""
    if name == "hana":
        return r % 16                      # + 16 (presenting): 16..31, then 16..19
    if name == "mo":
        return r % 16                      # 0..15, then 0..3
    if name == "sam":
        return 4 if r < 10 else 9          # sound only, then focused + camera
    if name == "vic":
        return 1 if r < 15 else 0          # focused, then nothing
    if name == "olga":
        return 4                           # sound only (+16 on stage in rounds 9-11)
    if name == "pete":
        return 2 if r % 2 == 0 else 4      # full screen / sound only
    if name == "rita":                     # present [1, 70) and [130.5, 215): rounds 0-5 and 12-19
        t = beat_time(r, 6)
        if t < RITA_LEAVES:
            return 1
        return 4 if t > RITA_BACK else None
    if name == "guest":                    # present until 160: rounds 0-14
        if beat_time(r, 7) > GUEST_LEAVES:
            return None
        return 8 if r < 5 else 0
    return None


def stored_bits(name, r):
    bits = client_bits(name, r)
    if bits is None:
        return None
    if name == "hana" or (name == "olga" and STAGE_ON < beat_time(r, 4) < STAGE_OFF):
        bits |= 16
    return bits


def engaged(bits):
    return bits & 27 != 0                   # E2: focused, full screen, camera, on stage


def round1(value):
    """Postgres round(numeric, 1): half away from zero."""
    return float(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def parse_iso(text):
    """An ISO 8601 UTC time with milliseconds as exact epoch seconds."""
    whole, fraction = text.rstrip("Z").split(".")
    moment = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return Decimal(calendar.timegm(moment.timetuple())) + Decimal(fraction) / 1000


class Script:
    """Actions at offsets (s) from a whole minute M, run in order on this thread."""

    def __init__(self):
        self.actions = []
        self.late = 0.0

    def at(self, offset, action):
        self.actions.append((offset, len(self.actions), action))

    def run(self, start):
        for offset, _, action in sorted(self.actions, key=lambda a: (a[0], a[1])):
            delay = start + offset - time.time()
            if delay > 0:
                time.sleep(delay)
            else:
                self.late = max(self.late, -delay)
            action()


class ReportReplayTest(PeerCleanup, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.root = tempfile.mkdtemp(prefix="roomrec-replay-")
        cls.janus = harness.Janus(http_port=18788, admin_port=17788, settings={"recordings_root": cls.root},
                                  categories={"telemetry": {"postgres": cls.pg.conninfo},
                                              "delivery": {"postgres": cls.pg.conninfo, "storage": "local"},
                                              "reports": {"queue": 16}})

    @classmethod
    def tearDownClass(cls):
        harness.stop_janus(cls.janus, cls.pg.close)

    # -- helpers ------------------------------------------------------------------------------

    def handle(self):
        session = harness.Session(self.janus)
        self.sessions.append(session)
        return session.attach()

    def join(self, room, name, role, country, agent):
        handle = self.handle()
        info = {"display": name.title(), "user_agent": agent, "company": "Acme"}
        if country:
            info["country"] = country
        if name == "hana":
            info.update(email="hana@example.com", industry="Media")
        if name == "guest":
            body = {"request": "join", "room": room, "role": "viewer", "secret": "v-pass", "user": info}
        else:
            body = {"request": "join", "room": room, "token": harness.token(room, name, role), "user": info}
        data = handle.send(body)
        self.assertEqual(data.get("roomrec"), "joined", data)
        return handle, data

    def ok(self, handle, body, kind=None):
        reply = handle.send(body)
        self.assertNotIn("error_code", reply, (body, reply))
        if kind:
            self.assertEqual(reply.get("roomrec"), kind, reply)
        return reply

    def error(self, handle, body, code):
        reply = handle.send(body)
        self.assertEqual(reply.get("error_code"), code, (body, reply))

    def sql_rows(self, query):
        out = self.pg.psql(query)
        return [line.split("|") for line in out.splitlines()] if out else []

    def wait_count(self, room, kind, count, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            n = int(self.pg.psql(f"SELECT count(*) FROM telemetry_events WHERE room_id = '{room}' AND kind = '{kind}'"))
            if n >= count:
                return
            time.sleep(0.3)
        self.fail(f"{room}: fewer than {count} {kind} rows")

    def report(self, name, **params):
        """The plugin's report request, asked with the host's token; returns `data`."""
        body = dict({"request": "report", "room": ROOM, "report": name,
                     "token": harness.token(ROOM, "hana", "host")}, **params)
        answer = self.handle().send(body)
        self.assertEqual((answer.get("roomrec"), answer.get("report")), ("report", name), answer)
        return answer["data"]

    def cli(self, name, *args):
        result = subprocess.run([REPORT_CLI, name, "--room", ROOM, *args, "--postgres", self.pg.conninfo],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        answer = json.loads(result.stdout)  # the plugin's envelope
        self.assertEqual((answer["roomrec"], answer["report"], answer["room"]), ("report", name, ROOM), answer)
        return answer["data"]

    def custom(self, name):
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        result = subprocess.run([REPORT_CLI, "custom", name, "--from", self.day, "--to", today, "--postgres", self.pg.conninfo],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return list(csv.DictReader(io.StringIO(result.stdout)))

    # -- the session --------------------------------------------------------------------------

    def play_session(self):
        """Replays the script; returns what the test needs to know (ids, replies)."""
        lead = self.handle()
        harness.create_room(lead, ROOM, title="Replay", viewer_secret="v-pass")
        harness.create_room(lead, BREAKOUT, title="Breakout", parent=ROOM)
        s = Script()
        h, ids, users, got = {}, {}, {}, {"beats": {}}

        def join(name, room=ROOM, key=None):
            def run():
                _, role, country, agent = next(c for c in CAST if c[0] == name)
                handle, data = self.join(room, name, role, country, agent)
                h[key or name], ids[key or name] = handle, data["id"]
                users[name] = data.get("user_id", name)
            return run

        # t = 1: everyone joins.
        for index, (name, *_rest) in enumerate(CAST):
            s.at(1.0 + 0.1 * index, join(name))

        # t = 2: the host publishes (aiortc, stage included: present.start) and records.
        def present_and_record():
            self.publishers.append(publish_now(h["hana"]))
            got["recording"] = self.ok(h["hana"], {"request": "start_recording"})["recording"]
            h["hana"].wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("state") == "started", 10)
        s.at(2.0, present_and_record)

        # Heartbeats: round r of participant i at 15 + 10 r + 0.25 i.
        for r in range(ROUNDS):
            for i, (name, *_rest) in enumerate(CAST[:8]):
                if client_bits(name, r) is None:
                    continue

                def beat(name=name, r=r):
                    bits = client_bits(name, r)
                    reply = self.ok(h[name], {"request": "heartbeat", "focused": bool(bits & 1),
                                              "fullscreen": bool(bits & 2), "sound": bool(bits & 4),
                                              "camera": bool(bits & 8)}, "heartbeat")
                    got["beats"][(name, r)] = reply["engaged"]
                s.at(beat_time(r, i), beat)

        # t = 20.5: vic's burst of 7 claps: 5 accepted, 2 refused (457).
        def burst():
            replies = [h["vic"].send({"request": "react", "reaction": "clap"}) for _ in range(7)]
            self.assertEqual([r.get("roomrec") == "reacted" for r in replies], [True] * 5 + [False] * 2, replies)
            self.assertEqual({r.get("error_code") for r in replies[5:]}, {457})
        s.at(20.5, burst)

        # t = 30.5-34.5: chat. m1 by olga, sam's reply, two likes, m2 deleted by the moderator,
        # vic flags m1, mo claims and resolves it.
        def chat():
            got["m1"] = self.ok(h["olga"], {"request": "chat", "action": "send", "text": "Hello everyone"})["message"]["id"]
            got["reply"] = self.ok(h["sam"], {"request": "chat", "action": "send", "text": "Hi Olga",
                                              "reply_to": got["m1"]})["message"]["id"]
            self.ok(h["hana"], {"request": "chat", "action": "like", "message": got["m1"]})
            self.ok(h["pete"], {"request": "chat", "action": "like", "message": got["m1"]})
            got["m2"] = self.ok(h["olga"], {"request": "chat", "action": "send", "text": "typo"})["message"]["id"]
            self.ok(h["mo"], {"request": "chat", "action": "delete", "message": got["m2"]})
            self.ok(h["vic"], {"request": "chat", "action": "flag", "message": got["m1"]})
            self.ok(h["mo"], {"request": "moderate", "action": "claim", "message": got["m1"]})
            self.ok(h["mo"], {"request": "moderate", "action": "resolve", "message": got["m1"]})
        s.at(30.5, chat)

        # t = 38: vic opens the breakout (own session) and chats there; closed at t = 48.
        def breakout():
            join("vic", BREAKOUT, "vic-b")()
            got["mb"] = self.ok(h["vic-b"], {"request": "chat", "action": "send", "text": "in the breakout"})["message"]["id"]
        s.at(38.0, breakout)
        s.at(48.0, lambda: self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                             "request": {"request": "close", "room": BREAKOUT}}))

        # t = 40-44: polls p1 (host, 3 options) and p2 (moderator, 2); 6 answers; Q&A.
        def polls_and_qa():
            got["p1"] = self.ok(h["hana"], {"request": "poll", "action": "create", "question": "Best?",
                                            "options": ["a", "b", "c"]})["poll"]["id"]
            got["p2"] = self.ok(h["mo"], {"request": "poll", "action": "create", "question": "More?",
                                          "options": ["yes", "no"]})["poll"]["id"]
            for name, poll, choice in (("vic", "p1", 0), ("olga", "p1", 1), ("pete", "p1", 1), ("guest", "p1", 2),
                                       ("vic", "p2", 0), ("rita", "p2", 1)):
                self.ok(h[name], {"request": "poll", "action": "answer", "poll": got[poll], "choice": choice})
            got["q1"] = self.ok(h["vic"], {"request": "qa", "action": "ask", "text": "Slides?"})["question"]
            got["q2"] = self.ok(h["guest"], {"request": "qa", "action": "ask", "text": "Break?"})["question"]
            self.ok(h["sam"], {"request": "qa", "action": "answer", "question": got["q1"], "text": "Yes"})
            self.ok(h["hana"], {"request": "qa", "action": "answer", "question": got["q2"], "text": "At 3"})
        s.at(40.0, polls_and_qa)

        # t = 50-52: the host shares a deck; vic downloads it once, olga twice.
        def attachment():
            self.ok(h["hana"], {"request": "attachment", "action": "share", "attachment": "deck-1", "title": "Deck"})
            for name in ("vic", "olga", "olga"):
                self.ok(h[name], {"request": "download", "attachment": "deck-1", "name": "Deck.pdf"})
        s.at(50.0, attachment)

        # t = 62: pete's two hearts (minute 1).
        s.at(62.0, lambda: [self.ok(h["pete"], {"request": "react", "reaction": "heart"}) for _ in range(2)])
        s.at(RITA_LEAVES, lambda: self.ok(h["rita"], {"request": "leave"}))

        # t = 72-73.5: pete raises, the host lowers it; the guest raises and lowers its own.
        def hands():
            self.ok(h["pete"], {"request": "hand", "raised": True})
            self.ok(h["hana"], {"request": "hand", "raised": False, "participant": ids["pete"]})
            self.ok(h["guest"], {"request": "hand", "raised": True})
            self.ok(h["guest"], {"request": "hand", "raised": False})
        s.at(72.0, hands)

        # t = 80: p1 closed (4 answers); t = 90: the recording stops.
        s.at(80.0, lambda: self.assertEqual(
            self.ok(h["hana"], {"request": "poll", "action": "close", "poll": got["p1"]})["counts"], [1, 2, 1]))
        s.at(90.0, lambda: self.ok(h["hana"], {"request": "stop_recording"}))
        s.at(LENA_LEAVES, lambda: self.ok(h["lena"], {"request": "leave"}))
        s.at(STAGE_ON, lambda: self.ok(h["hana"], {"request": "stage", "participant": ids["olga"], "on_stage": True}))

        # t = 110-114: playback of the recording with seeks (the player says duration 100 s, so
        # bucket b = second b). Replies carry the distinct buckets, asserted here.
        def playback():
            rec = got["recording"]
            for name in ("hana", "pete", "mo"):
                self.ok(h[name], {"request": "playback", "recording": rec, "event": "impression"})

            def step(name, play, event, position, expect, **extra):
                body = dict({"request": "playback", "recording": rec, "event": event, "play": play,
                             "position_ms": position, "duration_ms": 100_000}, **extra)
                self.assertEqual(self.ok(h[name], body, "playback_recorded")["buckets"], expect, body)
            # pete: [0, 30) = 30 buckets, 30 s; back to 10 (a seek back: nothing), 10->20 again
            # (+10 s, no new bucket), seek from 25 (20->25: +5 s) to 80 (not watched), 80->90,
            # 90->100: buckets 0-29 + 80-99 = 50, watched 30 + 10 + 5 + 10 + 10 = 65 s.
            for event, position, expect in (("play", 0, 0), ("progress", 10_000, 10), ("progress", 20_000, 20),
                                             ("progress", 30_000, 30), ("progress", 10_000, 30),
                                             ("progress", 20_000, 30)):
                step("pete", "pp1", event, position, expect)
            step("pete", "pp1", "seek", 80_000, 30, from_ms=25_000)
            step("pete", "pp1", "progress", 90_000, 40)
            step("pete", "pp1", "progress", 100_000, 50)
            # mo, play 1: [0, 20) = 20 buckets, 20 s. Play 2: [0, 5), then a seek from 9 (5->9
            # watched) to 50, and nothing after: 9 buckets, 9 s, and its last row is the seek.
            for play, event, position, expect in (("mp1", "play", 0, 0), ("mp1", "progress", 10_000, 10),
                                                  ("mp1", "progress", 20_000, 20), ("mp2", "play", 0, 0),
                                                  ("mp2", "progress", 5_000, 5)):
                step("mo", play, event, position, expect)
            step("mo", "mp2", "seek", 50_000, 9, from_ms=9_000)
        s.at(110.0, playback)

        s.at(120.5, lambda: self.ok(h["guest"], {"request": "react", "reaction": "wow"}))
        s.at(STAGE_OFF, lambda: self.ok(h["hana"], {"request": "stage", "participant": ids["olga"], "on_stage": False}))
        s.at(RITA_BACK, join("rita", key="rita"))
        s.at(140.0, lambda: self.ok(h["pete"], {"request": "hand", "raised": True}))
        s.at(GUEST_LEAVES, lambda: self.ok(h["guest"], {"request": "leave"}))
        s.at(CLOSE_AT, lambda: self.ok(h["hana"], {"request": "close"}))

        # Start at the next whole minute (with at least 5 s to set up).
        start = (int(time.time()) // 60 + 1) * 60
        if start - time.time() < 5:
            start += 60
        s.run(start)
        got.update(start=start, late=s.late, users=users, ids=ids)
        return got

    # -- the test -----------------------------------------------------------------------------

    def test_every_report_of_a_replayed_session(self):
        began = time.time()
        got = self.play_session()
        M = Decimal(got["start"])
        guest = got["users"]["guest"]
        self.assertTrue(guest.startswith("guest-"), guest)
        self.assertLess(got["late"], 1.0, "the script ran late: minute boundaries are no longer safe")
        names = {c[0]: c[0] for c in CAST}
        names["guest"] = guest
        key = lambda name: names[name]  # noqa: E731  (user key of a cast member)

        # Heartbeat replies: engaged exactly as the rule says for the stored bits (server bit 4
        # for hana presenting and olga on stage).
        for (name, r), was_engaged in got["beats"].items():
            self.assertEqual(was_engaged, engaged(stored_bits(name, r)), (name, r))

        # Wait for the close's rows (10 leaves: 9 users, rita twice), then bring the rollups up
        # to date (what the minute-rollup thread does ~5 s after each minute closes).
        self.wait_count(ROOM, "leave", 10)
        self.wait_count(ROOM, "reaction.refused", 2)
        self.wait_count(BREAKOUT, "breakout.close", 1)
        deadline = time.time() + 60
        while not self.sql_rows(f"SELECT 1 FROM recordings WHERE recording_id = '{got['recording']}' "
                                "AND ended_at IS NOT NULL"):
            self.assertLess(time.time(), deadline, "no stored recording row")
            time.sleep(0.5)
        self.pg.psql(f"SELECT telemetry_refresh_minutes(to_timestamp({M - 120}), now() + interval '1 minute')")
        if os.environ.get("ROOMREC_REPLAY_DUMP"):  # the stored rows, to replay reports on by hand
            subprocess.run(["/usr/lib/postgresql/15/bin/pg_dump", "-h", self.pg.socket_dir, "-p", str(self.pg.port),
                            "-U", self.pg.user, "--data-only", "--inserts", "-t", "telemetry_events*", "-t", "recordings",
                            "-f", os.environ["ROOMREC_REPLAY_DUMP"], self.pg.database], check=True)
        self.day = datetime.datetime.fromtimestamp(int(M), datetime.timezone.utc).date().isoformat()

        # ---- what was stored, read back --------------------------------------------------------
        rows = self.sql_rows(
            f"SELECT kind, participant_id, coalesce(user_id, participant_id), extract(epoch FROM at)::text, value, "
            f"coalesce(subject_id, ''), session_id FROM telemetry_events WHERE room_id = '{ROOM}' ORDER BY at")
        rows = [dict(kind=k, participant=p, user=u, at=Decimal(a), value=int(v), subject=sub, session=ses)
                for k, p, u, a, v, sub, ses in rows]
        self.assertEqual(len({row["session"] for row in rows}), 1)
        session = rows[0]["session"]
        beats = [row for row in rows if row["kind"] == "heartbeat"]
        # Every stored heartbeat is the one scheduled, with the stored bits expected, in the
        # minute expected: 20 rounds x 6 full-time senders + rita 14 + guest 15 = 149.
        self.assertEqual(len(beats), 149)
        patterns = sorted({row["value"] for row in beats})
        self.assertEqual(patterns, list(range(32)), "every bit pattern 0-31 is used")
        expected_beats = sorted((key(name), r) for name, *_ in CAST[:8] for r in range(ROUNDS)
                                if client_bits(name, r) is not None)
        self.assertEqual(len(expected_beats), 149)
        by_user = {}
        for row in beats:
            by_user.setdefault(row["user"], []).append(row)
        for i, (name, *_) in enumerate(CAST[:8]):
            mine = by_user[key(name)]
            rounds = [r for r in range(ROUNDS) if client_bits(name, r) is not None]
            self.assertEqual([row["value"] for row in mine], [stored_bits(name, r) for r in rounds], name)
            for row, r in zip(mine, rounds):
                self.assertEqual(int((row["at"] - M) // 60), int(beat_time(r, i) // 60), (name, r, row["at"] - M))

        # The seeks carry the play's watched time (the recordings report reads a play's last row):
        # pp1 30 s, back, +10 s, +5 s to 25 = 45 s with buckets 0-29; mp2 5 s + 4 s to 9 = 9 s.
        seeks = self.sql_rows(f"SELECT body->>'play', value, body->>'watched_ms' FROM telemetry_events "
                              f"WHERE room_id = '{ROOM}' AND kind = 'playback.seek' ORDER BY at")
        self.assertEqual(seeks, [["pp1", "30", "45000"], ["mp2", "9", "9000"]])

        # Presence from the stored joins and leaves (every participant has a leave row).
        joins = {row["participant"]: row for row in rows if row["kind"] == "join"}
        leaves = {row["participant"]: row for row in rows if row["kind"] == "leave"}
        self.assertEqual(set(joins), set(leaves))
        intervals = {}
        for participant, row in joins.items():
            intervals.setdefault(row["user"], []).append((row["at"], leaves[participant]["at"]))
        seconds = {}
        for user, spans in intervals.items():
            spans.sort()
            merged = [list(spans[0])]
            for low, high in spans[1:]:
                if low <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], high)
                else:
                    merged.append([low, high])
            intervals[user] = merged
            seconds[user] = sum(high - low for low, high in merged)
        # Against the schedule (±3 s): everyone from t = 1.0-1.8 to the close at 215, except
        # rita [1.6, 70) + [130.5, 215) = 68.4 + 84.5 = 152.9 s, lena [1.8, 100) = 98.2 s,
        # guest [1.7, 160) = 158.3 s.
        schedule = {name: CLOSE_AT - (1.0 + 0.1 * i) for i, (name, *_) in enumerate(CAST)}
        schedule.update(rita=(RITA_LEAVES - 1.6) + (CLOSE_AT - RITA_BACK), lena=LENA_LEAVES - 1.8,
                        guest=GUEST_LEAVES - 1.7)
        for name in names:
            self.assertAlmostEqual(float(seconds[key(name)]), schedule[name], delta=3, msg=name)
        self.assertEqual(len(intervals[key("rita")]), 2)
        span_low = min(row["at"] for row in joins.values())
        span_high = max(row["at"] for row in leaves.values())
        live = len(seconds)                                                    # 9 user keys
        self.assertEqual(live, 9)

        # ---- custom CSV reports --------------------------------------------------------------------
        with self.subTest(report='custom CSV reports'):
            breakout_session = self.sql_rows(f"SELECT session_id FROM telemetry_events WHERE room_id = '{BREAKOUT}' "
                                             "AND kind = 'breakout.open'")[0][0]
            self.check_custom_reports(got, rows, session, breakout_session, seconds, intervals, key)

        # ---- sessions --------------------------------------------------------------------------
        with self.subTest(report='sessions'):
            sessions = self.report("sessions")
            breakout_rows = self.sql_rows(f"SELECT session_id, extract(epoch FROM at)::text FROM telemetry_events "
                                          f"WHERE room_id = '{BREAKOUT}' AND kind = 'breakout.open'")
            self.assertEqual(len(sessions["sessions"]), 1)
            entry = sessions["sessions"][0]
            non_beats = [row["at"] for row in rows if row["kind"] != "heartbeat"]
            self.assertEqual((entry["session"], entry["title"], entry["live_unique_viewers"], entry["parent"]),
                             (session, "Replay", 9, None))
            self.assertAlmostEqual(parse_iso(entry["first_at"]), min(non_beats), delta=Decimal("0.001"))
            self.assertAlmostEqual(parse_iso(entry["last_at"]), max(non_beats), delta=Decimal("0.001"))
            self.assertEqual(len(sessions["breakouts"]), 1)
            b = sessions["breakouts"][0]
            self.assertEqual((b["room"], b["session"], b["title"], b["opened_by"]),
                             (BREAKOUT, breakout_rows[0][0], "Breakout", "vic"))
            self.assertAlmostEqual(parse_iso(b["opened_at"]), Decimal(breakout_rows[0][1]), delta=Decimal("0.001"))

        # ---- overview (plugin and CLI) ---------------------------------------------------------
        with self.subTest(report='overview (plugin and CLI)'):
            total_seconds = sum(seconds.values())
            expected_overview = {
                "session": session,
                "duration_minutes": round1((span_high - span_low) / 60),           # ≈ (215 - 1) / 60 = 3.6
                "live_unique_viewers": 9,
                "recording_unique_viewers": 2,                                     # pete, mo
                "average_minutes_viewed": round1(total_seconds / 60 / 9),
                # 86 engaged of 149: hana 20/20, mo 17/20 (not: bits 0, 4, 0), sam 10/20, vic 15/20,
                # olga 3/20 (on stage), pete 10/20, rita 6/14, guest 5/15 → 86/149 = 57.718 %.
                "live_engagement_rate": 57.7,
                # 5 claps (vic) + 2 hearts (pete) + 1 wow (guest); 3 of 9 users = 33.3 %; 2 refused.
                "reactions": {"count": 8, "users": 3, "users_percent": 33.3, "refused_attempts": 2},
                # m1, m2 (olga, m2 deleted but counted) + sam's reply; the breakout's message is not
                # the main room's. 2 of 9 = 22.2 %.
                "chat_messages": {"count": 3, "users": 2, "users_percent": 22.2},
                # pete twice (t = 72, 140), guest once; the host's and guest's lowerings don't count.
                "raised_hands": {"count": 3, "users": 2, "users_percent": 22.2},
                # p1, p2; answers (user, poll): vic×2, olga, pete, guest, rita = 6; 5 users = 55.6 %.
                "polls": {"count": 2, "answers": 6, "users": 5, "users_percent": 55.6},
                # q1, q2; vic and guest asked, sam and hana answered: 4 users = 44.4 %.
                "qa_threads": {"count": 2, "users": 4, "users_percent": 44.4},
                # vic 1, olga 2: 3 downloads, 2 users.
                "downloads": {"count": 3, "users": 2, "users_percent": 22.2},
                "recording_plays": 3,                                              # pp1, mp1, mp2
            }
            self.assertAlmostEqual(expected_overview["duration_minutes"], 3.6, delta=0.05)
            # schedule: hana..pete 214.0, 213.9, ... 213.5 s (joins 0.1 s apart), rita 152.9, guest
            # 158.3, lena 98.2 → Σ ≈ 1690 s / 9 / 60 ≈ 3.13 min, within 3 s a user of the rows
            self.assertAlmostEqual(expected_overview["average_minutes_viewed"],
                                   sum(schedule.values()) / 60 / 9, delta=0.06)
            for overview in (self.report("overview"), self.cli("overview")):
                started, ended = overview.pop("started_at"), overview.pop("ended_at")
                self.assertAlmostEqual(parse_iso(started), span_low, delta=Decimal("0.001"))
                self.assertAlmostEqual(parse_iso(ended), span_high, delta=Decimal("0.001"))
                self.assertEqual(overview, expected_overview)

        # ---- timeline ----------------------------------------------------------------------------
        with self.subTest(report='timeline'):
            # Minutes M, M+1, M+2, M+3 (the close at M+215 s is in minute 3).
            # viewers: 9 (all join at t≈1), 9 (rita leaves at 70, lena at 100: both were there),
            # 8 (lena gone; rita back at 130.5; guest until 160), 7 (guest gone).
            # heartbeats (rounds 0-4 | 5-10 | 11-16 | 17-19):
            #   minute 0: 8 senders × 5 = 40; engaged hana 5, mo 3 (bits 1,2,3), vic 5, pete 3 (r 0,2,4),
            #             rita 5, guest 5 (camera) = 26 → 65.0
            #   minute 1: 7 × 6 + rita 1 (r 5) = 43; engaged hana 6, mo 6 (5-10), sam 1 (r 10), vic 6,
            #             olga 2 (on stage r 9,10), pete 3, rita 1, guest 0 = 25 → 58.1
            #   minute 2: 6 × 6 + rita 5 (r 12-16) + guest 4 (r 11-14) = 45; engaged hana 6, mo 5 (not
            #             r 16: 0), sam 6, vic 4 (r 11-14), olga 1 (r 11), pete 3 = 25 → 55.6
            #   minute 3: 7 × 3 = 21; engaged hana 3, mo 3, sam 3, pete 1 (r 18) = 10 → 47.6
            # reactions: 5 claps in minute 0, 2 hearts in minute 1, 1 wow in minute 2.
            expected_minutes = [(9, 40, 65.0, {"clap": 5}), (9, 43, 58.1, {"heart": 2}), (8, 45, 55.6, {"wow": 1}),
                                (7, 21, 47.6, {})]
            for timeline in (self.report("timeline"), self.cli("timeline")):
                self.assertEqual(timeline["session"], session)
                got_minutes = [(m["live_unique_viewers"], m["heartbeats"], m["engagement_rate"], m["reactions"])
                               for m in timeline["minutes"]]
                self.assertEqual(got_minutes, expected_minutes)
                self.assertEqual([m["index"] for m in timeline["minutes"]], [0, 1, 2, 3])
                self.assertEqual([parse_iso(m["minute"]) for m in timeline["minutes"]], [M, M + 60, M + 120, M + 180])

        # ---- attendees -----------------------------------------------------------------------------
        with self.subTest(report='attendees'):
            #            reactions chat hands polls qa downloads rate (engaged/heartbeats)
            figures = {"hana": (0, 0, 0, 0, 1, 0, 100.0), "mo": (0, 0, 0, 0, 0, 0, 85.0),
                       "sam": (0, 1, 0, 0, 1, 0, 50.0), "vic": (5, 0, 0, 2, 1, 1, 75.0),
                       "olga": (0, 2, 0, 1, 0, 2, 15.0), "pete": (2, 0, 2, 1, 0, 0, 50.0),
                       "rita": (0, 0, 0, 1, 0, 0, 42.9),                         # 6/14 = 42.857
                       "guest": (1, 0, 1, 1, 1, 0, 33.3),                        # 5/15
                       "lena": (0, 0, 0, 0, 0, 0, None)}                         # no heartbeat: null
            details = {name: (role, country) for name, role, country, _ in CAST}
            expected_attendees = []
            for name, (reac, chat, hands, polls, qa, downloads, rate) in figures.items():
                expected_attendees.append({
                    "user": key(name), "name": name.title(), "role": details[name][0],
                    "minutes_viewed": round1(seconds[key(name)] / 60), "reactions": reac, "chat_messages": chat,
                    "raised_hands": hands, "polls_answered": polls, "qa_threads": qa, "downloads": downloads,
                    "engagement_rate": rate,
                    "details": {"name": name.title(), "role": details[name][0], "company": "Acme",
                                "industry": "Media" if name == "hana" else None, "country": details[name][1]}})
            # Order: seconds viewed (unrounded) descending, then name.
            expected_attendees.sort(key=lambda a: (-seconds[a["user"]], a["name"]))
            for attendees in (self.report("attendees"), self.cli("attendees")):
                self.assertEqual((attendees["session"], attendees["total"], attendees["offset"]), (session, 9, 0))
                self.assertEqual(attendees["attendees"], expected_attendees)
            page = self.report("attendees", search="RIT", offset=0, limit=5)
            self.assertEqual((page["total"], [a["user"] for a in page["attendees"]]), (1, ["rita"]))

        # ---- heatmap -------------------------------------------------------------------------------
        with self.subTest(report='heatmap'):
            # Cells per minute 0-3 (E: an engaged heartbeat in it; N: present without one; .: away):
            cells = {"hana": "EEEE", "mo": "EEEE",
                     "sam": "NEEE",     # sound only until r 9; r 10 (minute 1) on
                     "vic": "EEEN",     # focused until r 14 (minute 2), then nothing
                     "olga": "NEEN",    # sound only; on stage r 9-11 (minutes 1, 2)
                     "pete": "EEEE",    # full screen every other round
                     "rita": "EENN",    # focused r 0-5, back at 130.5 with sound only
                     "guest": "ENN.",   # camera r 0-4, then nothing; gone at 160
                     "lena": "NN.."}    # present [1.8, 100) without heartbeats
            heatmap = self.report("heatmap")
            self.assertEqual((heatmap["session"], heatmap["minutes"], heatmap["total"]), (session, 4, 9))
            self.assertEqual(parse_iso(heatmap["first_minute"]), M)
            self.assertEqual([(row["user"], row["name"], row["cells"]) for row in heatmap["rows"]],
                             [(a["user"], a["name"], cells[a["name"].lower()]) for a in expected_attendees])

        # ---- one attendee: rita (two stints) --------------------------------------------------------
        with self.subTest(report='one attendee: rita (two stints)'):
            rita = self.report("attendee", user="rita")
            self.assertEqual(len(rita["presence"]), 2)
            for shown, (low, high) in zip(rita["presence"], intervals["rita"]):
                self.assertAlmostEqual(parse_iso(shown["from"]), low, delta=Decimal("0.001"))
                self.assertAlmostEqual(parse_iso(shown["to"]), high, delta=Decimal("0.001"))
            self.assertEqual((rita["heatmap"], rita["device"], rita["country"], rita["engagement_rate"], rita["polls_answered"]),
                             ("EENN", "desktop", "DE", 42.9, 1))

        # ---- stage and media -----------------------------------------------------------------------
        with self.subTest(report='stage and media'):
            marks = {kind: [row for row in rows if row["kind"] == kind]
                     for kind in ("stage.on", "stage.off", "present.start", "present.stop")}
            self.assertEqual([len(marks[k]) for k in marks], [1, 1, 1, 1])
            olga_stage = marks["stage.off"][0]["at"] - marks["stage.on"][0]["at"]   # ≈ 130 - 100.5 = 29.5 s
            hana_stage = marks["present.stop"][0]["at"] - marks["present.start"][0]["at"]  # ≈ 215 - ~4 s
            self.assertAlmostEqual(float(olga_stage), STAGE_OFF - STAGE_ON, delta=3)
            stage = self.report("stage")
            self.assertEqual([(s["user"], s["name"], s["role"], Decimal(str(s["seconds"])), s["minutes"]) for s in stage["stage"]],
                             [("hana", "Hana", "host", hana_stage.quantize(Decimal("0.001")), round1(hana_stage / 60)),
                              ("olga", "Olga", "viewer", olga_stage.quantize(Decimal("0.001")), round1(olga_stage / 60))])
            media = self.report("media")["media"]
            self.assertEqual([(m["user"], m["source"], Decimal(str(m["seconds"]))) for m in media],
                             [("hana", "stage", hana_stage.quantize(Decimal("0.001")))])
            self.assertEqual(stage["media"], media)

        # ---- recordings ----------------------------------------------------------------------------
        with self.subTest(report='recordings'):
            recording = self.sql_rows(f"SELECT title, extract(epoch FROM started_at)::text, duration_ms FROM recordings "
                                      f"WHERE recording_id = '{got['recording']}'")[0]
            # ≈ 90 s - ~8 s; belongs to the session (started inside its span).
            self.assertTrue(span_low <= Decimal(recording[1]) <= span_high)
            recordings = self.report("recordings")["recordings"]
            self.assertEqual(len(recordings), 1)
            entry = recordings[0]
            self.assertAlmostEqual(parse_iso(entry.pop("started_at")), Decimal(recording[1]), delta=Decimal("0.001"))
            self.assertEqual(entry, {
                "recording": got["recording"], "title": recording[0], "duration_ms": int(recording[2]),
                "impressions": 3, "plays": 3, "unique_viewers": 2,
                # watched: pp1 65 s, mp1 20 s, mp2 9 s (its last row is the seek) = 94 s = 1.567 min
                "minutes_viewed": 1.6,
                # buckets 50 + 20 + 9 = 79 / 3 plays = 26.33 %
                "average_completion": 26.3,
                "users": [{"user": "mo", "plays": 2, "minutes_viewed": 0.5,        # 29 s = 0.483 min
                           "average_completion": 14.5},                              # (20 + 9) / 2
                          {"user": "pete", "plays": 1, "minutes_viewed": 1.1,      # 65 s = 1.083 min
                           "average_completion": 50.0}]})

        # ---- geography -----------------------------------------------------------------------------
        with self.subTest(report='geography'):
            # Live: DE hana, mo, rita; FR vic, olga; US sam, pete; ES lena; the guest sent no country.
            # Devices: iPhone → mobile (vic), Android without "Mobile" → tablet (lena), the rest desktop.
            # Recording viewers: mo (DE, desktop), pete (US, desktop).
            self.assertEqual(self.report("geography"), {
                "session": session,
                "live": {"countries": [{"country": "DE", "viewers": 3}, {"country": "FR", "viewers": 2},
                                       {"country": "US", "viewers": 2}, {"country": "ES", "viewers": 1},
                                       {"country": "unknown", "viewers": 1}],
                         "devices": [{"device": "desktop", "viewers": 7}, {"device": "mobile", "viewers": 1},
                                     {"device": "tablet", "viewers": 1}]},
                "recording": {"countries": [{"country": "DE", "viewers": 1}, {"country": "US", "viewers": 1}],
                              "devices": [{"device": "desktop", "viewers": 2}]}})

        print(f"\nreplay: script lateness {got['late']:.3f} s, whole test {time.time() - began:.0f} s",
              file=sys.stderr)

    def check_custom_reports(self, got, rows, session, breakout_session, seconds, intervals, key):
        unix = lambda at: str(int(at // 1))  # noqa: E731  (floor of the epoch)
        breakout_rows = self.sql_rows(
            f"SELECT kind, coalesce(user_id, participant_id), extract(epoch FROM at)::text FROM telemetry_events "
            f"WHERE room_id = '{BREAKOUT}' ORDER BY at")
        b_join = next(Decimal(a) for k, _, a in breakout_rows if k == "join")
        b_leave = next(Decimal(a) for k, _, a in breakout_rows if k == "leave")
        b_first = min(Decimal(a) for _, _, a in breakout_rows)
        b_last = max(Decimal(a) for _, _, a in breakout_rows)
        main_first, main_last = min(r["at"] for r in rows), max(r["at"] for r in rows)
        minutes2 = lambda s: str(Decimal(s / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))  # noqa: E731

        with self.subTest(csv='room_data'):
            # room_data: the main session (86/149 = 0.577181 → 0.5772) and the breakout (vic alone,
            # no heartbeats: empty rate), by start time.
            self.assertEqual(self.custom("room_data"), [
                {"entry_id": ROOM, "entry_name": "Replay", "parent_entry_id": "", "cue_point_id": session,
                 "session_start_time": unix(main_first), "session_end_time": unix(main_last),
                 "session_host_user_id": "hana", "meeting_view_period_unique_users": "9",
                 "meeting_engaged_play_time_ratio": "0.5772", "virtual_event_id": ""},
                {"entry_id": BREAKOUT, "entry_name": "Breakout", "parent_entry_id": ROOM, "cue_point_id": breakout_session,
                 "session_start_time": unix(b_first), "session_end_time": unix(b_last), "session_host_user_id": "",
                 "meeting_view_period_unique_users": "1", "meeting_engaged_play_time_ratio": "", "virtual_event_id": ""}])

        with self.subTest(csv='breakout_sessions'):
            # breakout_sessions: opened by vic; vic's presence join→leave.
            self.assertEqual(self.custom("breakout_sessions"), [
                {"parent_entry_id": ROOM, "entry_id": BREAKOUT, "entry_name": "Breakout", "cue_point_id": breakout_session,
                 "opened_by": "vic", "session_start_time": unix(b_first), "session_end_time": unix(b_last),
                 "unique_users": "1", "minutes_viewed": minutes2(b_leave - b_join)}])

        with self.subTest(csv='attendees_data'):
            # attendees_data: the 9 main-room users (by first join) and vic in the breakout.
            rates = {"hana": "1.0000", "mo": "0.8500", "sam": "0.5000", "vic": "0.7500", "olga": "0.1500",
                     "pete": "0.5000", "rita": "0.4286", "guest": "0.3333", "lena": ""}
            counts = {"hana": "0 0 0 0 1 0", "mo": "0 0 0 0 0 0", "sam": "0 1 0 0 1 0", "vic": "5 0 0 2 1 1",
                      "olga": "0 2 0 1 0 2", "pete": "2 0 2 1 0 0", "rita": "0 0 0 1 0 0", "guest": "1 0 1 1 1 0",
                      "lena": "0 0 0 0 0 0"}
            devices = {"vic": "mobile", "lena": "tablet"}
            attendees = self.custom("attendees_data")
            main = [a for a in attendees if a["entry_id"] == ROOM]
            self.assertEqual([a["user_id"] for a in main],
                             sorted((key(n) for n in counts), key=lambda u: (intervals[u][0][0], u)))
            for name, role, country, _ in CAST:
                a = next(a for a in main if a["user_id"] == key(name))
                self.assertEqual(a, {
                    "entry_id": ROOM, "cue_point_id": session, "user_id": key(name), "user_name": name.title(),
                    "user_email": "hana@example.com" if name == "hana" else "", "role": role, "company": "Acme",
                    "industry": "Media" if name == "hana" else "", "country": country or "",
                    "device": devices.get(name, "desktop"),
                    "first_join_time": unix(intervals[key(name)][0][0]), "last_leave_time": unix(intervals[key(name)][-1][1]),
                    "minutes_viewed": minutes2(seconds[key(name)]), "engagement_rate": rates[name],
                    **dict(zip(("reactions", "chat_messages", "raised_hands", "polls_answered", "qa_threads", "downloads"),
                               counts[name].split()))}, name)
            in_breakout = [a for a in attendees if a["entry_id"] == BREAKOUT]
            self.assertEqual([(a["user_id"], a["minutes_viewed"], a["chat_messages"], a["engagement_rate"])
                              for a in in_breakout], [("vic", minutes2(b_leave - b_join), "1", "")])

        with self.subTest(csv='chat_transcripts'):
            # chat_transcripts: m1 (2 likes), the reply, m2 (deleted), then the breakout's message.
            chat_at = {row["subject"]: row["at"] for row in rows if row["kind"] in ("chat.send", "chat.reply")}
            transcript = self.custom("chat_transcripts")
            self.assertEqual([(t["entry_id"], t["message_id"], t["user_id"], t["user_name"], t["role"], t["context"],
                               t["reply_to"], t["text"], t["likes"], t["deleted"]) for t in transcript], [
                (ROOM, got["m1"], "olga", "Olga", "viewer", "main", "", "Hello everyone", "2", "false"),
                (ROOM, got["reply"], "sam", "Sam", "speaker", "main", got["m1"], "Hi Olga", "0", "false"),
                (ROOM, got["m2"], "olga", "Olga", "viewer", "main", "", "typo", "0", "true"),
                (BREAKOUT, got["mb"], "vic", "Vic", "viewer", "breakout", "", "in the breakout", "0", "false")])
            for t in transcript[:3]:
                self.assertAlmostEqual(parse_iso(t["sent_at"]), chat_at[t["message_id"]], delta=Decimal("0.001"))

        with self.subTest(csv='chat_moderation'):
            # chat_moderation: m1 flagged by vic, claimed and resolved by mo.
            moderation_at = [row["at"] for row in rows if row["kind"] == "moderation"]
            self.assertEqual(len(moderation_at), 3)
            moderation = self.custom("chat_moderation")
            self.assertEqual(len(moderation), 1)
            m = moderation[0]
            for field, at in zip(("flagged_at", "first_claimed_at", "resolved_at"), moderation_at):
                self.assertAlmostEqual(parse_iso(m.pop(field)), at, delta=Decimal("0.001"))
            self.assertEqual(m, {"entry_id": ROOM, "cue_point_id": session, "message_id": got["m1"],
                                 "message_text": "Hello everyone", "author_user_id": "olga", "state": "resolved",
                                 "owner": "mo", "done_at": "", "actions": "flag claim resolve"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
