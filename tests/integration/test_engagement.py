"""Room signals and engagement telemetry through the real Janus (E1-E7, R8):
a scripted session — joins and leaves, heartbeats, reactions beyond the rate limit (counted in
reaction.refused), chat with replies, likes, deletes and a moderation thread, a poll closed by
the host, Q&A, an attachment shared and downloaded, a hand lowered by the host, a viewer
brought on and off stage, a stage presentation, playback with a seek, a breakout — produces
exactly the expected rows in a real Postgres; bad signals get clear errors
and are not stored; Postgres stopped for 30 s mid-session loses nothing and doubles nothing."""
import collections
import json
import tempfile
import time
import unittest

import harness
from peers import close_now, publish_now
from postgres import Postgres


CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.1 Mobile/15E148 Safari/604.1")


class EngagementTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.root = tempfile.mkdtemp(prefix="roomrec-engagement-")
        # The outage test chats twice a second for 30 s, far past the default chat rate (10 at
        # once, then 30 a minute): this suite is about telemetry, so chat gets a scripted client's limit.
        cls.janus = harness.Janus(http_port=18588, admin_port=17588, settings={"recordings_root": cls.root},
                                  categories={"telemetry": {"postgres": cls.pg.conninfo},
                                              "limits": {"chat_burst": 1000, "chat_per_minute": 6000},
                                              # A static room with its own reaction limit.
                                              "room-eng-static": {"title": "Static", "reaction_burst": 2,
                                                                  "reactions_per_minute": 1}})

    @classmethod
    def tearDownClass(cls):
        harness.stop_janus(cls.janus, cls.pg.close)

    def setUp(self):
        self.sessions = []

    def tearDown(self):
        for session in self.sessions:
            session.destroy()

    def handle(self):
        session = harness.Session(self.janus)
        self.sessions.append(session)
        return session.attach()

    def join(self, room, user, role, agent=CHROME, country="DE", email=None):
        handle = self.handle()
        info = {"display": user.title(), "country": country, "user_agent": agent, "company": "Acme"}
        if email:
            info["email"] = email
        data = handle.send({"request": "join", "room": room, "token": harness.token(room, user, role), "user": info})
        self.assertEqual(data.get("roomrec"), "joined", data)
        return handle, data["id"]

    def error(self, handle, body, code):
        reply = handle.send(body)
        self.assertEqual(reply.get("error_code"), code, reply)
        return reply

    def rows(self, room, kind=None):
        where = f"room_id = '{room}'" + (f" AND kind = '{kind}'" if kind else "")
        out = self.pg.psql(f"SELECT kind, participant_id, user_id, subject_id, value, body::text, session_id "
                           f"FROM telemetry_events WHERE {where} ORDER BY at")
        return [dict(zip(("kind", "participant", "user", "subject", "value", "body", "session"), line.split("|", 6)))
                for line in out.splitlines()] if out else []

    def wait_rows(self, room, kind, count, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.rows(room, kind)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        self.fail(f"{kind} in {room}: {len(self.rows(room, kind))} rows, expected {count}")

    def test_a_scripted_session_gives_exactly_the_expected_rows(self):
        harness.create_room(self.handle(), "eng1", title="Engagement")
        harness.create_room(self.handle(), "eng1-b", title="Breakout B", parent="eng1")
        host, host_id = self.join("eng1", "hana", "host", email="hana@example.com")
        vic, vic_id = self.join("eng1", "vic", "viewer", agent=IPHONE, country="FR")
        olga, olga_id = self.join("eng1", "olga", "viewer")

        # The host presents a stage over real WebRTC (aiortc): the server sets the on-stage bit.
        publisher = publish_now(host, audio=False, webcam=False, stage=True)
        self.addCleanup(close_now, publisher)

        # Heartbeats (E2): the client's bits, one per 10 s.
        self.assertTrue(host.send({"request": "heartbeat", "focused": True})["engaged"])
        self.assertFalse(vic.send({"request": "heartbeat", "sound": True})["engaged"])
        self.error(vic, {"request": "heartbeat", "focused": True}, 457)

        # Reactions (E3): 5 at once per user, the rest refused, neither relayed nor stored as
        # reactions; the refusals are counted: the first at once, the other at the session's end.
        accepted = sum(vic.send({"request": "react", "reaction": "clap"}).get("roomrec") == "reacted" for _ in range(7))
        self.assertEqual(accepted, 5)
        self.wait_rows("eng1", "reaction.refused", 1)
        self.error(vic, {"request": "react", "reaction": "boo"}, 443)
        relayed = [olga.wait_plugin_event("reaction")[0] for _ in range(5)]
        self.assertEqual({(r["participant"]["id"], r["reaction"]) for r in relayed}, {(vic_id, "clap")})

        # Chat (E4): send, reply, likes, deletes, a moderation thread.
        sent = vic.send({"request": "chat", "action": "send", "text": "hello all"})
        first = sent["message"]["id"]
        self.assertEqual(olga.wait_plugin_event("chat")[0]["message"]["text"], "hello all")
        second = olga.send({"request": "chat", "action": "send", "text": "hi vic", "reply_to": first})["message"]["id"]
        self.error(olga, {"request": "chat", "action": "send", "text": "x", "reply_to": "m999-0123456789ab"}, 458)
        host.send({"request": "chat", "action": "like", "message": first})
        olga.send({"request": "chat", "action": "like", "message": first})
        self.error(olga, {"request": "chat", "action": "like", "message": first}, 459)
        self.error(vic, {"request": "chat", "action": "delete", "message": second}, 448)
        olga.send({"request": "chat", "action": "delete", "message": second})
        self.error(olga, {"request": "chat", "action": "send", "text": "x" * 4001}, 444)
        self.error(olga, {"request": "chat", "action": "send", "text": "   "}, 442)
        self.error(olga, {"request": "chat", "action": "shout", "text": "x"}, 443)
        olga.send({"request": "chat", "action": "flag", "message": first})
        self.assertEqual(host.wait_plugin_event("moderation")[0]["state"], "pending")
        self.error(vic, {"request": "moderate", "action": "claim", "message": first}, 448)
        self.assertEqual(host.send({"request": "moderate", "action": "claim", "message": first})["state"], "owned")

        # Poll and Q&A (E5).
        self.error(vic, {"request": "poll", "action": "create", "question": "Lunch?", "options": ["y", "n"]}, 448)
        poll = host.send({"request": "poll", "action": "create", "question": "Lunch?", "options": ["yes", "no"]})["poll"]["id"]
        vic.send({"request": "poll", "action": "answer", "poll": poll, "choice": 1})
        olga.send({"request": "poll", "action": "answer", "poll": poll, "choice": 1})
        self.error(olga, {"request": "poll", "action": "answer", "poll": poll, "choice": 0}, 459)
        self.error(vic, {"request": "poll", "action": "answer", "poll": poll, "choice": 5}, 443)
        results = host.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("counts") == [0, 2])
        self.assertEqual(results["plugindata"]["data"]["poll"], poll)
        self.assertEqual(vic.wait_plugin_event("poll")[0]["poll"]["question"], "Lunch?")
        # Closed by the host: everyone gets the final counts, later answers 459.
        self.error(vic, {"request": "poll", "action": "close", "poll": poll}, 448)
        self.assertEqual(host.send({"request": "poll", "action": "close", "poll": poll})["counts"], [0, 2])
        closed = vic.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("action") == "closed")
        self.assertEqual(closed["plugindata"]["data"]["counts"], [0, 2])
        self.error(host, {"request": "poll", "action": "answer", "poll": poll, "choice": 0}, 459)
        question = vic.send({"request": "qa", "action": "ask", "text": "When is the break?"})["question"]
        self.error(olga, {"request": "qa", "action": "answer", "question": question, "text": "now"}, 448)
        # No follow-up in one's own thread: a follow-up is a new question.
        followup = self.error(vic, {"request": "qa", "action": "answer", "question": question, "text": "and?"}, 448)
        self.assertIn("ask a new question", followup["error"])
        host.send({"request": "qa", "action": "answer", "question": question, "text": "At 11."})

        # A hand lowered by the host: the row is vic's, lowered_by the host.
        vic.send({"request": "hand", "raised": True})
        self.error(olga, {"request": "hand", "raised": False, "participant": vic_id}, 448)
        host.send({"request": "hand", "raised": False, "participant": vic_id})
        lowered = vic.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("by") is not None)
        self.assertEqual(lowered["plugindata"]["data"]["participant"]["id"], vic_id)

        # The host brings olga on stage and off again.
        host.send({"request": "stage", "participant": olga_id, "on_stage": True})
        host.send({"request": "stage", "participant": olga_id, "on_stage": False})

        # Attachments, downloads and playback (E5, E6).
        self.error(vic, {"request": "attachment", "action": "share", "attachment": "slides-1", "title": "Slides"}, 448)
        host.send({"request": "attachment", "action": "share", "attachment": "slides-1", "title": "Slides"})
        shared = vic.wait_plugin_event("attachment")[0]
        self.assertEqual((shared["attachment"], shared["title"]), ("slides-1", "Slides"))
        vic.send({"request": "download", "attachment": "slides-1", "name": "Slides.pdf"})
        vic.send({"request": "playback", "recording": "rec1", "event": "impression"})
        self.error(vic, {"request": "playback", "recording": "rec1", "event": "play", "play": "p1",
                         "position_ms": 5000, "duration_ms": 1000}, 443)
        play = {"request": "playback", "recording": "rec1", "play": "play-1", "duration_ms": 100_000}
        vic.send(dict(play, event="play", position_ms=0))
        for position in (10_000, 20_000, 30_000):  # continuous: [0, 30 s) = buckets 0-29
            vic.send(dict(play, event="progress", position_ms=position))
        self.assertEqual(vic.send(dict(play, event="progress", position_ms=10_000))["buckets"], 30)  # a seek back adds nothing
        # An explicit seek from 12 s to 90 s: [10, 12) was watched again, the jump is not watched.
        seek = vic.send(dict(play, event="seek", from_ms=12_000, position_ms=90_000))
        self.assertEqual(seek["buckets"], 30)
        self.assertEqual(vic.send(dict(play, event="progress", position_ms=95_000))["buckets"], 35)  # [90, 95)
        self.error(vic, dict(play, event="progress", position_ms=10_000, duration_ms=99_000), 443)

        # A breakout (R8): a child room's session.
        breakout, _ = self.join("eng1-b", "vic", "viewer", agent=IPHONE)
        breakout_message = breakout.send({"request": "chat", "action": "send", "text": "in the breakout"})["message"]["id"]
        self.assertEqual(breakout_message.split("-")[0], first.split("-")[0], "both m1 of their session")
        self.assertNotEqual(breakout_message, first, "ids never repeat across sessions")
        self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN, "request": {"request": "close", "room": "eng1-b"}})

        olga.send({"request": "leave"})
        host.send({"request": "close"})

        self.wait_rows("eng1", "leave", 3)
        counts = collections.Counter(row["kind"] for row in self.rows("eng1"))
        self.assertEqual(counts, {"join": 3, "leave": 3, "heartbeat": 2, "reaction": 5, "reaction.refused": 2,
                                  "chat.send": 1, "chat.reply": 1, "chat.like": 2, "chat.delete": 1, "moderation": 2,
                                  "poll.create": 1, "poll.answer": 2, "poll.close": 1, "qa.ask": 1, "qa.answer": 1,
                                  "hand": 2, "stage.on": 1, "stage.off": 1, "present.start": 1, "present.stop": 1,
                                  "attachment.share": 1, "download": 1, "playback.impression": 1,
                                  "playback.play": 1, "playback.progress": 5, "playback.seek": 1})
        rows = self.rows("eng1")
        counts_by_user = collections.Counter(row["user"] for row in rows)
        self.assertEqual(len({row["session"] for row in rows}), 1, "one room session")
        joins = {row["user"]: json.loads(row["body"]) for row in rows if row["kind"] == "join"}
        self.assertEqual((joins["vic"]["device"], joins["vic"]["country"], joins["vic"]["role"]), ("mobile", "FR", "viewer"))
        self.assertEqual((joins["hana"]["device"], joins["hana"]["company"]), ("desktop", "Acme"))
        self.assertEqual((joins["hana"]["email"], joins["hana"]["title"]), ("hana@example.com", "Engagement"))
        self.assertNotIn("email", joins["vic"])
        self.assertNotIn("parent", joins["vic"])
        # Refused reactions: 2 of vic's 7; the first at once, the second flushed when the session ended.
        refused = [(row["user"], int(row["value"])) for row in rows if row["kind"] == "reaction.refused"]
        self.assertEqual(refused, [("vic", 1), ("vic", 1)])
        closes = [(row["subject"], int(row["value"])) for row in rows if row["kind"] == "poll.close"]
        self.assertEqual(closes, [(poll, 2)])  # two answers
        hands = [(row["user"], int(row["value"]), json.loads(row["body"]) if row["body"] else None)
                 for row in rows if row["kind"] == "hand"]
        self.assertEqual(hands, [("vic", 1, None), ("vic", 0, {"lowered_by": "hana"})])
        stage = [(row["kind"], row["user"], json.loads(row["body"])) for row in rows if row["kind"].startswith("stage.")]
        self.assertEqual(stage, [("stage.on", "olga", {"by": "hana"}), ("stage.off", "olga", {"by": "hana"})])
        present = [(row["kind"], row["user"], row["subject"], json.loads(row["body"]))
                   for row in rows if row["kind"].startswith("present.")]
        self.assertEqual([p[:3] for p in present], [("present.start", "hana", "stage"), ("present.stop", "hana", "stage")])
        self.assertEqual(present[0][3]["mid"], present[1][3]["mid"])
        self.assertEqual(present[1][3]["reason"], "closed_by_host")
        self.assertTrue(present[0][3]["codec"])
        shares = [(row["subject"], json.loads(row["body"])["title"]) for row in rows if row["kind"] == "attachment.share"]
        self.assertEqual(shares, [("slides-1", "Slides")])
        deleted = [json.loads(row["body"])["author"] for row in rows if row["kind"] == "chat.delete"]
        self.assertEqual(deleted, ["olga"])
        seeks = [(int(row["value"]), json.loads(row["body"])) for row in rows if row["kind"] == "playback.seek"]
        # watched_ms: 0 → 30 s played (30 s), back to 10 (nothing), on to 12 before the jump (2 s).
        self.assertEqual(seeks, [(30, {"play": "play-1", "from_ms": 12_000, "to_ms": 90_000, "duration_ms": 100_000,
                                       "watched_ms": 32_000, "watched": "fffffff" + "c" + "0" * 17})])
        beats = {row["user"]: int(row["value"]) for row in rows if row["kind"] == "heartbeat"}
        self.assertEqual(beats, {"hana": 1 | 16, "vic": 4})  # focused and on stage (presenting); sound only
        leaves = {row["user"]: json.loads(row["body"])["reason"] for row in rows if row["kind"] == "leave"}
        self.assertEqual(leaves, {"olga": "left", "hana": "closed_by_host", "vic": "closed_by_host"})
        answers = [(row["subject"], row["value"]) for row in rows if row["kind"] == "poll.answer"]
        self.assertEqual(answers, [(poll, "1"), (poll, "1")])
        progress = [int(row["value"]) for row in rows if row["kind"] == "playback.progress"]
        self.assertEqual(progress, [10, 20, 30, 30, 35])  # distinct 1 % buckets of the play so far
        last = json.loads([row["body"] for row in rows if row["kind"] == "playback.progress"][-1])
        # Buckets 0-29 (digits 0-6 "f", digit 7 = 28, 29 → "c") and 90-94 (digit 22 = 88-91 → "3",
        # digit 23 = 92-95 → "e").
        self.assertEqual(last["watched"], "fffffff" + "c" + "0" * 14 + "3e" + "0")
        self.assertEqual(len(last["watched"]), 25)
        plays = [json.loads(row["body"]) for row in rows if row["kind"] == "playback.play"]
        self.assertEqual(plays[0]["watched"], "0" * 25)  # a report alone marks nothing
        reply = [json.loads(row["body"]) for row in rows if row["kind"] == "chat.reply"][0]
        self.assertEqual((reply["reply_to"], reply["text"]), (first, "hi vic"))
        self.wait_rows("eng1-b", "breakout.close", 1)
        breakout_counts = collections.Counter(row["kind"] for row in self.rows("eng1-b"))
        self.assertEqual(breakout_counts, {"breakout.open": 1, "join": 1, "chat.send": 1, "leave": 1,
                                           "breakout.close": 1})
        opened = self.rows("eng1-b", "breakout.open")
        self.assertEqual([(row["subject"], json.loads(row["body"])) for row in opened],
                         [("eng1", {"title": "Breakout B", "opened_by": "vic"})])
        breakout_join = json.loads(self.rows("eng1-b", "join")[0]["body"])
        self.assertEqual((breakout_join["parent"], breakout_join["title"]), ("eng1", "Breakout B"))
        self.assertEqual(self.rows("eng1-b", "chat.send")[0]["subject"], breakout_message)

        # The right to erasure: an operator (Admin API) removes every row of one user.
        self.error(self.handle(), {"request": "erase_user", "user": "vic"}, 448)
        vic_rows = self.pg.psql("SELECT count(*) FROM telemetry_events WHERE user_id = 'vic'")
        erased = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                   "request": {"request": "erase_user", "user": "vic"}})["response"]
        self.assertEqual((erased["roomrec"], erased["events"]), ("erased", int(vic_rows)), erased)
        self.assertEqual(self.pg.psql("SELECT count(*) FROM telemetry_events WHERE user_id = 'vic'"), "0")
        self.assertEqual(collections.Counter(row["user"] for row in self.rows("eng1"))["hana"], counts_by_user["hana"])

    def test_a_breakout_opened_from_the_room_is_its_breakout_session(self):
        harness.create_room(self.handle(), "eng-brk", title="Main")
        host, _ = self.join("eng-brk", "hedy", "host")
        viewer, viewer_id = self.join("eng-brk", "vik", "viewer")
        opened = host.send({"request": "breakout", "action": "open", "title": "Corner"})
        self.assertEqual([b["room"] for b in opened["breakouts"]], ["eng-brk-b1"], opened)
        host.send({"request": "breakout", "action": "move", "breakout": "eng-brk-b1", "participants": [viewer_id]})
        invitation, _ = viewer.wait_plugin_event("breakout")
        viewer.send({"request": "leave"})
        joined = self.handle().send({"request": "join", "room": "eng-brk-b1", "token": invitation["token"],
                                     "user": {"display": "Vik", "user_agent": CHROME}})
        self.assertEqual(joined["roomrec"], "joined", joined)
        self.assertEqual(host.send({"request": "breakout", "action": "close", "breakout": "eng-brk-b1"})["closed"],
                         "eng-brk-b1")

        self.wait_rows("eng-brk-b1", "breakout.close", 1)
        counts = collections.Counter(row["kind"] for row in self.rows("eng-brk-b1"))
        self.assertEqual(counts, {"breakout.open": 1, "join": 1, "leave": 1, "breakout.close": 1})
        opened_row = self.rows("eng-brk-b1", "breakout.open")[0]
        self.assertEqual(opened_row["subject"], "eng-brk")
        self.assertEqual(json.loads(opened_row["body"]), {"title": "Corner", "opened_by": "hedy"})
        self.assertEqual(json.loads(self.rows("eng-brk-b1", "breakout.close")[0]["body"])["reason"], "breakout_closed")
        self.assertEqual(self.rows("eng-brk-b1", "join")[0]["user"], "vik")
        # The main room's sessions report lists it as its breakout: its rows written, the rollup
        # the minute thread would make at the next closed minute made now.
        self.wait_rows("eng-brk", "join", 2)
        self.pg.psql("SELECT telemetry_refresh_minutes(min(at), max(at) + interval '1 minute') FROM telemetry_events "
                     "WHERE room_id LIKE 'eng-brk%'")
        report = self.handle().send({"request": "report", "room": "eng-brk", "report": "sessions",
                                     "admin_secret": harness.ADMIN_SECRET})
        self.assertIn("data", report, report)
        breakouts = report["data"]["breakouts"]
        self.assertEqual([(b["room"], b["title"], b["opened_by"], b["session"]) for b in breakouts],
                         [("eng-brk-b1", "Corner", "hedy", opened_row["session"])], report)

    def test_a_room_sets_its_own_reaction_limit(self):
        # The jcfg room allows 2 at once, then 1 a minute; an API room 3 (the jcfg default is 5).
        harness.create_room(self.handle(), "eng-api", title="Api", reaction_burst=3, reactions_per_minute=1)
        self.error(self.handle(), {"request": "create", "room": "eng-bad", "title": "Bad", "reaction_burst": 1001,
                                   "admin_secret": harness.ADMIN_SECRET}, 444)
        for room, burst in (("eng-static", 2), ("eng-api", 3)):
            handle, _ = self.join(room, "rita", "viewer")
            replies = [handle.send({"request": "react", "reaction": "wow"}) for _ in range(burst + 3)]
            self.assertEqual(sum(r.get("roomrec") == "reacted" for r in replies), burst, room)
            self.assertIn("at most %d at once, then 1 per minute" % burst, replies[-1]["error"])
            handle.send({"request": "leave"})
            refused = self.wait_rows(room, "reaction.refused", 2)
            self.assertEqual([int(row["value"]) for row in refused], [1, 2], room)  # at once, then on leave
            self.assertEqual(len(self.rows(room, "reaction")), burst)

    def test_postgres_away_for_30_seconds_loses_and_doubles_nothing(self):
        harness.create_room(self.handle(), "eng2", title="Outage")
        host, _ = self.join("eng2", "hana", "host")
        sent = [host.send({"request": "chat", "action": "send", "text": "before 0"})["message"]["id"]]
        self.wait_rows("eng2", "chat.send", 1)
        self.pg.stop()
        try:
            outage_end = time.time() + 30
            while time.time() < outage_end:
                sent.append(host.send({"request": "chat", "action": "send", "text": f"during {len(sent)}"})["message"]["id"])
                time.sleep(0.5)
        finally:
            self.pg.start()
        sent += [host.send({"request": "chat", "action": "send", "text": f"after {i}"})["message"]["id"] for i in range(5)]
        self.wait_rows("eng2", "chat.send", len(sent), timeout=60)
        time.sleep(2)  # anything doubled would arrive by now
        rows = self.rows("eng2", "chat.send")
        self.assertEqual(sorted(row["subject"] for row in rows), sorted(sent), "every message once")
        self.assertGreater(len(sent), 50)

    def test_retention_drops_old_days_at_start_up(self):
        # Rows of 40 and 5 days ago (the first in its own daily partition), then a node keeping 30 days.
        self.pg.psql("SELECT telemetry_ensure_partition((now() - interval '40 days')::date)")
        self.pg.psql("INSERT INTO telemetry_events (room_id, node_id, at, session_id, kind) VALUES "
                     "('old-room', 'n', now() - interval '40 days', 's', 'join'), "
                     "('recent-room', 'n', now() - interval '5 days', 's', 'join')")
        keeper = harness.Janus(http_port=18688, admin_port=17688, settings={"recordings_root": self.root},
                               categories={"telemetry": {"postgres": self.pg.conninfo, "retention_days": 30}})
        try:
            deadline = time.time() + 20
            while self.rows("old-room") and time.time() < deadline:
                time.sleep(0.2)
            self.assertEqual(self.rows("old-room"), [], "the 40-day-old day is dropped")
            self.assertEqual(len(self.rows("recent-room")), 1, "a 5-day-old row stays")
            self.assertIn("[retention] dropped 1 day(s)", keeper.log_text())
        finally:
            keeper.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
