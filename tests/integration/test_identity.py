"""Identity and seats against the real Janus (R2, R7): a room secret proves a role, not a person,
so nobody acts as somebody else by claiming their user id; one user holds one seat however many
times they join; a kicked user stays out of the session. (The bound on subscriber handles needs a
publisher: test_media.py.)"""
import unittest

import harness
from harness import ADMIN_SECRET


class IdentityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.janus = harness.Janus(settings={"kick_ban_seconds": 600})

    @classmethod
    def tearDownClass(cls):
        cls.janus.stop()  # fails the suite on any sanitizer report

    def setUp(self):
        self.sessions = []
        self.admin_handle = self.attach()

    def tearDown(self):
        for session in self.sessions:
            session.destroy()
        self.assertTrue(self.janus.alive(), "janus died")

    def attach(self):
        session = harness.Session(self.janus)
        self.sessions.append(session)
        return session.attach()

    def join(self, room, body):
        handle = self.attach()
        data = handle.send(dict({"request": "join", "room": room}, **body))
        self.assertEqual(data.get("roomrec"), "joined", data)
        return handle, data

    def join_token(self, room, user, role):
        return self.join(room, {"token": harness.token(room, user, role), "user": {"display": user.title()}})

    def join_guest(self, room, role, secret, display):
        return self.join(room, {"role": role, "secret": secret, "user": {"display": display}})

    def assertError(self, data, code, fragment=""):
        self.assertEqual(data.get("error_code"), code, data)
        self.assertIn(fragment, data.get("error", ""))

    def participants(self, room):
        listing = self.admin_handle.send({"request": "listparticipants", "room": room, "admin_secret": ADMIN_SECRET})
        return listing["participants"]

    def test_a_viewer_secret_cannot_act_as_another_user(self):
        harness.create_room(self.admin_handle, "id1", viewer_secret="v-pass")
        host, _ = self.join_token("id1", "hana", "host")
        alice, alice_data = self.join_token("id1", "alice", "viewer")
        self.assertEqual(alice_data["user_id"], "alice")

        # The probe's attack: the viewer secret with user.id = alice. Refused, nobody joined.
        claim = self.attach().send({"request": "join", "room": "id1", "role": "viewer", "secret": "v-pass",
                                    "user": {"id": "alice", "display": "Alice"}})
        self.assertError(claim, 443, "cannot be claimed with a room secret")
        self.assertEqual(sorted(p["user_id"] for p in self.participants("id1")), ["alice", "hana"])

        # With the secret alone the server names the guest; others see that id, not alice.
        guest, guest_data = self.join_guest("id1", "viewer", "v-pass", "Alice")
        self.assertRegex(guest_data["user_id"], r"^guest-[0-9a-f]{32}$")
        announced, _ = alice.wait_plugin_event("participant_joined")
        self.assertEqual(announced["participant"]["user_id"], guest_data["user_id"])

        # alice's chat message is hers: the guest cannot delete it; alice can.
        message = alice.send({"request": "chat", "action": "send", "text": "my point"})["message"]["id"]
        self.assertError(guest.send({"request": "chat", "action": "delete", "message": message}), 448)
        # The guest's like is its own: alice still likes once.
        guest.send({"request": "chat", "action": "like", "message": message})
        liked = alice.send({"request": "chat", "action": "like", "message": message})
        self.assertNotIn("error_code", liked)
        self.assertNotIn("error_code", alice.send({"request": "chat", "action": "delete", "message": message}))

        # A poll: the guest's vote does not use up alice's.
        poll = host.send({"request": "poll", "action": "create", "question": "Lunch?",
                          "options": ["yes", "no"]})["poll"]["id"]
        answer = {"request": "poll", "action": "answer", "poll": poll, "choice": 0}
        self.assertNotIn("error_code", guest.send(answer))
        self.assertNotIn("error_code", alice.send(answer))
        self.assertError(alice.send(answer), 459)

    def test_one_token_takes_one_seat(self):
        harness.create_room(self.admin_handle, "id2", max_participants=3)
        host, _ = self.join_token("id2", "hana", "host")
        first, first_data = self.join_token("id2", "bob", "viewer")
        token = harness.token("id2", "bob", "viewer")
        # The probe joined five times with one token into a five-seat room. Here the same token
        # joins four more times: each join takes over bob's one seat.
        handles = [first]
        for _ in range(4):
            handle, data = self.join("id2", {"token": token})
            replaced, _ = handles[-1].wait_plugin_event("replaced")
            self.assertEqual(replaced["room"], "id2")
            handles.append(handle)
        self.assertEqual(len(self.participants("id2")), 2)
        left, _ = host.wait_plugin_event("participant_left")
        self.assertEqual((left["id"], left["reason"]), (first_data["id"], "replaced"))
        # The replaced handles are out of the room; the newest one is in.
        self.assertError(handles[0].send({"request": "hand", "raised": True}), 449)
        self.assertNotIn("error_code", handles[-1].send({"request": "hand", "raised": True}))
        # The seats are still there for other people, and then the room is full.
        self.join_token("id2", "carol", "viewer")
        refused = self.attach().send({"request": "join", "room": "id2", "token": harness.token("id2", "dave", "viewer")})
        self.assertError(refused, 453)
        # The host, seated, may always come back on another device.
        self.join_token("id2", "hana", "host")

    def test_a_kicked_user_is_refused_on_rejoin(self):
        harness.create_room(self.admin_handle, "id3")
        host, _ = self.join_token("id3", "hana", "host")
        _, bob_data = self.join_token("id3", "bob", "viewer")
        kicked = host.send({"request": "kick", "participant": bob_data["id"]})
        self.assertEqual((kicked["kicked"], kicked["ban_seconds"]), (bob_data["id"], 600))  # from the jcfg

        again = self.attach().send({"request": "join", "room": "id3", "token": harness.token("id3", "bob", "viewer")})
        self.assertError(again, 460, "you were removed from this room; you may rejoin in")
        self.assertNotIn(bob_data["id"], [p["id"] for p in self.participants("id3")])
        # A kick that only asks someone to reconnect.
        _, carol_data = self.join_token("id3", "carol", "viewer")
        self.assertEqual(host.send({"request": "kick", "participant": carol_data["id"], "ban_seconds": 0})["ban_seconds"],
                         0)
        self.join_token("id3", "carol", "viewer")
        # The ban is for this meeting: when the room session closes, bob may join the next one.
        host.send({"request": "close"})
        self.join_token("id3", "bob", "viewer")


if __name__ == "__main__":
    unittest.main(verbosity=2)
