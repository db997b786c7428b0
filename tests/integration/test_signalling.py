"""Signalling against the real Janus: proofs of role (R2), room API (R1), kick and close (R7),
breakout rooms (R8), Admin API (O5), per-user signal limits (E3-E5) and bad input that must get
clear errors without harming Janus."""
import time
import unittest

import harness
from harness import ADMIN_SECRET


class SignallingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sink = harness.EventSink()
        # Chat keeps its default limits; questions get a wider burst so the open-question cap shows.
        cls.janus = harness.Janus(events_backend=cls.sink.url, categories={
            "limits": {"questions_burst": 30, "open_questions_per_user": 5},
            "room-lobby": {"title": "Lobby", "public": True}})

    @classmethod
    def tearDownClass(cls):
        try:
            cls.janus.stop()  # fails the suite on any sanitizer report
        finally:
            cls.sink.stop()  # after Janus: its event handler would wait on a gone receiver

    def setUp(self):
        self.sessions = []
        self.handle = self.attach()

    def tearDown(self):
        for session in self.sessions:
            session.destroy()
        self.assertTrue(self.janus.alive(), "janus died")

    def attach(self):
        session = harness.Session(self.janus)
        self.sessions.append(session)
        return session.attach()

    def join(self, room, user_id, role, **extra):
        handle = self.attach()
        body = {"request": "join", "room": room, "token": harness.token(room, user_id, role), "user": {"display": user_id}}
        body.update(extra)
        data = handle.send(body)
        self.assertEqual(data.get("roomrec"), "joined", data)
        return handle, data

    def send_raw(self, handle, body, jsep=None):
        """The Janus reply itself: "success" carries a synchronous answer, "ack" an asynchronous one."""
        message = {"janus": "message", "transaction": "raw", "body": body}
        if jsep is not None:
            message["jsep"] = jsep
        return harness.http_post(f"{handle.session.url}/{handle.id}", message)

    def assertError(self, data, code, fragment=""):
        self.assertEqual(data.get("error_code"), code, data)
        self.assertIn(fragment, data.get("error", ""))

    # --- R2: proofs -------------------------------------------------------------------------

    def test_token_join_takes_role_and_user_from_token(self):
        harness.create_room(self.handle, "auth1")
        _, data = self.join("auth1", "u-host", "host")
        self.assertEqual(data["role"], "host")
        self.assertEqual(data["room"], "auth1")
        self.assertTrue(data["private_id"])

    def test_forged_expired_and_misdirected_tokens_are_refused(self):
        harness.create_room(self.handle, "auth2")
        harness.create_room(self.handle, "auth2b")
        good = harness.token("auth2", "u1", "viewer")
        forged = good.replace("role=viewer", "role=host")
        cases = [
            (forged, "signature"),
            (harness.mint("wrong-secret", "auth2", "u1", "host"), "signature"),
            (harness.token("auth2", "u1", "host", expiry=int(time.time()) - 5), "expired"),
            (harness.token("auth2", "u1", "host", realm="janus.plugin.videoroom"), "not for this plugin"),
            (harness.token("auth2b", "u1", "host"), "another room"),
            (harness.token("auth2", "u1", "host", descriptors=["room=auth2", "user=u1"]), "role="),
            (harness.token("auth2", "u1", "overlord"), "unknown role"),
            ("garbage", "malformed"),
        ]
        for token, fragment in cases:
            with self.subTest(fragment=fragment):
                handle = self.attach()
                data = handle.send({"request": "join", "room": "auth2", "token": token})
                self.assertError(data, 447, fragment)
                # No access: the handle is not in the room.
                self.assertError(handle.send({"request": "leave"}), 449)
        data = self.attach().send({"request": "join", "room": "auth2", "token": good, "user": {"id": "someone-else"}})
        self.assertError(data, 447, "another user")
        listing = self.handle.send({"request": "listparticipants", "room": "auth2", "admin_secret": ADMIN_SECRET})
        self.assertEqual(listing["participants"], [])

    def test_room_secrets_prove_roles(self):
        handle = self.attach()
        data = handle.send({"request": "join", "room": "static", "role": "host", "secret": "host-pass",
                            "user": {"display": "Host One"}})
        self.assertEqual(data.get("role"), "host", data)
        self.assertRegex(data.get("user_id"), "^guest-")
        self.assertError(self.attach().send({"request": "join", "room": "static", "role": "host", "secret": "viewer-pass",
                                             "user": {"id": "x"}}), 447, "wrong secret")
        # The static room has no moderator secret: moderators need a token.
        self.assertError(self.attach().send({"request": "join", "room": "static", "role": "moderator", "secret": "host-pass",
                                             "user": {"id": "x"}}), 447)
        self.assertError(self.attach().send({"request": "join", "room": "static", "user": {"id": "x"}}), 447, "required")
        self.assertError(self.attach().send({"request": "join", "room": "static", "secret": "host-pass",
                                             "user": {"id": "x"}}), 442, "role")
        # A secret proves a role, not a person: claiming a user id with it is refused.
        self.assertError(self.attach().send({"request": "join", "room": "static", "role": "host", "secret": "host-pass",
                                             "user": {"id": "h1"}}), 443, "cannot be claimed")
        self.assertError(handle.send({"request": "join", "room": "static", "role": "host", "secret": "host-pass"}),
                         450)

    def test_room_full(self):
        harness.create_room(self.handle, "small", max_participants=1)
        self.join("small", "first", "viewer")
        self.assertError(self.attach().send({"request": "join", "room": "small",
                                             "token": harness.token("small", "second", "viewer")}), 453)

    # --- R1: room API ----------------------------------------------------------------------

    def test_room_api(self):
        self.assertError(self.handle.send({"request": "create", "room": "api1", "title": "t"}), 447)
        self.assertError(self.handle.send({"request": "create", "room": "api1", "title": "t", "admin_secret": "nope"}), 447)
        harness.create_room(self.handle, "api1", type="channel", channel_owner="owner-7", max_session_duration=72 * 3600)
        self.assertError(self.handle.send({"request": "create", "room": "api1", "title": "t", "admin_secret": ADMIN_SECRET}),
                         446)
        harness.create_room(self.handle, "api1-breakout", parent="api1")
        self.assertError(self.handle.send({"request": "create", "room": "orphan", "title": "t", "parent": "nowhere",
                                           "admin_secret": ADMIN_SECRET}), 445)
        self.assertError(self.handle.send({"request": "create", "room": "toolong", "title": "t",
                                           "max_session_duration": 72 * 3600 + 1, "admin_secret": ADMIN_SECRET}), 444)
        listed = {r["room"]: r for r in self.handle.send({"request": "list", "admin_secret": ADMIN_SECRET})["list"]}
        self.assertEqual(listed["api1"]["type"], "channel")
        self.assertEqual(listed["api1-breakout"]["parent"], "api1")
        self.assertTrue(listed["static"]["static"])
        self.assertNotIn("host_secret", str(listed))
        self.assertTrue(self.handle.send({"request": "exists", "room": "api1"})["exists"])
        self.assertError(self.handle.send({"request": "destroy", "room": "static", "admin_secret": ADMIN_SECRET}), 448)
        self.assertError(self.handle.send({"request": "destroy", "room": "api1", "admin_secret": "wrong"}), 447)
        self.assertError(self.handle.send({"request": "listparticipants", "room": "api1"}), 447)
        self.assertEqual(self.handle.send({"request": "destroy", "room": "api1", "admin_secret": ADMIN_SECRET})["roomrec"],
                         "destroyed")
        self.assertFalse(self.handle.send({"request": "exists", "room": "api1"})["exists"])
        self.assertError(self.handle.send({"request": "destroy", "room": "api1", "admin_secret": ADMIN_SECRET}), 445)

    def test_titles_with_bidi_or_invisible_characters_are_refused(self):
        # "Invoice\u202Egnp.exe" shows as "Invoiceexe.png"; "\u2066\u200B\u2069" shows nothing at all.
        for title, named in (("Invoice\u202egnp.exe", "U+202E"), ("\u2066\u200b\u2069", "U+2066"),
                             ("Team\u200dSync", "U+200D"), ("\ufeffWeekly", "U+FEFF"), ("\u3164", "U+3164"),
                             ("tag\U000e0041", "U+E0041"), ("\ufe0f", "variation selector")):
            with self.subTest(title=title.encode("unicode_escape")):
                reply = self.handle.send({"request": "create", "room": "hostile1", "title": title,
                                          "admin_secret": ADMIN_SECRET})
                self.assertError(reply, 443, "title must not contain")
                self.assertIn(named, reply["error"])
                self.assertFalse(self.handle.send({"request": "exists", "room": "hostile1"})["exists"])
        # Right-to-left text and an emoji with its variation selector are titles like any other.
        harness.create_room(self.handle, "hostile1", title="\u05e9\u05dc\u05d5\u05dd \u2764\ufe0f")
        listed = {r["room"]: r for r in self.handle.send({"request": "list", "admin_secret": ADMIN_SECRET})["list"]}
        self.assertEqual(listed["hostile1"]["title"], "\u05e9\u05dc\u05d5\u05dd \u2764\ufe0f")
        self.handle.send({"request": "destroy", "room": "hostile1", "admin_secret": ADMIN_SECRET})

    # --- R7: kick and close ----------------------------------------------------------------

    def test_kick_and_close_reach_every_participant(self):
        harness.create_room(self.handle, "kick1")
        host, host_data = self.join("kick1", "h", "host")
        moderator, moderator_data = self.join("kick1", "m", "moderator")
        viewer, viewer_data = self.join("kick1", "v", "viewer")
        speaker, _ = self.join("kick1", "s", "speaker")

        self.assertError(speaker.send({"request": "kick", "participant": viewer_data["id"]}), 448)
        self.assertError(moderator.send({"request": "kick", "participant": host_data["id"]}), 448, "host")
        self.assertError(host.send({"request": "kick", "participant": "0000000000000000"}), 451)
        self.assertEqual(moderator.send({"request": "kick", "participant": viewer_data["id"]})["kicked"], viewer_data["id"])

        kicked, _ = viewer.wait_plugin_event("kicked")
        self.assertEqual(kicked["room"], "kick1")
        for handle in (host, speaker):
            left, _ = handle.wait_plugin_event("participant_left")
            self.assertEqual((left["id"], left["reason"]), (viewer_data["id"], "kicked"))
        self.assertError(viewer.send({"request": "leave"}), 449)

        self.assertError(speaker.send({"request": "close"}), 448)
        self.assertEqual(host.send({"request": "close"})["roomrec"], "closed")
        for handle in (host, moderator, speaker):
            closed, _ = handle.wait_plugin_event("room_closed")
            self.assertEqual((closed["room"], closed["reason"]), ("kick1", "closed_by_host"))
        listing = self.handle.send({"request": "listparticipants", "room": "kick1", "admin_secret": ADMIN_SECRET})
        self.assertEqual(listing["participants"], [])
        # The room itself stays and can be joined again.
        self.join("kick1", "h", "host")

    # --- R8: breakout rooms -----------------------------------------------------------------

    def test_breakouts_open_move_and_close(self):
        harness.create_room(self.handle, "brk1", type="gallery", max_participants=9, viewer_secret="vp")
        host, _ = self.join("brk1", "h", "host")
        viewer, viewer_data = self.join("brk1", "v", "viewer")
        guest = self.attach()
        guest_data = guest.send({"request": "join", "room": "brk1", "role": "viewer", "secret": "vp",
                                 "user": {"display": "Gil"}})
        self.assertEqual(guest_data["roomrec"], "joined", guest_data)

        self.assertError(viewer.send({"request": "breakout", "action": "open", "title": "G"}), 448)
        opened = host.send({"request": "breakout", "action": "open", "title": "Group", "count": 2})
        self.assertEqual([(b["room"], b["title"]) for b in opened["breakouts"]],
                         [("brk1-b1", "Group 1"), ("brk1-b2", "Group 2")])
        listed = {r["room"]: r for r in self.handle.send({"request": "list", "admin_secret": ADMIN_SECRET})["list"]}
        self.assertEqual((listed["brk1-b1"]["parent"], listed["brk1-b1"]["type"], listed["brk1-b1"]["public"],
                          listed["brk1-b1"]["max_participants"]), ("brk1", "gallery", False, 9))

        moved = host.send({"request": "breakout", "action": "move", "breakout": "brk1-b1",
                           "participants": [viewer_data["id"], guest_data["id"]]})
        self.assertEqual(moved["moved"], [viewer_data["id"], guest_data["id"]])
        joined_child = {}
        for name, handle in (("v", viewer), ("guest", guest)):
            invitation, _ = handle.wait_plugin_event("breakout")
            self.assertEqual((invitation["action"], invitation["room"], invitation["title"], invitation["parent"]),
                             ("moved", "brk1-b1", "Group 1", "brk1"))
            handle.send({"request": "leave"})
            child = self.attach()
            data = child.send({"request": "join", "room": "brk1-b1", "token": invitation["token"],
                               "user": {"display": name}})
            self.assertEqual((data["roomrec"], data["role"], data["parent"]), ("joined", "viewer", "brk1"), data)
            joined_child[name] = (child, data)
        self.assertEqual(joined_child["v"][1]["user_id"], "v")
        self.assertTrue(joined_child["guest"][1]["user_id"].startswith("anon-"))
        # A move token is for its breakout only.
        self.assertError(self.attach().send({"request": "join", "room": "brk1-b2", "token": invitation["token"]}),
                         447, "another room")
        counts = {b["room"]: b["participants"] for b in host.send({"request": "breakout", "action": "list"})["breakouts"]}
        self.assertEqual(counts, {"brk1-b1": 2, "brk1-b2": 0})

        self.assertError(host.send({"request": "breakout", "action": "close", "breakout": "nope"}), 445)
        self.assertError(host.send({"request": "breakout", "action": "move", "breakout": "brk1-b2",
                                    "participants": [viewer_data["id"]]}), 451)
        closed = host.send({"request": "breakout", "action": "close", "breakout": "brk1-b1"})
        self.assertEqual((closed["closed"], [b["room"] for b in closed["breakouts"]]), ("brk1-b1", ["brk1-b2"]))
        for name, (child, data) in joined_child.items():
            back, _ = child.wait_plugin_event("breakout")
            self.assertEqual((back["action"], back["room"], back["breakout"]), ("closed", "brk1", "brk1-b1"))
            ended, _ = child.wait_plugin_event("room_closed")
            self.assertEqual(ended["reason"], "breakout_closed")
            again = self.attach().send({"request": "join", "room": "brk1", "token": back["token"],
                                        "user": {"display": name}})
            self.assertEqual((again["roomrec"], again["role"], again["user_id"]), ("joined", "viewer", data["user_id"]))
        self.assertEqual(self.sink.wait_plugin_event("room_closed", "brk1-b1")["reason"], "breakout_closed")
        self.assertFalse(self.handle.send({"request": "exists", "room": "brk1-b1"})["exists"])

        # Closing the main room closes (and removes) the breakouts still open.
        self.assertEqual(host.send({"request": "close"})["roomrec"], "closed")
        self.assertFalse(self.handle.send({"request": "exists", "room": "brk1-b2"})["exists"])
        self.assertTrue(self.handle.send({"request": "exists", "room": "brk1"})["exists"])

    def test_join_and_leave_events(self):
        harness.create_room(self.handle, "events1")
        host, host_data = self.join("events1", "h", "host")
        viewer, viewer_data = self.join("events1", "v", "viewer", user={"display": "Vera", "country": "FR"})
        joined, _ = host.wait_plugin_event("participant_joined")
        self.assertEqual(joined["participant"]["id"], viewer_data["id"])
        self.assertEqual(joined["participant"]["display"], "Vera")
        self.assertEqual(joined["participant"]["role"], "viewer")
        self.assertEqual([p["id"] for p in viewer_data["participants"]], [host_data["id"]])
        self.assertEqual(viewer.send({"request": "leave"})["roomrec"], "left")
        left, _ = host.wait_plugin_event("participant_left")
        self.assertEqual((left["id"], left["reason"]), (viewer_data["id"], "left"))
        # Destroying a Janus session (closing the tab) counts as leaving too.
        other, other_data = self.join("events1", "o", "viewer")
        other.session.destroy()
        left, _ = host.wait_plugin_event("participant_left")
        self.assertEqual(left["id"], other_data["id"])

    # --- O5: Admin API ---------------------------------------------------------------------

    def test_admin_api(self):
        reply = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                  "request": {"request": "create", "room": "adm1", "title": "Admin room"}})
        self.assertEqual(reply["response"]["roomrec"], "created", reply)
        host, host_data = self.join("adm1", "h", "host")
        info = self.janus.admin({"janus": "handle_info", "session_id": host.session.id, "handle_id": host.id})
        specific = info["info"]["plugin_specific"]
        self.assertEqual((specific["kind"], specific["room"], specific["participant"], specific["role"]),
                         ("participant", "adm1", host_data["id"], "host"))
        reply = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                  "request": {"request": "listparticipants", "room": "adm1"}})
        self.assertEqual([p["id"] for p in reply["response"]["participants"]], [host_data["id"]])
        reply = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                  "request": {"request": "join", "room": "adm1"}})
        self.assertEqual(reply["response"]["error_code"], 441)
        reply = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                  "request": {"request": "kick", "room": "adm1", "participant": host_data["id"]}})
        self.assertEqual(reply["response"]["kicked"], host_data["id"])
        host.wait_plugin_event("kicked")
        reply = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                  "request": {"request": "close", "room": "adm1"}})
        self.assertEqual(reply["response"]["roomrec"], "closed")

    def test_event_handlers_are_notified(self):
        harness.create_room(self.handle, "evh1")
        created = self.sink.wait_plugin_event("room_created", "evh1")
        self.assertEqual((created["room"], created["node"]), ("evh1", "test-node"))
        host, host_data = self.join("evh1", "h", "host", user={"display": "h", "client": "mobile"})
        joined = self.sink.wait_plugin_event("joined", "evh1")
        self.assertEqual((joined["room"], joined["participant"], joined["role"], joined["client"]),
                         ("evh1", host_data["id"], "host", "mobile"))
        host.send({"request": "leave"})
        left = self.sink.wait_plugin_event("left", "evh1")
        self.assertEqual((left["participant"], left["reason"]), (host_data["id"], "left"))
        # Leaving by destroying the Janus session (a closed tab) is a `left` too, although Janus
        # has let go of the handle by the time the plugin hears of it.
        other, other_data = self.join("evh1", "o", "viewer")
        other.session.destroy()
        left = self.sink.wait_plugin_event("left", "evh1")
        self.assertEqual((left["room"], left["participant"], left["reason"]), ("evh1", other_data["id"], "left"))
        self.handle.send({"request": "destroy", "room": "evh1", "admin_secret": ADMIN_SECRET})
        closed = self.sink.wait_plugin_event("room_closed", "evh1")
        self.assertEqual((closed["room"], closed["reason"]), ("evh1", "destroyed"))
        self.assertEqual(self.sink.wait_plugin_event("room_destroyed", "evh1")["room"], "evh1")

    def test_a_room_without_a_session_is_not_announced_closed(self):
        """Closing (or shutting down) a room nobody joined since it last closed ends no session:
        no room_closed, for event handlers or anyone."""
        harness.create_room(self.handle, "evh2")
        host, _ = self.join("evh2", "h", "host")
        self.assertEqual(host.send({"request": "close"})["roomrec"], "closed")
        self.assertEqual(self.sink.wait_plugin_event("room_closed", "evh2")["reason"], "closed_by_host")
        reply = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                  "request": {"request": "close", "room": "evh2"}})
        self.assertEqual(reply["response"]["roomrec"], "closed")
        self.handle.send({"request": "destroy", "room": "evh2", "admin_secret": ADMIN_SECRET})
        seen = []
        while not seen or seen[-1] != "room_destroyed":
            event = self.sink.events.get(timeout=15)
            data = event.get("event", {}).get("data", {})
            if data.get("room") == "evh2":
                seen.append(data.get("event"))
        self.assertEqual(seen, ["room_destroyed"])

    def test_list_shows_strangers_only_public_rooms(self):
        harness.create_room(self.handle, "board-private", title="Board: layoffs")
        harness.create_room(self.handle, "townhall", title="Town hall", public=True)
        self.join("board-private", "ceo", "host")
        stranger = self.attach()
        listed = stranger.send({"request": "list"})["list"]
        rooms = {entry["room"]: entry for entry in listed}
        self.assertEqual(rooms.get("townhall"), {"room": "townhall", "title": "Town hall"})
        self.assertEqual(rooms.get("lobby"), {"room": "lobby", "title": "Lobby"})  # public = true in the jcfg
        self.assertNotIn("board-private", rooms)
        self.assertNotIn("static", rooms)
        self.assertNotIn("Board: layoffs", str(listed))
        self.assertError(stranger.send({"request": "list", "admin_secret": "guess"}), 447)
        full = {entry["room"]: entry for entry in
                stranger.send({"request": "list", "admin_secret": ADMIN_SECRET})["list"]}
        self.assertEqual(full["board-private"]["participants"], 1)
        self.assertFalse(full["board-private"]["public"])
        reply = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN, "request": {"request": "list"}})
        self.assertIn("board-private", {entry["room"] for entry in reply["response"]["list"]})

    # --- E3-E5: per-user signal limits -----------------------------------------------------

    def test_a_chat_flood_is_limited_and_others_keep_chatting(self):
        harness.create_room(self.handle, "flood1")
        host, _ = self.join("flood1", "host-1", "host")
        flooder, _ = self.join("flood1", "mallory", "viewer")
        other, _ = self.join("flood1", "erin", "viewer")
        agenda = host.send({"request": "chat", "action": "send", "text": "agenda"})["message"]["id"]
        before = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                   "request": {"request": "status"}})["response"]["rate_limited"]["chat"]
        started = time.monotonic()
        answers = [flooder.send({"request": "chat", "action": "send", "text": f"spam {i}"}) for i in range(300)]
        elapsed = time.monotonic() - started
        accepted = [a for a in answers if "error_code" not in a]
        refused = [a for a in answers if a.get("error_code") == 457]
        self.assertEqual(len(accepted) + len(refused), 300, answers[:3])
        # A burst of 10, then one per 2 s while the flood lasts.
        self.assertGreaterEqual(len(accepted), 10)
        self.assertLessEqual(len(accepted), 10 + int(elapsed / 2) + 1, (len(accepted), elapsed))
        self.assertIn("too many chat messages", refused[0]["error"])
        self.assertIn("retry in", refused[0]["error"])
        self.assertGreater(refused[0]["retry_after_ms"], 0)
        # Someone else still chats; the host's message is still there to like and to answer.
        self.assertEqual(other.send({"request": "chat", "action": "send", "text": "still here"})["roomrec"], "chat")
        self.assertEqual(other.send({"request": "chat", "action": "like", "message": agenda})["roomrec"], "chat_done")
        replied = other.send({"request": "chat", "action": "send", "text": "+1", "reply_to": agenda})
        self.assertEqual(replied["message"]["reply_to"], agenda, replied)
        # The host heard only the accepted messages.
        heard = 0
        while True:
            try:
                host.wait_event(lambda e: "spam" in str(e.get("plugindata", {}).get("data", {}).get("message", "")),
                                timeout=1)
                heard += 1
            except TimeoutError:
                break
        self.assertEqual(heard, len(accepted))
        status = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                   "request": {"request": "status"}})["response"]
        self.assertEqual(status["rate_limited"]["chat"] - before, len(refused))

    def test_a_question_flood_is_capped(self):
        harness.create_room(self.handle, "qa1")
        host, _ = self.join("qa1", "host-q", "host")
        asker, _ = self.join("qa1", "quentin", "viewer")
        other, _ = self.join("qa1", "olga", "viewer")
        answers = [asker.send({"request": "qa", "action": "ask", "text": f"why {i}?"}) for i in range(40)]
        codes = [a.get("error_code", 0) for a in answers]
        # 5 open questions per user (this suite's jcfg), then 459; past the burst of 30, 457.
        self.assertEqual(codes[:5], [0] * 5, answers[:6])
        self.assertEqual(set(codes[5:30]), {459}, codes)
        self.assertIn("question limit reached", answers[5]["error"])
        self.assertEqual(set(codes[30:]), {457}, codes)
        self.assertEqual(other.send({"request": "qa", "action": "ask", "text": "mine?"})["roomrec"], "qa")
        first = answers[0]["question"]
        self.assertEqual(host.send({"request": "qa", "action": "answer", "question": first, "text": "because"})["roomrec"],
                         "qa")

    # --- bad input -------------------------------------------------------------------------

    def test_bad_nested_elements_are_answered_synchronously(self):
        harness.create_room(self.handle, "nested1")
        host, _ = self.join("nested1", "h", "host")
        # No offer needed: validation runs before the handler (which would refuse the missing JSEP).
        reply = self.send_raw(host, {"request": "publish", "descriptions": [{"mid": "0", "description": "screen"}]})
        self.assertEqual(reply["janus"], "success", reply)  # not "ack": answered before any queueing
        data = reply["plugindata"]["data"]
        self.assertError(data, 443, 'descriptions[0].description must be "webcam" or "stage"')
        reply = self.send_raw(host, {"request": "publish", "descriptions": [{"mid": "0", "description": "webcam"},
                                                                            {"mid": "0", "description": "stage"}]})
        self.assertError(reply["plugindata"]["data"], 443, "named twice")
        for body, code, fragment in [
            ({"request": "subscribe", "streams": [{"feed": "../x"}]}, 443, "streams[0].feed must be an identifier"),
            ({"request": "unsubscribe", "streams": [{"feed": "f", "mid": 3}]}, 443, "streams[0].mid must be a string"),
            ({"request": "subscribe", "streams": []}, 442, "at least 1 item"),
        ]:
            with self.subTest(body=str(body)):
                reply = self.send_raw(self.attach(), body)
                self.assertEqual(reply["janus"], "success", reply)
                self.assertError(reply["plugindata"]["data"], code, fragment)


    def test_malformed_requests_get_clear_errors(self):
        url = f"{self.handle.session.url}/{self.handle.id}"
        broken = harness.http_post(url, None, raw=b'{"janus":"message","transaction":"x","body":{"request":')
        self.assertEqual(broken["janus"], "error")
        self.assertIn("JSON", broken["error"]["reason"])
        cases = [
            ({}, 442, "request is required"),
            ({"request": 7}, 443, "request must be a string"),
            ({"request": "explode"}, 441, "unknown request"),
            ({"request": "join"}, 442, "room is required"),
            ({"request": "join", "room": 12}, 443, "room must be"),
            ({"request": "join", "room": "../../etc"}, 443, "identifier"),
            ({"request": "join", "room": "x" * 65}, 444, "longer than 64"),
            ({"request": "join", "room": "static", "token": "t" * 5000}, 444, "token"),
            ({"request": "join", "room": "static", "user": "bob"}, 443, "user must be an object"),
            ({"request": "join", "room": "static", "role": "host", "secret": "host-pass",
              "user": {"id": "a", "email": "nope"}}, 443, "e-mail"),
            ({"request": "join", "room": "nowhere", "token": "x"}, 445, "no such room"),
            ({"request": "join", "room": "static", "ptype": "spy", "token": "x"}, 443, "ptype"),
            ({"request": "publish"}, 449, ""),
            ({"request": "kick"}, 442, "participant is required"),
            ({"request": "stage", "participant": "p", "on_stage": "yes"}, 443, "on_stage must be a boolean"),
            ({"request": "subscribe", "streams": "all"}, 443, "streams must be an array"),
            ({"request": "create", "room": "r", "title": "t" * 201, "admin_secret": ADMIN_SECRET}, 444, "title"),
        ]
        for body, code, fragment in cases:
            with self.subTest(body=str(body)[:60]):
                self.assertError(self.handle.send(body), code, fragment)
        # A body that is not an object is refused by Janus itself.
        reply = harness.http_post(url, {"janus": "message", "transaction": "y", "body": [1, 2]})
        self.assertEqual(reply["janus"], "error")
        # Publishing without an offer, and a subscriber join without its parts.
        harness.create_room(self.handle, "bad1")
        host, host_data = self.join("bad1", "h", "host")
        self.assertError(host.send({"request": "publish"}), 452, "JSEP offer")
        # Janus core parses the SDP before the plugin sees it, and names what is wrong.
        garbage = host.send({"request": "publish"}, {"type": "offer", "sdp": "v=0 garbage"})
        self.assertEqual((garbage["janus"], garbage["error"]["code"]), ("error", 465), garbage)
        sub = self.attach()
        self.assertError(sub.send({"request": "join", "room": "bad1", "ptype": "subscriber",
                                   "streams": [{"feed": host_data["id"]}]}), 442, "private_id")
        self.assertError(sub.send({"request": "join", "room": "bad1", "ptype": "subscriber", "private_id": "abc",
                                   "streams": [{"feed": host_data["id"]}]}), 447)
        self.assertError(sub.send({"request": "join", "room": "bad1", "ptype": "subscriber",
                                   "private_id": host_data["private_id"], "streams": [{"feed": host_data["id"]}]}),
                         451, "publishes nothing")
        self.assertError(sub.send({"request": "join", "room": "bad1", "ptype": "subscriber",
                                   "private_id": host_data["private_id"], "streams": [{"mid": "0"}]}), 442, "feed")
        # Janus is still serving and the plugin still works.
        info = harness.http_post(self.janus.url, {"janus": "info", "transaction": "z"})
        self.assertIn(harness.PLUGIN, info["plugins"])
        self.join("bad1", "v", "viewer")


if __name__ == "__main__":
    unittest.main(verbosity=2)
