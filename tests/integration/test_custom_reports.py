"""The five custom CSV reports (A7, A8) on a real Postgres (postgres.py), through the CLI
`roomrec-report custom`: a hand-built session with hostile user text compared byte for byte
against golden files (tests/integration/golden/custom/<report>[.descriptive].csv, reviewed by
eye: they are the spec), filters, options, bad inputs with their exit codes, and a 1 M row
export in bounded memory.

    ROOMREC_REPORT_CLI=build/analytics/roomrec-report \\
        /usr/bin/python3 -W ignore tests/integration/test_custom_reports.py
    ROOMREC_UPDATE_GOLDEN=1 ... rewrites the golden files (then read every changed line).
"""
import datetime
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from postgres import BIN, Postgres  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "../..")
CLI = os.environ.get("ROOMREC_REPORT_CLI") or os.path.join(ROOT, "build/analytics/roomrec-report")
GOLDEN = os.path.join(HERE, "golden/custom")
UPDATE = bool(os.environ.get("ROOMREC_UPDATE_GOLDEN"))
ASAN = "asan" in CLI
REPORTS = ["room_data", "attendees_data", "breakout_sessions", "chat_transcripts", "chat_moderation"]
MARCH = ["--from", "2024-03-01", "--to", "2024-03-31"]
REFRESH = "SELECT telemetry_refresh_minutes(min(at), max(at) + interval '1 minute') FROM telemetry_events"

# Hostile user text: formula starters, CSV specials, newlines, emoji, Arabic with bidi marks.
NAMES = {
    "u1": "=cmd|' /C calc'!A0",
    "u2": "+1",
    "u3": "-2 minus",
    "u4": "@x",
    "u5": 'Doe, "Jane"',
    "u6": "Line\nbreak\r\nname",
    "u7": "Emoji \U0001f389\U0001f469\u200d\U0001f4bb",
    "u8": "\u200f\u0645\u0631\u062d\u0628\u0627\u200e Arabic",
    "p9": "\tTabbed guest",
}
ROLES = {"u1": "host", "u2": "moderator", "u3": "speaker"}
T0 = datetime.datetime(2024, 3, 5, 10, 0, 0, tzinfo=datetime.timezone.utc)  # unix 1709632800


def at(seconds):
    return (T0 + datetime.timedelta(seconds=seconds)).isoformat()


class Rows:
    """telemetry_events rows, built by hand."""

    def __init__(self):
        self.rows = []

    def add(self, room, session, seconds, kind, participant=None, user=None, subject=None, value=0, body=None):
        self.rows.append({"room_id": room, "node_id": "node-a", "at": at(seconds), "session_id": session,
                          "kind": kind, "participant_id": participant, "user_id": user, "subject_id": subject,
                          "value": value, "body": body})

    def join(self, room, session, seconds, participant, user, title, parent=None, **extra):
        key = user or participant
        body = {"role": ROLES.get(key, "viewer"), "display": NAMES[key], "device": "desktop", "os": "linux",
                "browser": "chrome", "client": "web", "title": title}
        if parent:
            body["parent"] = parent
        body.update(extra)
        self.add(room, session, seconds, "join", participant, user, body=body)

    def leave(self, room, session, seconds, participant, user):
        key = user or participant
        self.add(room, session, seconds, "leave", participant, user,
                 body={"role": ROLES.get(key, "viewer"), "display": NAMES[key], "reason": "left"})

    def heartbeats(self, room, session, participant, user, start, stop, bits):
        """One heartbeat every 10 s from start to stop inclusive; bits cycles through the list."""
        for i, second in enumerate(range(start, stop + 1, 10)):
            self.add(room, session, second, "heartbeat", participant, user, value=bits[i % len(bits)])


def fixture():
    r = Rows()
    main, sess, title = "main-1", "sessA", 'Weekly "All-Hands", Q1'
    # Main room session sessA, 10:00:00 - 10:10:00 (600 s).
    r.join(main, sess, 0, "pa1", "u1", title, company="ACME, Inc.", industry="=SUM(A1)", country="DE",
           email="host@example.com")
    r.heartbeats(main, sess, "pa1", "u1", 10, 590, [1])          # 59 heartbeats, all engaged (focused)
    r.leave(main, sess, 600, "pa1", "u1")                         # u1: 600 s = 10.00 min, rate 1.0000
    r.join(main, sess, 5, "pa2", "u2", title, industry="@x", country="FR")
    r.heartbeats(main, sess, "pa2", "u2", 15, 295, [4, 8])        # 29 hb: sound only / camera: 14 of 29 engaged
    r.leave(main, sess, 300, "pa2", "u2")                         # u2: 295 s = 4.92 min, 14/29 = 0.4828
    # u3 on two devices with overlapping stints: [60, 240) and [200, 360) merge into [60, 360).
    r.join(main, sess, 60, "pa3", "u3", title, company="+Corp")
    r.heartbeats(main, sess, "pa3", "u3", 70, 230, [16])          # 17 hb on stage
    r.leave(main, sess, 240, "pa3", "u3")
    r.join(main, sess, 200, "pa3b", "u3", title, company="+Corp", device="mobile")
    r.heartbeats(main, sess, "pa3b", "u3", 210, 350, [0])         # 15 hb nothing: 17/32 = 0.5313
    r.leave(main, sess, 360, "pa3b", "u3")                        # u3: 300 s = 5.00 min
    r.join(main, sess, 30, "pa4", "u4", title, country="EG")
    r.heartbeats(main, sess, "pa4", "u4", 40, 100, [2, 3])        # 7 hb: 2 (fullscreen) and 3: all engaged
    r.leave(main, sess, 120, "pa4", "u4")                         # u4 main: 90 s = 1.50 min
    r.join(main, sess, 30, "pa5", "u5", title, company='Quote "Co"')
    r.heartbeats(main, sess, "pa5", "u5", 40, 160, [1, 0, 0])    # 13 hb: 5 engaged -> 0.3846
    r.leave(main, sess, 170, "pa5", "u5")                         # u5 main: 140 s = 2.33 min
    r.join(main, sess, 100, "pa6", "u6", title)
    r.leave(main, sess, 130, "pa6", "u6")                         # no heartbeat: empty rate, 0.50 min
    r.join(main, sess, 100, "pa7", "u7", title, industry="-Media")
    r.heartbeats(main, sess, "pa7", "u7", 110, 200, [9])          # 10 hb focused+camera
    r.leave(main, sess, 205, "pa7", "u7")                         # u7: 105 s = 1.75 min
    r.join(main, sess, 50, "pa8", "u8", title, country="\u200fSA")
    r.heartbeats(main, sess, "pa8", "u8", 60, 150, [0, 31])       # 10 hb: 5 engaged -> 0.5000
    r.leave(main, sess, 155, "pa8", "u8")                         # u8: 105 s = 1.75 min
    # A guest (no user id) whose node crashed: no leave; present until last heartbeat + 25 s.
    r.join(main, sess, 20, "p9", None, title, device="tablet")
    r.heartbeats(main, sess, "p9", None, 30, 90, [1])             # last hb at 90 -> until 115: 95 s = 1.58 min

    # Signals in the main room.
    for second, (p, u) in enumerate([("pa1", "u1"), ("pa1", "u1"), ("pa5", "u5")]):
        r.add(main, sess, 61 + second, "reaction", p, u, subject="clap")
    r.add(main, sess, 70, "hand", "pa4", "u4", value=1)
    r.add(main, sess, 75, "hand", "pa4", "u4", value=0, body={"lowered_by": "u1"})
    r.add(main, sess, 80, "poll.create", "pa1", "u1", subject="poll-1", value=2,
          body={"question": "=1+1?", "options": ["a", "b"]})
    r.add(main, sess, 90, "poll.answer", "pa5", "u5", subject="poll-1", value=1)
    r.add(main, sess, 91, "poll.answer", "pa8", "u8", subject="poll-1", value=0)
    r.add(main, sess, 95, "qa.ask", "pa7", "u7", subject="q-1", body={"text": "Why?"})
    r.add(main, sess, 96, "qa.answer", "pa1", "u1", subject="q-1", body={"text": "Because."})  # u1's thread too
    r.add(main, sess, 97, "download", "pa7", "u7", subject="att-1", body={"name": "slides.pdf"})
    r.add(main, sess, 98, "download", "pa7", "u7", subject="att-1", body={"name": "slides.pdf"})
    # Chat: a formula, a reply with quotes and a newline, likes, a deleted message, Arabic and emoji.
    r.add(main, sess, 100, "chat.send", "pa5", "u5", subject="msg-a1",
          body={"text": '=HYPERLINK("http://x","click")', "context": "main"})
    r.add(main, sess, 101, "chat.reply", "pa1", "u1", subject="msg-a2",
          body={"text": 'Thanks, "Jane"\nsee you', "context": "main", "reply_to": "msg-a1"})
    r.add(main, sess, 102, "chat.like", "pa2", "u2", subject="msg-a1", value=1)
    r.add(main, sess, 103, "chat.like", "pa3", "u3", subject="msg-a1", value=2)
    r.add(main, sess, 104, "chat.send", "pa4", "u4", subject="msg-a3", body={"text": "@everyone +1", "context": "main"})
    r.add(main, sess, 105, "chat.delete", "pa2", "u2", subject="msg-a3", body={"author": "u4"})
    r.add(main, sess, 106, "chat.send", "p9", None, subject="msg-a4",
          body={"text": "\u0645\u0631\u062d\u0628\u0627 \U0001f389", "context": "main"})
    r.add(main, sess, 107, "chat.send", "pa8", "u8", subject="msg-a5", body={"text": "-", "context": "main"})
    # Moderation: msg-a3 goes the whole way; msg-a1 is claimed, released and claimed by another.
    for second, state, action, owner in [(110, "pending", "flag", None), (111, "owned", "claim", "u2"),
                                         (112, "resolved", "resolve", "u2"), (113, "done", "close", "u2")]:
        r.add(main, sess, second, "moderation", "pa2", "u2", subject="msg-a3",
              body={k: v for k, v in {"state": state, "action": action, "owner": owner}.items() if v})
    for second, state, action, owner, who in [(120, "pending", "flag", None, ("pa3", "u3")),
                                              (121, "owned", "claim", "u1", ("pa1", "u1")),
                                              (122, "pending", "release", None, ("pa1", "u1")),
                                              (123, "owned", "claim", "u2", ("pa2", "u2"))]:
        r.add(main, sess, second, "moderation", who[0], who[1], subject="msg-a1",
              body={k: v for k, v in {"state": state, "action": action, "owner": owner}.items() if v})

    # A breakout of main-1 opened by u2 at 10:03:00, u4 and u5 in it.
    bo, bsess = "bo-1", "sessB"
    r.add(bo, bsess, 180, "breakout.open", subject=main, body={"title": "Breakout =A", "opened_by": "u2"})
    r.join(bo, bsess, 181, "pb4", "u4", "Breakout =A", parent=main)
    r.heartbeats(bo, bsess, "pb4", "u4", 191, 291, [1])           # 11 hb engaged
    r.leave(bo, bsess, 300, "pb4", "u4")                          # 119 s
    r.join(bo, bsess, 182, "pb5", "u5", "Breakout =A", parent=main)
    r.heartbeats(bo, bsess, "pb5", "u5", 192, 292, [4])           # 11 hb sound only
    r.leave(bo, bsess, 300, "pb5", "u5")                          # 118 s
    r.add(bo, bsess, 200, "chat.send", "pb4", "u4", subject="msg-b1", body={"text": "in the breakout", "context": "breakout"})
    r.add(bo, bsess, 301, "breakout.close", subject=main, body={"reason": "closed_by_host"})

    # Outside March: an earlier session of main-1 (filtered out by the range).
    r.join(main, "sessOld", -86400 * 20, "po1", "u1", title)
    r.leave(main, "sessOld", -86400 * 20 + 60, "po1", "u1")
    # Another room later in March (filters select it or not).
    r.join("main-2", "sessC", 86400 * 15, "pc1", "u7", "Second room")
    r.heartbeats("main-2", "sessC", "pc1", "u7", 86400 * 15 + 10, 86400 * 15 + 30, [1])
    r.leave("main-2", "sessC", 86400 * 15 + 40, "pc1", "u7")
    return r.rows


def load_rows(pg, database, rows):
    payload = json.dumps(rows)
    assert "$rows$" not in payload
    # The reports read the rollups, which the minute-rollup thread keeps; here they are refreshed
    # at once for the rows loaded.
    sql = ("INSERT INTO telemetry_events SELECT * FROM json_populate_recordset(NULL::telemetry_events, $rows$"
           + payload + "$rows$::json);" + REFRESH)
    subprocess.run([f"{BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.socket_dir, "-p", str(pg.port), "-U",
                    pg.user, "-d", database], input=sql, text=True, check=True, capture_output=True)


def migrate(pg, database):
    for path in sorted(glob.glob(os.path.join(ROOT, "analytics/schema/*.sql"))):
        subprocess.run([f"{BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-h", pg.socket_dir,
                        "-p", str(pg.port), "-U", pg.user, "-d", database, "-f", path],
                       check=True, capture_output=True, text=True)


class CustomReports(unittest.TestCase):
    pg = None

    @classmethod
    def setUpClass(cls):
        if not os.access(CLI, os.X_OK):
            raise AssertionError(f"roomrec-report is not built: {CLI}")
        cls.pg = Postgres().start()
        cls.conninfo = cls.pg.create_database("reports")
        migrate(cls.pg, "reports")
        load_rows(cls.pg, "reports", fixture())

    @classmethod
    def tearDownClass(cls):
        if cls.pg:
            cls.pg.close()

    def run_cli(self, *args, conninfo=None):
        return subprocess.run([CLI, "custom", *args, "--postgres", conninfo or self.conninfo], capture_output=True,
                              timeout=300)

    def report(self, *args):
        result = self.run_cli(*args)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        return result.stdout

    def rows(self, *args):
        """The data rows of a report (CSV parsed with Python's csv module, header dropped)."""
        import csv
        import io
        text = self.report(*args).decode()
        return list(csv.reader(io.StringIO(text, newline="")))[1:]

    def test_golden_files(self):
        for name in REPORTS:
            for descriptive in (False, True):
                with self.subTest(report=name, descriptive=descriptive):
                    got = self.report(name, *MARCH, *(["--descriptive-headers"] if descriptive else []))
                    path = os.path.join(GOLDEN, name + (".descriptive" if descriptive else "") + ".csv")
                    if UPDATE:
                        with open(path, "wb") as f:
                            f.write(got)
                    with open(path, "rb") as f:
                        self.assertEqual(got, f.read(), f"{path} differs")

    def test_csv_rules_hold_on_every_report(self):
        for name in REPORTS:
            data = self.report(name, *MARCH)
            data.decode("utf-8")  # strict: every byte is UTF-8
            self.assertTrue(data.endswith(b"\r\n"))
            self.assertNotIn(b"\xef\xbb\xbf", data[:3])
        # Every user-written cell that starts like a formula is defused; ids and numbers are not.
        rows = {row[2]: row for row in self.rows("attendees_data", *MARCH)}
        self.assertEqual(rows["u1"][3], "'=cmd|' /C calc'!A0")
        self.assertEqual(rows["u1"][7], "'=SUM(A1)")
        self.assertEqual(rows["u2"][3], "'+1")
        self.assertEqual(rows["u2"][7], "'@x")
        self.assertEqual(rows["u3"][3], "'-2 minus")
        self.assertEqual(rows["u3"][6], "'+Corp")
        self.assertEqual(rows["u5"][3], 'Doe, "Jane"')
        self.assertEqual(rows["u6"][3], "Line\nbreak\r\nname")
        self.assertEqual(rows["p9"][3], "'\tTabbed guest")
        self.assertEqual(rows["u8"][3], NAMES["u8"])
        self.assertEqual(rows["u7"][3], NAMES["u7"])

    def test_numbers_by_hand(self):
        rows = {(row[0], row[2]): row for row in self.rows("attendees_data", *MARCH)}
        # minutes_viewed, engagement_rate (see fixture(): each line's comment has the arithmetic)
        expected = {("main-1", "u1"): ("10.00", "1.0000"), ("main-1", "u2"): ("4.92", "0.4828"),
                    ("main-1", "u3"): ("5.00", "0.5313"), ("main-1", "u4"): ("1.50", "1.0000"),
                    ("main-1", "u5"): ("2.33", "0.3846"), ("main-1", "u6"): ("0.50", ""),
                    ("main-1", "u7"): ("1.75", "1.0000"), ("main-1", "u8"): ("1.75", "0.5000"),
                    ("main-1", "p9"): ("1.58", "1.0000"),
                    ("bo-1", "u4"): ("1.98", "1.0000"), ("bo-1", "u5"): ("1.97", "0.0000")}
        for key, (minutes, rate) in expected.items():
            self.assertEqual((rows[key][12], rows[key][13]), (minutes, rate), key)
        # u3's two devices: first join at 60 s, last leave at 360 s.
        self.assertEqual((rows[("main-1", "u3")][10], rows[("main-1", "u3")][11]), ("1709632860", "1709633160"))
        # Counts: u1 2 reactions, 1 chat, 1 Q&A thread (answered q-1: a user's threads are the
        # distinct questions they asked or answered in); u4 1 raised hand (the lowering does not
        # count), 1 chat (deleted, still sent); u5 1 poll; u7 1 Q&A thread (asked q-1), 2 downloads.
        self.assertEqual(rows[("main-1", "u1")][14:20], ["2", "1", "0", "0", "1", "0"])
        self.assertEqual(rows[("main-1", "u4")][14:20], ["0", "1", "1", "0", "0", "0"])
        self.assertEqual(rows[("main-1", "u5")][14:20], ["1", "1", "0", "1", "0", "0"])
        self.assertEqual(rows[("main-1", "u7")][14:20], ["0", "0", "0", "0", "1", "2"])
        room = {row[0]: row for row in self.rows("room_data", *MARCH)}
        # main-1: 9 users; heartbeats 59+29+32+7+13+10+10+7 = 167, engaged 59+14+17+7+5+10+5+7 = 124
        self.assertEqual(room["main-1"][7:9], ["9", "0.7425"])
        self.assertEqual(room["main-1"][4:7], ["1709632800", "1709633400", "u1"])
        # bo-1: 2 users, 22 heartbeats, 11 engaged.
        self.assertEqual(room["bo-1"][2], "main-1")
        self.assertEqual(room["bo-1"][7:9], ["2", "0.5000"])
        breakout = self.rows("breakout_sessions", *MARCH)
        self.assertEqual(len(breakout), 1)
        # The session span runs from the first presence start to the last presence end: u4
        # joined at 10:03:01 (the breakout.open at 10:03:00 and breakout.close at 10:05:01 are
        # no presence), both left at 10:05:00; 119 s + 118 s = 237 s = 3.95 min.
        self.assertEqual(breakout[0], ["main-1", "bo-1", "Breakout =A", "sessB", "u2",
                                       "1709632981", "1709633100", "2", "3.95"])

    def test_chat_reports(self):
        chat = {row[2]: row for row in self.rows("chat_transcripts", *MARCH)}
        self.assertEqual(sorted(chat), ["msg-a1", "msg-a2", "msg-a3", "msg-a4", "msg-a5", "msg-b1"])
        self.assertEqual(chat["msg-a1"][9:], ["'=HYPERLINK(\"http://x\",\"click\")", "2", "false"])
        self.assertEqual(chat["msg-a2"][8:10], ["msg-a1", 'Thanks, "Jane"\nsee you'])
        self.assertEqual(chat["msg-a3"][9:], ["'@everyone +1", "0", "true"])
        self.assertEqual(chat["msg-a5"][9], "'-")
        self.assertEqual(chat["msg-b1"][7], "breakout")
        self.assertEqual(chat["msg-a1"][3], "2024-03-05T10:01:40.000Z")
        moderation = {row[2]: row for row in self.rows("chat_moderation", *MARCH)}
        self.assertEqual(moderation["msg-a3"][5:], ["2024-03-05T10:01:50.000Z", "done", "u2", "2024-03-05T10:01:51.000Z",
                                                    "2024-03-05T10:01:52.000Z", "2024-03-05T10:01:53.000Z",
                                                    "flag claim resolve close"])
        self.assertEqual(moderation["msg-a1"][6:9], ["owned", "u2", "2024-03-05T10:02:01.000Z"])
        self.assertEqual(moderation["msg-a1"][11], "flag claim release claim")

    def test_filters(self):
        def ids(report, column, *args):
            dates = [] if "--from" in args else MARCH
            return sorted({row[column] for row in self.rows(report, *dates, *args)})
        self.assertEqual(ids("room_data", 0), ["bo-1", "main-1", "main-2"])
        self.assertEqual(ids("room_data", 0, "--entry-ids", "main-2,nope"), ["main-2"])
        self.assertEqual(ids("room_data", 0, "--parent-entry-ids", "main-1"), ["bo-1"])
        self.assertEqual(ids("room_data", 0, "--cue-point-ids", "sessB,sessC"), ["bo-1", "main-2"])
        self.assertEqual(ids("room_data", 0, "--virtual-event-ids", "ve-1"), [])
        self.assertEqual(ids("attendees_data", 2, "--user-ids", "u7,p9"), ["p9", "u7"])
        self.assertEqual(ids("room_data", 0, "--user-ids", "u4"), ["bo-1", "main-1"])
        self.assertEqual(ids("chat_transcripts", 2, "--user-ids", "u4"), ["msg-a3", "msg-b1"])
        self.assertEqual(ids("chat_moderation", 2, "--user-ids", "u5"), ["msg-a1"])
        self.assertEqual(ids("room_data", 0, "--from", "2024-03-06", "--to", "2024-03-31"), ["main-2"])
        self.assertEqual(ids("room_data", 3, "--from", "2024-02-01", "--to", "2024-02-29"), ["sessOld"])
        # A value that would be SQL if it were pasted into a statement never gets that far.
        bad = self.run_cli("room_data", *MARCH, "--entry-ids", "x');DROP TABLE telemetry_events;--")
        self.assertEqual(bad.returncode, 2)
        self.assertEqual(self.pg.psql("SELECT count(*) > 0 FROM telemetry_events", database="reports"), "t")

    def test_bom_output_file_and_ranges(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "export.csv")
            result = self.run_cli("room_data", *MARCH, "--bom", "--descriptive-headers", "--output", path)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(path, "rb") as f:
                data = f.read()
            self.assertTrue(data.startswith(b"\xef\xbb\xbfRoom ID,Room name,"))
            self.assertEqual(os.listdir(folder), ["export.csv"])  # no temporary left
            # A failed export leaves nothing (the database is not there).
            failed = self.run_cli("room_data", *MARCH, "--output", os.path.join(folder, "x.csv"),
                                  conninfo=f"host={self.pg.socket_dir} port=1 password=s3cret-pw")
            self.assertEqual(failed.returncode, 1)
            self.assertNotIn(b"s3cret-pw", failed.stderr)
            self.assertEqual(os.listdir(folder), ["export.csv"])
        # Relative ranges: a session started now is in the last 7 days; one 8 days ago is only
        # in the last 30.
        now = int(time.time())
        rows = []
        for session, start in (("sessNow", now - 60), ("sess8d", now - 8 * 86400)):
            rows.append({"room_id": "live", "node_id": "n", "at": datetime.datetime.fromtimestamp(
                start, datetime.timezone.utc).isoformat(), "session_id": session, "kind": "join",
                "participant_id": "pl", "user_id": "ul", "subject_id": None, "value": 0,
                "body": {"role": "host", "display": "L", "title": "Live"}})
        database = "ranges"
        self.pg.create_database(database)
        migrate(self.pg, database)
        load_rows(self.pg, database, rows)
        conninfo = self.pg.conninfo_for(database)
        for flag, expected in (("7d", ["sessNow"]), ("30d", ["sess8d", "sessNow"]), ("last_365_days", ["sess8d", "sessNow"])):
            result = self.run_cli("room_data", "--range", flag, conninfo=conninfo)
            self.assertEqual(result.returncode, 0, result.stderr)
            sessions = sorted(line.split(",")[3] for line in result.stdout.decode().split("\r\n")[1:] if line)
            self.assertEqual(sessions, expected, flag)

    def test_odd_rows_do_not_break_a_report(self):
        """Rows no plugin writes but a database may hold: a leave stamped before its join, a
        participant without a join row, a session-level row only. Every report still runs."""
        database = "odd"
        self.pg.create_database(database)
        migrate(self.pg, database)
        r = Rows()
        r.join("odd-1", "sessX", 100, "px1", "u1", "Odd")
        r.leave("odd-1", "sessX", 50, "px1", "u1")                 # before the join
        r.heartbeats("odd-1", "sessX", "px2", "u2", 110, 130, [1])   # no join row
        r.add("odd-1", "sessX", 140, "breakout.close", subject="nowhere", body={"reason": "x"})
        load_rows(self.pg, database, r.rows)
        conninfo = self.pg.conninfo_for(database)
        for name in REPORTS:
            result = self.run_cli(name, *MARCH, conninfo=conninfo)
            self.assertEqual(result.returncode, 0, result.stderr)
        rows = self.run_cli("attendees_data", *MARCH, conninfo=conninfo).stdout.decode().split("\r\n")
        self.assertEqual(rows[1].split(",")[2], "u1")
        # A leave before the join is ignored like a missing one: join + 25 s (no heartbeat) = 0.42 min.
        self.assertEqual(rows[1].split(",")[12], "0.42")
        self.assertEqual(rows[2:], [""])                   # u2 never joined: not an attendee

    def test_bad_inputs(self):
        many = ",".join(f"u{i}" for i in range(1001))
        cases = [
            (["rooms", *MARCH], "unknown report 'rooms' (valid: room_data, attendees_data, breakout_sessions, "
                                "chat_transcripts, chat_moderation)"),
            (["room_data", *MARCH, "--room-ids", "a"], "unknown option '--room-ids'"),
            (["room_data", "--from", "2024-03-10", "--to", "2024-03-01"], "fromDate 2024-03-10 is after toDate 2024-03-01"),
            (["room_data", "--from", "2023-01-01", "--to", "2024-01-02"], "the range spans 367 days (at most 366)"),
            (["room_data", *MARCH, "--user-ids", many], "user_ids: more than 1000 ids"),
            (["room_data", "--from", "2024-02-30", "--to", "2024-03-01"], "fromDate is not a date YYYY-MM-DD"),
            (["room_data", "--from", "03/01/2024", "--to", "2024-03-01"], "fromDate is not a date YYYY-MM-DD"),
            (["room_data", "--range", "8d"], "unknown range '8d'"),
            (["room_data"], "no date range"),
        ]
        for args, message in cases:
            with self.subTest(args=args[:3]):
                result = self.run_cli(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, b"")
                self.assertIn(message, result.stderr.decode())

    def test_million_rows_in_bounded_memory(self):
        database = "million"
        self.pg.create_database(database)
        migrate(self.pg, database)
        count = 200_000 if ASAN else 1_000_000
        # One session with a join and `count` chat messages (generated in Postgres).
        self.pg.psql("INSERT INTO telemetry_events SELECT 'big', 'n', '2024-03-05 10:00:00+00'::timestamptz, 'sessM', "
                     "'join', 'p1', 'u1', NULL, 0, '{\"role\":\"host\",\"display\":\"=Big\",\"title\":\"Big\"}'", database)
        self.pg.psql("INSERT INTO telemetry_events SELECT 'big', 'n', '2024-03-05 10:00:01+00'::timestamptz "
                     "+ i * interval '1 ms', 'sessM', 'chat.send', 'p1', 'u1', 'm' || i, 0, "
                     "jsonb_build_object('text', '=msg, \"' || i || '\"', 'context', 'main') "
                     f"FROM generate_series(1, {count}) i", database)
        # The rollups of a million rows at once (the minute-rollup thread would have spread it).
        timeout, self.pg.timeout = self.pg.timeout, 600
        try:
            self.pg.psql(REFRESH, database)
        finally:
            self.pg.timeout = timeout
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "big.csv")
            started = time.monotonic()
            process = subprocess.Popen([CLI, "custom", "chat_transcripts", *MARCH, "--output", path, "--postgres",
                                        self.pg.conninfo_for(database)], stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.monotonic() - started
            stderr = process.stderr.read().decode()
            process.stderr.close()
            self.assertEqual(os.waitstatus_to_exitcode(status), 0, stderr)
            with open(path, "rb") as f:
                lines = sum(1 for _ in f)
            self.assertEqual(lines, count + 1)
            max_rss_mib = usage.ru_maxrss / 1024
            print(f"\n{count} rows: {seconds:.1f} s, {count / seconds:,.0f} rows/s, max RSS {max_rss_mib:.1f} MiB "
                  f"({os.path.getsize(path) / 2**20:.0f} MiB of CSV)", file=sys.stderr)
            if not ASAN:
                self.assertLess(max_rss_mib, 64)


if __name__ == "__main__":
    unittest.main(verbosity=2)
