"""A host publishes audio + webcam + stage; a viewer subscribes to all three and decodes
frames on each (R4, R5, R6). A viewer may publish only once brought on stage."""
import asyncio
import unittest

import harness
from peers import Publisher, Subscriber


class MediaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.janus = harness.Janus()

    @classmethod
    def tearDownClass(cls):
        cls.janus.stop()  # fails the suite on any sanitizer report

    def setUp(self):
        self.sessions = []

    def tearDown(self):
        for session in self.sessions:
            session.destroy()
        self.assertTrue(self.janus.alive(), "janus died")

    def session(self):
        session = harness.Session(self.janus)
        self.sessions.append(session)
        return session

    def join(self, room, user, role):
        handle = self.session().attach()
        data = handle.send({"request": "join", "room": room, "token": harness.token(room, user, role),
                            "user": {"display": user.title(), "country": "DE", "client": "desktop"}})
        self.assertEqual(data.get("roomrec"), "joined", data)
        return handle, data

    def packets_out(self, handle):
        """Packets the plugin relayed to each m-line of a subscriber handle (Admin API)."""
        info = self.janus.admin({"janus": "handle_info", "session_id": handle.session.id, "handle_id": handle.id})
        return {str(s["mindex"]): s["packets_out"] for s in info["info"]["plugin_specific"]["subscribed"]}

    def room_with_host_and_viewer(self, room, host_user, viewer_user):
        harness.create_room(self.session().attach(), room)
        host, host_joined = self.join(room, host_user, "host")
        viewer, viewer_joined = self.join(room, viewer_user, "viewer")
        return host, host_joined, viewer, viewer_joined

    def test_viewer_receives_audio_webcam_and_stage(self):
        asyncio.run(self._viewer_receives())

    async def _viewer_receives(self):
        host, host_joined, viewer, viewer_joined = self.room_with_host_and_viewer("media1", "alice", "bob")

        publisher = Publisher(host)
        data, jsep = await publisher.publish()
        self.assertEqual(data.get("roomrec"), "publishing", data)
        self.assertEqual(jsep["type"], "answer")
        sources = sorted((s["type"], s["source"]) for s in data["streams"])
        self.assertEqual(sources, [("audio", "webcam"), ("video", "stage"), ("video", "webcam")])
        await publisher.complete(jsep)

        announced, _ = await asyncio.get_running_loop().run_in_executor(
            None, viewer.wait_plugin_event, "published")
        self.assertEqual(announced["id"], host_joined["id"])

        feed = viewer.session.attach()
        data, offer = await asyncio.get_running_loop().run_in_executor(
            None, feed.request, {"request": "join", "ptype": "subscriber", "room": "media1",
                                 "private_id": viewer_joined["private_id"],
                                 "streams": [{"feed": host_joined["id"]}]})
        self.assertEqual(data.get("roomrec"), "attached", data)
        self.assertEqual(len(data["streams"]), 3)
        subscriber = Subscriber(feed)
        started = await subscriber.answer(offer)
        self.assertEqual(started.get("roomrec"), "started", started)

        mids = {s["mid"]: s for s in data["streams"]}
        wanted = {mid: (25 if s["type"] == "video" else 50) for mid, s in mids.items()}
        frames = await subscriber.wait_frames(wanted, timeout=25)
        for mid, minimum in wanted.items():
            self.assertGreaterEqual(frames.get(mid, 0), minimum,
                                    f"stream {mids[mid]['type']}/{mids[mid]['feed_mid']}: {frames}")
        await subscriber.close()
        await publisher.close()

    def test_unsubscribe_and_resubscribe_reuse_mlines(self):
        asyncio.run(self._resubscribe())

    async def _resubscribe(self):
        loop = asyncio.get_running_loop()
        host, host_data, viewer, viewer_data = self.room_with_host_and_viewer("media3", "erin", "frank")
        publisher = Publisher(host)
        _, jsep = await publisher.publish(audio=False)
        await publisher.complete(jsep)

        feed = viewer.session.attach()
        data, offer = await loop.run_in_executor(None, feed.request, {
            "request": "join", "ptype": "subscriber", "room": "media3", "private_id": viewer_data["private_id"],
            "streams": [{"feed": host_data["id"]}]})
        subscriber = Subscriber(feed)
        await subscriber.answer(offer)
        await subscriber.wait_frames({s["mid"]: 10 for s in data["streams"]})

        # Drop the host's stage: its m-line stays, inactive.
        stage = next(s for s in data["streams"] if s["feed_mid"] != data["streams"][0]["feed_mid"])
        data, offer = await loop.run_in_executor(None, feed.request, {
            "request": "unsubscribe", "streams": [{"feed": host_data["id"], "mid": stage["feed_mid"]}]})
        self.assertEqual(data.get("roomrec"), "updated", data)
        self.assertEqual([(s["mid"], s["active"]) for s in data["streams"]],
                         [(s["mid"], s["mid"] != stage["mid"]) for s in data["streams"]])
        self.assertIn("a=inactive", offer["sdp"])
        await subscriber.answer(offer)

        # The host publishes again from scratch: the viewer's old m-lines are reused, not added.
        await publisher.close()
        publisher = Publisher(host)
        data_pub, jsep = await publisher.publish(audio=False)
        self.assertEqual(data_pub.get("roomrec"), "publishing", data_pub)
        await publisher.complete(jsep)
        before = dict(subscriber.frames)
        data, offer = await loop.run_in_executor(None, feed.request, {
            "request": "subscribe", "streams": [{"feed": host_data["id"]}]})
        self.assertEqual(data.get("roomrec"), "updated", data)
        self.assertEqual(len(data["streams"]), 2, data)
        self.assertTrue(all(s["active"] for s in data["streams"]), data)
        await subscriber.answer(offer)
        # The webcam m-line never went inactive: aiortc keeps decoding it across the republish.
        webcam_mid = next(s["mid"] for s in data["streams"] if s["mid"] != stage["mid"])
        frames = await subscriber.wait_frames({webcam_mid: before[webcam_mid] + 10})
        self.assertGreaterEqual(frames[webcam_mid], before[webcam_mid] + 10, f"{before} -> {frames}")
        # aiortc ends a receiver whose m-line went inactive and does not revive it, so for the
        # reused stage m-line the plugin's own counter shows the relay resumed.
        first = await loop.run_in_executor(None, self.packets_out, feed)
        await asyncio.sleep(1.5)
        second = await loop.run_in_executor(None, self.packets_out, feed)
        self.assertGreater(second[stage["mid"]], first[stage["mid"]] + 10, f"{first} -> {second}")
        unknown, _ = await loop.run_in_executor(None, feed.request, {
            "request": "unsubscribe", "streams": [{"feed": "nobody"}]})
        self.assertEqual(unknown.get("error_code"), 451, unknown)
        await subscriber.close()
        await publisher.close()

    def test_subscriber_handles_per_participant_are_bounded(self):
        asyncio.run(self._subscriber_handles_bounded())

    async def _subscriber_handles_bounded(self):
        loop = asyncio.get_running_loop()
        host, host_data, viewer, viewer_data = self.room_with_host_and_viewer("media4", "gina", "hugo")
        publisher = Publisher(host)
        _, jsep = await publisher.publish(audio=False)
        await publisher.complete(jsep)
        join = {"request": "join", "ptype": "subscriber", "room": "media4", "private_id": viewer_data["private_id"],
                "streams": [{"feed": host_data["id"]}]}
        feeds = []
        for _ in range(8):  # max_subscriber_handles, default
            feed = viewer.session.attach()
            data, offer = await loop.run_in_executor(None, feed.request, join)
            self.assertEqual(data.get("roomrec"), "attached", data)
            feeds.append(feed)
        refused, _ = await loop.run_in_executor(None, viewer.session.attach().request, join)
        self.assertEqual(refused.get("error_code"), 461, refused)
        self.assertIn("at most 8 subscriber handles", refused["error"])
        # Another participant's handles are counted apart; a handle given back frees its place.
        own, _ = await loop.run_in_executor(None, host.session.attach().request,
                                            dict(join, private_id=host_data["private_id"]))
        self.assertEqual(own.get("roomrec"), "attached", own)
        await loop.run_in_executor(None, feeds.pop().detach)
        data, _ = await loop.run_in_executor(None, viewer.session.attach().request, join)
        self.assertEqual(data.get("roomrec"), "attached", data)
        await publisher.close()

    def test_viewer_publishes_only_on_stage(self):
        asyncio.run(self._viewer_on_stage())

    async def _viewer_on_stage(self):
        host, _, viewer, viewer_joined = self.room_with_host_and_viewer("media2", "carol", "dave")

        refused = Publisher(viewer)
        data, jsep = await refused.publish(stage=False)
        self.assertEqual(data.get("error_code"), 448, data)
        self.assertIsNone(jsep)
        await refused.close()
        await asyncio.sleep(1)  # the plugin hangs up the refused PeerConnection

        reply = host.send({"request": "stage", "participant": viewer_joined["id"], "on_stage": True})
        self.assertEqual(reply.get("roomrec"), "success", reply)
        allowed = Publisher(viewer)
        data, jsep = await allowed.publish(stage=False)
        self.assertEqual(data.get("roomrec"), "publishing", data)
        self.assertEqual(jsep["type"], "answer")
        await allowed.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
