"""Two Janus nodes (SPEC O4, issue 15), each in its own network namespace (cluster_net.py), sharing
one Postgres (its unix socket), one radosgw and one recordings volume (the same recordings_root:
the shared-volume model of docs/ARCHITECTURE.md), with a `cluster` category naming both.

Rooms live on their home node (the other answers 468 with the home's id and URL); both nodes'
telemetry lands in one schema under their node ids; the same scripted activity on both gives ids
that never collide; and a recording whose node is killed (-9) mid-upload is finished by the other
node from the shared outbox once the lease lapses: uploaded once (the parts already sent are not
sent again), its row available, its webhook delivered exactly once."""
import collections
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import numpy
from aiortc.mediastreams import VideoStreamTrack
from av import VideoFrame

import harness
from browser_script import BROWSER_DIR
from cluster_net import ClusterNet
from peers import close_now, publish_now
from postgres import Postgres, free_port
from radosgw import RadosGW
from webhook_receiver import WebhookReceiver

NODES = ("node-a", "node-b")
HTTP_PORT, ADMIN_PORT = 18900, 17900  # the same on every node: each has its own namespace
BUCKET = "cluster-recordings"
WEBHOOK_SECRET = "whsec_" + secrets.token_hex(12)
LEASE_SECONDS = 15  # the least delivery.lease_seconds takes (twice a 5 MiB part at 1 MiB/s is 10 s)
ROOM_ELSEWHERE = 468


class NoiseTrack(VideoStreamTrack):
    """Fresh noise every frame: the composite cannot compress it, so a few seconds of recording
    make a file of several MiB (two or three 5 MiB parts: seconds of upload at the 1 MiB/s cap)."""

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(numpy.random.randint(0, 256, (360, 640, 3), numpy.uint8), format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        return frame


class MultiNodeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.net = ClusterNet(len(NODES)).start()
        cls.pg = Postgres()
        cls.s3 = RadosGW(also_bind=cls.net.bridge_ip)
        cls.hooks = None
        cls.nodes = []
        try:
            cls.pg.start()
            cls.s3.start()
            cls.s3.create_bucket(BUCKET)
            cls.hooks = WebhookReceiver(WEBHOOK_SECRET, host=cls.net.bridge_ip)
            cls.root = tempfile.mkdtemp(prefix="roomrec-multinode-")  # the shared recordings volume
            cluster = {node: f"http://{cls.net.ip(i)}:{HTTP_PORT}/janus" for i, node in enumerate(NODES)}
            for index, node in enumerate(NODES):
                cls.nodes.append(cls.start_node(index, node, cluster))
                # One node at a time migrates the shared schema; the next starts on a migrated one.
                harness.wait_until_migrated(cls.pg, "to_regclass('outbox_jobs') IS NOT NULL", cls.nodes[-1])
            cls.activity = None
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start_node(cls, index, node, cluster):
        return harness.Janus(
            http_port=HTTP_PORT, admin_port=ADMIN_PORT, netns=cls.net.netns(index), ip=cls.net.ip(index),
            # Noise at the top bitrate: ~2.5 MB a second of recording.
            settings={"node_id": node, "recordings_root": cls.root, "recording_video_bitrate_kbps": 20000},
            categories={
                "delivery": {"postgres": cls.pg.conninfo, "storage": "s3", "s3_endpoint": cls.s3.also_endpoint,
                             "s3_bucket": BUCKET, "s3_region": cls.s3.region, "s3_access_key": cls.s3.access_key,
                             "s3_secret_key": cls.s3.secret_key, "s3_part_size_mib": 5, "s3_max_send_mib_per_s": 1,
                             "shared_recordings": True, "lease_seconds": LEASE_SECONDS},
                "webhook-ops": {"url": cls.hooks.url, "secret": WEBHOOK_SECRET},
                "cluster": cluster})

    @classmethod
    def tearDownClass(cls):
        try:
            for janus in cls.nodes:
                janus.stop()  # a killed node's log is still checked for sanitizer reports
        finally:
            if cls.hooks:
                cls.hooks.stop()
            cls.s3.stop()
            cls.pg.close()
            cls.net.close()
            if hasattr(cls, "root") and not os.environ.get("ROOMREC_KEEP_LOGS"):
                shutil.rmtree(cls.root, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------------------

    def setUp(self):
        for index, janus in enumerate(self.nodes):
            if not janus.alive():
                self.skipTest(f"{NODES[index]} is down (killed by an earlier test)")

    def handle(self, node):
        session = harness.Session(self.nodes[node])
        self.addCleanup(session.destroy)
        return session.attach()

    def join(self, node, room, user, role):
        """(handle, reply) of a join on node (the reply may be an error)."""
        handle = self.handle(node)
        return handle, handle.send({"request": "join", "room": room, "token": harness.token(room, user, role),
                                    "user": {"display": user.title(), "country": "DE"}})

    def joined(self, node, room, user, role):
        handle, reply = self.join(node, room, user, role)
        self.assertEqual(reply.get("roomrec"), "joined", reply)
        return handle, reply

    @staticmethod
    def create(handle, room):
        return handle.send({"request": "create", "room": room, "title": f"Room {room}", "admin_secret": harness.ADMIN_SECRET})

    def assert_elsewhere(self, reply, home):
        self.assertEqual(reply.get("error_code"), ROOM_ELSEWHERE, reply)
        self.assertEqual((reply.get("node"), reply.get("url")), (NODES[home], self.nodes[home].url), reply)

    def home_rooms(self, prefix):
        """[room homed on node-a, room homed on node-b], each created on its home: a create on
        node-a either works (its home) or names node-b, where it then works."""
        found = [None, None]
        admin = [self.handle(0), self.handle(1)]
        for number in range(64):
            room = f"{prefix}-{number}"
            reply = self.create(admin[0], room)
            if reply.get("roomrec") == "created":
                if found[0] is None:
                    found[0] = room
            else:
                self.assert_elsewhere(reply, 1)
                if found[1] is None:
                    created = self.create(admin[1], room)
                    self.assertEqual(created.get("roomrec"), "created", created)
                    found[1] = room
            if None not in found:
                return found
        self.fail(f"64 room ids and not one homed on each node: {found}")

    def sql(self, query):
        out = self.pg.psql(query)
        return [line.split("|") for line in out.splitlines()] if out else []

    def wait_sql(self, query, ready, timeout=30, what="the rows"):
        deadline = time.time() + timeout
        while True:
            rows = self.sql(query)
            if ready(rows):
                return rows
            if time.time() > deadline:
                self.fail(f"{what} did not arrive: {rows}")
            time.sleep(0.3)

    def scripted_activity(self):
        """The same script in a room homed on each node, once per suite: joins, chat, a poll
        answered, a question. Returns, per node, the room and the ids the replies gave."""
        if MultiNodeTest.activity is not None:
            return MultiNodeTest.activity
        rooms = self.home_rooms("act")
        activity = []
        for node, room in enumerate(rooms):
            host, host_joined = self.joined(node, room, "hana", "host")
            viewer, viewer_joined = self.joined(node, room, "vera", "viewer")
            messages = [host.send({"request": "chat", "action": "send", "text": "welcome"})["message"]["id"],
                        viewer.send({"request": "chat", "action": "send", "text": "hello"})["message"]["id"]]
            poll = host.send({"request": "poll", "action": "create", "question": "Lunch?",
                              "options": ["yes", "no"]})["poll"]["id"]
            answered = viewer.send({"request": "poll", "action": "answer", "poll": poll, "choice": 0})
            self.assertNotIn("error_code", answered)
            question = viewer.send({"request": "qa", "action": "ask", "text": "When is the break?"})["question"]
            activity.append({"room": room, "participants": [host_joined["id"], viewer_joined["id"]],
                             "messages": messages, "polls": [poll], "questions": [question]})
        MultiNodeTest.activity = activity
        return activity

    # -- the tests (in name order; the last one kills node-a) --------------------------------

    def test_a_rooms_live_on_their_home_node(self):
        rooms = self.home_rooms("home")
        for home, room in enumerate(rooms):
            other = 1 - home
            with self.subTest(room=room, home=NODES[home]):
                # Created again on the other node, or joined there: the answer names the home.
                self.assert_elsewhere(self.create(self.handle(other), room), home)
                self.assert_elsewhere(self.join(other, room, "olga", "host")[1], home)
                self.assert_elsewhere(self.join(other, room, "vic", "viewer")[1], home)
                # On the home node it works.
                self.joined(home, room, "olga", "host")
                exists = self.handle(home).send({"request": "exists", "room": room})
                self.assertTrue(exists.get("exists"), exists)
        # A static room (harness.PLUGIN_CONFIG's "static", in both nodes' jcfg) opens on its home
        # only; the other node sends its joiners there.
        answers = [self.join(node, "static", "olga", "host")[1] for node in range(len(NODES))]
        homes = [node for node, answer in enumerate(answers) if answer.get("roomrec") == "joined"]
        self.assertEqual(len(homes), 1, answers)
        self.assert_elsewhere(answers[1 - homes[0]], homes[0])

    def test_a2_the_room_page_follows_a_room_to_its_home(self):
        room = self.home_rooms("page")[0]  # homed on node-a; the page is pointed at node-b
        www = tempfile.mkdtemp(prefix="roomrec-www-")
        self.addCleanup(shutil.rmtree, www, ignore_errors=True)
        harness.stage_web(www)
        port = free_port()
        web = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", www],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(web.wait)
        self.addCleanup(web.terminate)
        config = {"url": f"http://127.0.0.1:{port}/room/?janus={self.nodes[1].url}", "room": room,
                  "tokens": {"Olga": harness.token(room, "olga", "host")}}
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "room_home.mjs"), json.dumps(config)],
                             capture_output=True, text=True, timeout=120, cwd=BROWSER_DIR)
        self.assertEqual(run.returncode, 0, run.stderr)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertNotIn("failure", result, result.get("failure"))
        self.assertEqual(result["errors"], [], "console errors")
        self.assertEqual(result["janus"], self.nodes[0].url, "the page now names the room's home")
        self.assertGreaterEqual(result["people"], 1, result)
        # She is in the room on node-a.
        listed = self.handle(0).send({"request": "listparticipants", "room": room, "admin_secret": harness.ADMIN_SECRET})
        self.assertEqual([p.get("user_id") for p in listed.get("participants", [])], ["olga"], listed)

    def test_b_telemetry_from_both_nodes_lands_in_one_schema(self):
        activity = self.scripted_activity()
        rooms = {a["room"]: NODES[node] for node, a in enumerate(activity)}
        listed = ", ".join(f"'{room}'" for room in rooms)
        wanted = {"join", "chat.send", "poll.create", "poll.answer", "qa.ask"}
        query = f"SELECT room_id, node_id, kind FROM telemetry_events WHERE room_id IN ({listed})"
        rows = self.wait_sql(query, lambda rows: all(wanted <= {k for r, n, k in rows if r == room} for room in rooms),
                             what="telemetry of both rooms")
        for room, node in rooms.items():
            self.assertEqual({n for r, n, k in rows if r == room}, {node}, f"telemetry of {room}")
        self.assertEqual({n for r, n, k in rows}, set(NODES))
        # Both nodes' writers share the batch ledger, each under its own node id.
        self.assertEqual({row[0] for row in self.sql("SELECT DISTINCT node_id FROM telemetry_batches")}, set(NODES))

    def test_c_ids_never_collide_across_nodes(self):
        activity = self.scripted_activity()
        listed = ", ".join(f"'{a['room']}'" for a in activity)
        kinds = {"chat.send": "messages", "poll.create": "polls", "qa.ask": "questions"}
        query = (f"SELECT node_id, kind, coalesce(participant_id, ''), coalesce(subject_id, ''), session_id "
                 f"FROM telemetry_events WHERE room_id IN ({listed})")
        rows = self.wait_sql(query, lambda rows: {(n, k) for n, k, *_ in rows} >=
                             {(n, k) for n in NODES for k in kinds}, what="the activity's telemetry")
        stored = {node: collections.defaultdict(set) for node in NODES}
        for node, kind, participant, subject, session in rows:
            if participant:
                stored[node]["participants"].add(participant)
            if kind in kinds:
                stored[node][kinds[kind]].add(subject)
            stored[node]["sessions"].add(session)
        for index, node in enumerate(NODES):
            for name in ("participants", "messages", "polls", "questions"):
                self.assertEqual(set(activity[index][name]), stored[node][name], f"{node}'s {name}")
            self.assertEqual(len(stored[node]["sessions"]), 1, stored[node]["sessions"])
        for name in ("participants", "messages", "polls", "questions", "sessions"):
            with self.subTest(ids=name):
                a, b = stored[NODES[0]][name], stored[NODES[1]][name]
                self.assertTrue(a and b)
                self.assertEqual(a & b, set(), f"{name} ids shared by both nodes")
        # From the replies too: every id handed out, across both nodes, is distinct.
        handed = [i for a in activity for name in ("participants", "messages", "polls", "questions") for i in a[name]]
        self.assertEqual(len(handed), len(set(handed)), handed)
        # The recordings table (every recording made on either node so far, this suite's included).
        recordings = self.sql("SELECT recording_id FROM recordings")
        self.assertEqual(len(recordings), len({r[0] for r in recordings}))

    def test_d_a_killed_nodes_upload_is_finished_by_the_other_node(self):
        room = self.home_rooms("rec")[0]
        host, _ = self.joined(0, room, "hana", "host")
        publisher = publish_now(host, webcam_track=NoiseTrack(), stage=False)
        self.addCleanup(close_now, publisher)
        recording_id = host.send({"request": "start_recording"})["recording"]
        host.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("state") == "started", 20)
        time.sleep(4)
        host.send({"request": "stop_recording"})

        job_query = ("SELECT id, state, coalesce(owner, ''), coalesce(progress::text, ''), payload::text "
                     f"FROM outbox_jobs WHERE kind = 'upload' AND payload->'recording'->>'recording_id' = '{recording_id}'")

        def running_on_a_with_a_part(rows):
            if rows and rows[0][1] == "running":
                self.assertEqual(rows[0][2], NODES[0], "node-a runs its own recording's upload first")
            return rows and rows[0][1] == "running" and rows[0][3] and json.loads(rows[0][3]).get("parts")

        job_id, _, _, progress, payload = self.wait_sql(job_query, running_on_a_with_a_part, timeout=60,
                                                        what="a running upload with a part stored")[0]
        before = json.loads(progress)
        recording = json.loads(payload)["recording"]
        self.assertGreater(recording["size_bytes"], 5 << 20, "the file makes two parts or more")
        self.nodes[0].kill()
        killed_at = time.time()
        # node-b takes the job over once node-a's lease lapses (a done job names no owner: watch
        # it while it runs).
        claimed = self.wait_sql(job_query, lambda rows: rows[0][1:3] == ["running", NODES[1]] or rows[0][1] == "done",
                                timeout=LEASE_SECONDS + 30, what="node-b's claim")
        # The rest of the upload can take under a second: a job already done is node-b's too (its
        # second attempt, and the webhook node-b planned, below).
        if claimed[0][1] == "running":
            self.assertEqual(claimed[0][2], NODES[1], "node-b runs the upload")

        available = self.hooks.wait_for(lambda body: body["type"] == "recording.available" and
                                        body["data"].get("recording") == recording_id, timeout=90)
        self.assertGreaterEqual(time.time() - killed_at, LEASE_SECONDS - 1, "node-b waited for the lease to lapse")
        self.assertTrue(available["valid"], "the webhook's signature verifies")
        # The object: the recording's bytes, once.
        data = self.s3.get_object(BUCKET, recording["location"])
        self.assertEqual((len(data), hashlib.sha256(data).hexdigest()), (recording["size_bytes"], recording["sha256"]))
        self.assertEqual((available["body"]["data"]["sha256"], available["body"]["data"]["size_bytes"]),
                         (recording["sha256"], recording["size_bytes"]))
        self.assertEqual(self.sql(f"SELECT state, storage, node_id FROM recordings WHERE recording_id = '{recording_id}'"),
                         [["available", "s3", NODES[0]]])
        job = self.sql(f"SELECT state, attempts, progress::text FROM outbox_jobs WHERE id = '{job_id}'")[0]
        self.assertEqual(job[:2], ["done", "2"], "claimed by node-a, then by node-b")
        # The webhook was planned by the node that completed the upload.
        webhook_job = available["body"]["id"] + ":webhook:ops"
        self.assertEqual(self.sql(f"SELECT node_id FROM outbox_jobs WHERE id = '{webhook_job}'"), [[NODES[1]]])
        after = json.loads(job[2])
        self.assertEqual(after["upload_id"], before["upload_id"], "node-b resumed node-a's multipart upload")
        self.assertEqual(after["parts"][:len(before["parts"])], before["parts"])
        # The parts node-a had stored were not sent again: radosgw saw each of them from node-a
        # only, and the rest from node-b only.
        senders = self.part_senders(before["upload_id"])
        for part in after["parts"]:
            sender = self.net.ip(0) if part in before["parts"] else self.net.ip(1)
            self.assertEqual(senders.get(part["number"]), [sender], (part, senders))
        # Exactly once: a few seconds more bring no second delivery of the event.
        time.sleep(3)
        deliveries = self.hooks.matching(lambda body: body["type"] == "recording.available" and
                                         body["data"].get("recording") == recording_id)
        self.assertEqual(len({d["body"]["id"] for d in deliveries}), 1, deliveries)
        self.assertEqual([d["status"] for d in deliveries], [200], "delivered once, accepted")
        # And no event of the suite reached the receiver twice.
        accepted = collections.Counter(d["key"] for d in self.hooks.deliveries if d["status"] < 300)
        self.assertEqual([key for key, count in accepted.items() if count > 1], [])

    def part_senders(self, upload_id):
        """{part number: [client address of each accepted PUT of it]} from radosgw's access log
        (the killed node's PUT cut off mid-part is refused, not stored)."""
        senders = collections.defaultdict(list)
        with open(self.s3.log_path("client.rgw.a"), errors="replace") as log:
            for line in log:
                if upload_id not in line or '"PUT ' not in line:
                    continue
                number = re.search(r"partNumber=(\d+)", line)
                address = re.search(r"beast: \S+: (\S+) ", line)
                accepted = re.search(r'HTTP/1\.1" 2\d\d ', line)
                if number and address and accepted:
                    senders[int(number.group(1))].append(address.group(1))
        return dict(senders)


if __name__ == "__main__":
    unittest.main(verbosity=2)
