"""Delivery through the real Janus (S2-S5): recordings stored, uploaded to a real
S3 (single-node Ceph radosgw with signature checks), announced by signed webhooks to a local
receiver, with metadata rows and the durable outbox in a real Postgres. And the faults: the
webhook receiver failing for a while, radosgw stopped mid-upload, Janus killed mid-upload,
Postgres away when events happen. Nothing may be lost in any case."""
import glob
import hashlib
import json
import os
import secrets
import tempfile
import time
import unittest
import urllib.request

import harness
from peers import PeerCleanup, publish_now
from postgres import Postgres
from radosgw import RadosGW
from webhook_receiver import WebhookReceiver


BUCKET = "recordings"
WEBHOOK_SECRET = "whsec_" + secrets.token_hex(12)
PART_MIB = 5


def plant_recording(root, room, size_mib, title="Planted"):
    """A work folder as a crash leaves it (manifest + one segment): the plugin finalizes it at
    start-up (M4) and delivers it. Random bytes: delivery never looks inside the file."""
    recording_id = secrets.token_hex(16)
    folder = os.path.join(root, room, ".recordings", recording_id)
    os.makedirs(folder)
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump({"recording_id": recording_id, "room": room, "title": title, "file_name": f"Rec - {title}.mp4",
                   "owner": "olga", "initiator": "olga", "started_unix": int(time.time()) - 60}, f)
    digest = hashlib.sha256()
    with open(os.path.join(folder, "segment-0.mp4"), "wb") as f:
        for _ in range(size_mib):
            block = os.urandom(1 << 20)
            digest.update(block)
            f.write(block)
    return recording_id, digest.hexdigest()


def sha256_of_url(url):
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=30) as response:
        while True:
            block = response.read(1 << 20)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


class DeliveryBase(PeerCleanup, unittest.TestCase):
    ports = (18188, 17188)
    storage = "s3"

    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.s3 = RadosGW()
        cls.s3.start()
        cls.s3.create_bucket(BUCKET)
        cls.hooks = WebhookReceiver(WEBHOOK_SECRET)
        cls.sink = harness.EventSink(port=cls.ports[0] + 400)
        cls.root = tempfile.mkdtemp(prefix="roomrec-delivery-")
        cls.janus = None

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.janus:
                cls.janus.stop()
        finally:
            cls.sink.stop()
            cls.hooks.stop()
            cls.s3.stop()
            cls.pg.close()

    @classmethod
    def start_janus(cls, extra_webhooks=None, **delivery):
        settings = {"delivery": dict({"postgres": cls.pg.conninfo, "storage": cls.storage,
                                      "s3_endpoint": cls.s3.endpoint, "s3_bucket": BUCKET, "s3_region": cls.s3.region,
                                      "s3_access_key": cls.s3.access_key, "s3_secret_key": cls.s3.secret_key,
                                      "s3_part_size_mib": PART_MIB}, **delivery),
                    "webhook-ops": {"url": cls.hooks.url, "secret": WEBHOOK_SECRET}, **(extra_webhooks or {})}
        if cls.storage == "local":
            settings["delivery"] = {key: value for key, value in settings["delivery"].items() if not key.startswith("s3_")}
        cls.janus = harness.Janus(http_port=cls.ports[0], admin_port=cls.ports[1],
                                  settings={"recordings_root": cls.root}, events_backend=cls.sink.url,
                                  categories=settings)

    @classmethod
    def restart_janus(cls, kill=False, **delivery):
        if kill:
            cls.janus.kill()
            cls.janus.log.close()
        else:
            cls.janus.stop()
        cls.start_janus(**delivery)

    def sql(self, query, *args):
        """Rows as lists of text; $1.. are replaced by quoted literals (the test's own values)."""
        for number, value in reversed(list(enumerate(args, 1))):
            query = query.replace(f"${number}", "'" + str(value).replace("'", "''") + "'")
        out = self.pg.psql(query)
        return [line.split("|") for line in out.splitlines()] if out else []

    def join(self, room, user, role):
        session = harness.Session(self.janus)
        self.sessions.append(session)
        handle = session.attach()
        data = handle.send({"request": "join", "room": room, "token": harness.token(room, user, role),
                            "user": {"display": user.title(), "country": "DE", "client": "desktop"}})
        self.assertEqual(data.get("roomrec"), "joined", data)
        return handle

    def record(self, room, seconds, tracks=False):
        """A real recording of `seconds` in a new room (with isolated tracks if asked); returns its id."""
        session = harness.Session(self.janus)
        self.sessions.append(session)
        harness.create_room(session.attach(), room, title=f"Delivery {room}")
        host = self.join(room, "hana", "host")
        self.publishers.append(publish_now(host))
        recording_id = host.send({"request": "start_recording", **({"tracks": True} if tracks else {})})["recording"]
        host.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("state") == "started", 15)
        time.sleep(seconds)
        host.send({"request": "stop_recording"})
        return recording_id, host

    def webhook(self, event_type, recording_id=None, room=None, timeout=60):
        return self.hooks.wait_for(lambda body: body["type"] == event_type and
                                   (recording_id is None or body["data"].get("recording") == recording_id) and
                                   (room is None or body["room"] == room), timeout=timeout)

    def assert_signed(self, delivery):
        self.assertTrue(delivery["valid"], "the webhook's signature does not verify")
        self.assertEqual(delivery["key"], delivery["body"]["id"])
        self.assertEqual(delivery["type"], delivery["body"]["type"])

    def upload_progress(self, recording_id):
        rows = self.sql("SELECT progress::text FROM outbox_jobs WHERE kind = 'upload' AND payload->'recording'->>'recording_id' = $1",
                        recording_id)
        return json.loads(rows[0][0]) if rows and rows[0][0] else None

    def upload_attempts(self, recording_id):
        rows = self.sql("SELECT attempts FROM outbox_jobs WHERE kind = 'upload' AND payload->'recording'->>'recording_id' = $1",
                        recording_id)
        return int(rows[0][0])

    def wait_parts(self, recording_id, count, timeout=30):
        """The upload's progress once `count` parts are done (as persisted in the outbox)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            progress = self.upload_progress(recording_id)
            if progress and len(progress.get("parts", [])) >= count:
                return progress
            time.sleep(0.05)
        self.fail(f"the upload of {recording_id} did not reach {count} parts")

    def assert_files_with_tracks(self, data, storage):
        """The webhook's files of hana's recording with tracks: the composite first, then each
        published stream's track (audio, stage, webcam), then the manifest, all in `storage`.
        Returns the tracks' folder."""
        folder = data["location"][:-len(".mp4")] + " tracks"
        self.assertEqual([(f["role"], f["storage"], f["location"]) for f in data["files"]],
                         [("composite", storage, data["location"]),
                          ("track", storage, f"{folder}/hana - stage video.mkv"),
                          ("track", storage, f"{folder}/hana - webcam audio.mkv"),
                          ("track", storage, f"{folder}/hana - webcam video.mkv"),
                          ("manifest", storage, f"{folder}/manifest.json")], data["files"])
        return folder

    def assert_row_lists_the_files(self, data):
        """The recording's row knows every file beside its composite, where the webhook says."""
        files = self.sql("SELECT files::text FROM recordings WHERE recording_id = $1", data["recording"])
        self.assertEqual(json.loads(files[0][0]), [f["location"] for f in data["files"][1:]])

    def delete_through_the_library(self, recording_id):
        """An operator deletes the recording (the recordings library, Admin API); returns once its
        delete job is done."""
        answer = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                   "request": {"request": "library", "action": "delete", "recording": recording_id}})
        self.assertEqual(answer["response"].get("roomrec"), "library", answer)
        deadline = time.time() + 30
        while self.sql("SELECT state FROM outbox_jobs WHERE id = $1", recording_id + ":delete") != [["done"]]:
            self.assertLess(time.time(), deadline, self.sql("SELECT state, last_error FROM outbox_jobs WHERE kind = 'delete'"))
            time.sleep(0.2)

    def assert_in_s3(self, available, sha256, size):
        data = available["body"]["data"]
        self.assertEqual((data["storage"], data["bucket"], data["sha256"], data["size_bytes"]),
                         ("s3", BUCKET, sha256, size))
        self.assertEqual(sha256_of_url(data["url"]), sha256, "the presigned URL serves the same bytes")
        row = self.sql("SELECT state, storage, location, sha256, size_bytes FROM recordings WHERE recording_id = $1",
                       data["recording"])
        self.assertEqual(row, [["available", "s3", data["location"], sha256, str(size)]])


class S3DeliveryTest(DeliveryBase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_janus()

    def test_a_recording_is_uploaded_and_announced(self):
        recording_id, host = self.record("up1", 4)
        started = self.webhook("recording.started", recording_id)
        self.assert_signed(started)
        available = self.webhook("recording.available", recording_id)
        self.assert_signed(available)
        data = available["body"]["data"]
        self.assertTrue(data["location"].startswith("up1/Recordings/Rec - "), data)
        self.assertGreater(data["duration_ms"], 3000)
        self.assertEqual((data["owner"], data["initiator"], data["title"]), ("hana", "hana", "Delivery up1"))
        # The local copy is gone once the upload is verified (keep_local_copy = false).
        self.assertEqual(glob.glob(os.path.join(self.root, "up1", "Recordings", "*.mp4")), [])
        self.assert_in_s3(available, data["sha256"], data["size_bytes"])
        self.assertEqual(self.sink.wait_plugin_event("recording_uploaded", "up1", timeout=10)["key"], data["location"])
        # Each outbox job ran and is done (a receiver has its webhook before the job is recorded done).
        harness.wait_for_sql(self.pg.psql, "SELECT string_agg(kind || ':' || state, ',' ORDER BY kind, state) "
                             "FROM outbox_jobs WHERE room_id = 'up1'", "upload:done,webhook:done,webhook:done")
        # Operators see it in the Admin API's status (and nobody else may ask).
        status = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                   "request": {"request": "status"}})["response"]
        self.assertTrue(status["delivery"]["database_up"], status)
        self.assertGreaterEqual(status["delivery"]["uploads"], 1, status)
        self.assertGreaterEqual(status["delivery"]["webhooks"], 2, status)
        self.assertGreater(status["telemetry"]["enqueued"], 0, status)  # delivery.postgres serves telemetry too
        # The queue's byte bound (telemetry.queue_max_mib) is reported with the other drop counters.
        self.assertEqual(status["telemetry"]["dropped_bytes"], 0, status)
        self.assertLessEqual(status["telemetry"]["queued_bytes"], 64 << 20, status)
        self.assertEqual(host.send({"request": "status"}).get("error_code"), 448)

    def test_isolated_tracks_go_to_s3_with_the_composite_and_are_deleted_with_it(self):
        recording_id, _ = self.record("up2", 3, tracks=True)
        available = self.webhook("recording.available", recording_id)
        self.assert_signed(available)
        data = available["body"]["data"]
        self.assert_in_s3(available, data["sha256"], data["size_bytes"])
        folder = self.assert_files_with_tracks(data, "s3")
        # Each file is in the bucket under its key, served by its presigned link.
        for stored in data["files"][1:]:
            body = self.s3.get_object(BUCKET, stored["location"])
            with urllib.request.urlopen(stored["url"], timeout=30) as response:
                self.assertEqual(response.read(), body, stored["location"])
            if stored["role"] == "track":
                self.assertGreater(len(body), 1000, stored["location"])
        manifest = json.loads(self.s3.get_object(BUCKET, data["files"][-1]["location"]))
        self.assertEqual(len(manifest["tracks"]), 3, manifest)
        # Uploaded, the local copies are gone, their folder too (keep_local_copy = false).
        self.assertFalse(os.path.exists(os.path.join(self.root, folder)), folder)
        self.assertEqual(self.upload_attempts(recording_id), 1)
        # Deleted in the library, every object of the recording goes: the tracks and the manifest too.
        self.assert_row_lists_the_files(data)
        self.delete_through_the_library(recording_id)
        for stored in data["files"]:
            self.assertEqual(self.s3.request("HEAD", f"/{BUCKET}/{stored['location']}")[0], 404, stored)

    def test_webhook_receiver_failing_then_recovering(self):
        self.hooks.fail_for(6)  # the first attempt (after a join and a close) comes well inside it
        host = self.join("static", "hana", "host")
        host.send({"request": "close"})
        failed = self.hooks.wait_for(lambda b: b["type"] == "session.ended" and b["room"] == "static", accepted=False)
        self.assertEqual(failed["status"], 500)
        delivered = self.webhook("session.ended", room="static", timeout=30)
        self.assert_signed(delivered)
        self.assertEqual(delivered["key"], failed["key"], "a retry carries the same idempotency key")
        self.assertEqual(delivered["raw"], failed["raw"], "a retry sends the same body")
        self.assertEqual(delivered["body"]["data"]["reason"], "closed_by_host")
        self.assertGreaterEqual(delivered["at"] - failed["at"], 2.0)


class S3FaultsTest(DeliveryBase):
    """Each test plants a large unfinished recording, (re)starts Janus (which finalizes and
    delivers it: multipart, throttled so that faults land mid-upload) and injects a fault."""
    ports = (18288, 17288)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_janus()

    def test_radosgw_stopped_mid_upload_resumes(self):
        recording_id, sha256 = plant_recording(self.root, "fault1", 24)
        self.restart_janus(s3_max_send_mib_per_s=6)
        before = self.wait_parts(recording_id, 1)
        self.s3.stop_rgw(kill=True)
        # The upload fails meanwhile: a retryable failure, rescheduled with why, not a lost job.
        harness.wait_for_sql(self.pg.psql, "SELECT state, last_error <> '' FROM outbox_jobs "
                             "WHERE kind = 'upload' AND room_id = 'fault1'", "pending|t", timeout=15)
        self.s3.start_rgw()
        available = self.webhook("recording.available", recording_id, timeout=90)
        self.assert_signed(available)
        self.assert_in_s3(available, sha256, 24 << 20)
        self.assertTrue(available["body"]["data"]["recovered"])
        after = self.upload_progress(recording_id)
        self.assertEqual(after["upload_id"], before["upload_id"], "the upload resumed instead of starting over")
        self.assertEqual(len(after["parts"]), 5, "24 MiB in 5 MiB parts")
        self.assertGreaterEqual(self.upload_attempts(recording_id), 2)

    def test_janus_killed_mid_upload_completes_after_restart(self):
        recording_id, sha256 = plant_recording(self.root, "fault2", 24)
        self.restart_janus(s3_max_send_mib_per_s=6)
        before = self.wait_parts(recording_id, 1)
        self.janus.kill()
        # A torn or tampered spool entry is set aside, and does not hold up the others.
        with open(os.path.join(self.root, ".delivery", "000000000000001-torn.json"), "w") as f:
            f.write('{"type": "recording.avail')
        self.restart_janus(kill=True)
        available = self.webhook("recording.available", recording_id, timeout=90)
        self.assertTrue(os.path.exists(os.path.join(self.root, ".delivery", "rejected", "000000000000001-torn.json")))
        self.assertIn("000000000000001-torn.json is unreadable", self.janus.log_text())
        self.assert_in_s3(available, sha256, 24 << 20)
        self.assertEqual(self.upload_progress(recording_id)["upload_id"], before["upload_id"])
        # The killed node's claim was released at its restart (not after the 2-minute lease).
        self.assertEqual(self.upload_attempts(recording_id), 2)
        self.assertIn("unfinished job(s) of this node resume now", self.janus.log_text())

    def test_postgres_away_events_wait_in_the_spool(self):
        self.pg.stop()
        try:
            host = self.join("static", "hana", "host")
            host.send({"request": "close"})
            time.sleep(1)
            spooled = glob.glob(os.path.join(self.root, ".delivery", "*.json"))
            self.assertEqual(len(spooled), 1, "the event is durable in the spool while Postgres is away")
        finally:
            self.pg.start()
        delivered = self.webhook("session.ended", room="static", timeout=60)
        self.assert_signed(delivered)
        deadline = time.time() + 10
        while glob.glob(os.path.join(self.root, ".delivery", "*.json")) and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(glob.glob(os.path.join(self.root, ".delivery", "*.json")), [])


class RefusedPathTest(DeliveryBase):
    """Anyone who can write the shared outbox can write an upload job's file path. Delivery
    uploads and deletes only files under its recordings_root: a job naming a file elsewhere
    (directly, through "..", or through a symbolic link planted in the root) fails for good,
    once, with the reason in its row and in the log; the file is neither uploaded nor deleted."""
    ports = (18588, 17588)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_janus()
        cls.outside = tempfile.mkdtemp(prefix="roomrec-victim-")

    def plant_upload(self, file_path, room="evil", sha256="", size=0):
        """An upload job for this node as another node (or anyone with the database) could write it."""
        job_id = "planted-" + secrets.token_hex(6)
        recording_id = secrets.token_hex(16)
        if sha256:  # a job that succeeds updates its recording's row: give it one
            self.sql("INSERT INTO recordings (room_id, recording_id, node_id, started_at, storage, state)"
                     " VALUES ($1, $2, 'test-node', now(), 'local', 'stored')", room, recording_id)
        payload = {"id": "evt-" + job_id, "type": "recording.available", "room": room, "node": "test-node",
                   "created_ms": int(time.time() * 1000),
                   "recording": {"recording_id": recording_id, "title": "x", "owner": "mallory", "initiator": "mallory",
                                 "started_ms": 1, "ended_ms": 2, "duration_ms": 1, "size_bytes": size, "sha256": sha256,
                                 "file_path": file_path, "location": f"{room}/Recordings/{recording_id}.mp4", "gaps": 0,
                                 "gap_seconds": 0.0, "recovered": False}}
        self.sql("INSERT INTO outbox_jobs (id, room_id, node_id, kind, affinity_node, payload, created_at, next_attempt_at)"
                 " VALUES ($1, $2, 'test-node', 'upload', 'test-node', $3::jsonb, now(), now())",
                 job_id, room, json.dumps(payload))
        return job_id, payload["recording"]["location"]

    def victim(self, name):
        path = os.path.join(self.outside, name)
        with open(path, "wb") as f:
            f.write(b"not a recording: " + name.encode() + os.urandom(64))
        with open(path, "rb") as f:
            return path, f.read()

    def wait_failed(self, job_id, timeout=30):
        """The job's (state, attempts, last_error) once it is failed or done, else as it is then."""
        deadline = time.time() + timeout
        while True:
            rows = self.sql("SELECT state, attempts, last_error FROM outbox_jobs WHERE id = $1", job_id)
            if (rows and rows[0][0] in ("failed", "done")) or time.time() > deadline:
                return rows[0]
            time.sleep(0.2)

    def plant_victim_upload(self, path, content):
        """With the row and checksum a real job has: what the old code uploaded, then deleted."""
        return self.plant_upload(path, sha256=hashlib.sha256(content).hexdigest(), size=len(content))

    def assert_refused(self, job_id, location, victim, content, given_path, why="outside the recordings root"):
        state, attempts, error = self.wait_failed(job_id)
        self.assertTrue(os.path.exists(victim), "the file outside the root was deleted")
        with open(victim, "rb") as f:
            self.assertEqual(f.read(), content, "the file outside the root is untouched")
        with self.assertRaisesRegex(Exception, "HTTP 404", msg="the file outside the root was uploaded"):
            self.s3.get_object(BUCKET, location)
        self.assertEqual((state, attempts), ("failed", "1"), "refused once and for good, not retried")
        self.assertIn(why, error)
        self.assertIn(given_path, error, "the row names the refused path")
        self.assertIn(f"job {job_id} refused (not uploaded, not deleted): refused the file path '{given_path}'",
                      self.janus.log_text())
        failed = self.sink.wait_plugin_event("delivery_failed", "evil", timeout=10)
        self.assertEqual(failed["kind"], "upload")

    def test_a_file_outside_the_root_is_neither_uploaded_nor_deleted(self):
        victim, content = self.victim("direct")
        job_id, location = self.plant_victim_upload(victim, content)
        self.assert_refused(job_id, location, victim, content, victim)

    def test_dot_dot_and_prefix_tricks_are_refused(self):
        victim, content = self.victim("dotdot")
        tricky = os.path.join(self.root, "..", os.path.relpath(victim, os.path.dirname(self.root)))
        job_id, location = self.plant_victim_upload(tricky, content)
        self.assert_refused(job_id, location, victim, content, tricky)
        # <root>-evil/x starts with the root's text but is not under it.
        evil_folder = self.root.rstrip("/") + "-evil"
        os.makedirs(evil_folder, exist_ok=True)
        prefixed = os.path.join(evil_folder, "x.mp4")
        with open(prefixed, "wb") as f:
            f.write(b"prefix trick")
        job_id, location = self.plant_victim_upload(prefixed, b"prefix trick")
        self.assert_refused(job_id, location, prefixed, b"prefix trick", prefixed)

    def test_a_symlink_in_the_root_pointing_out_is_refused(self):
        victim, content = self.victim("linked")
        folder = os.path.join(self.root, "evil", "Recordings")
        os.makedirs(folder, exist_ok=True)
        link = os.path.join(folder, "Rec - linked.mp4")
        os.symlink(victim, link)
        job_id, location = self.plant_victim_upload(link, content)
        self.assert_refused(job_id, location, victim, content, link)
        self.assertTrue(os.path.islink(link), "the link itself is not deleted either")

    def test_files_under_the_root_that_are_not_stored_recordings_are_refused(self):
        # An unfinished recording's segment and a spool entry live under the root too: uploading
        # and then deleting them would lose the recording or the events.
        for relative in (os.path.join("evil", ".recordings", "r1", "segment-0.mp4"),
                         os.path.join(".delivery", "notes.txt"), os.path.join("evil", "Recordings", ".hidden.mp4")):
            with self.subTest(path=relative):
                path = os.path.join(self.root, relative)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                content = os.urandom(1024)
                with open(path, "wb") as f:
                    f.write(content)
                job_id, location = self.plant_victim_upload(path, content)
                self.assert_refused(job_id, location, path, content, path, why="not a stored recording")

    def test_a_file_inside_the_root_is_still_uploaded(self):
        folder = os.path.join(self.root, "fine", "Recordings")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "Rec - fine.mp4")
        with open(path, "wb") as f:
            f.write(os.urandom(4096))
        with open(path, "rb") as f:
            content = f.read()
        # Written through a redundant path: resolved, then uploaded and removed as usual.
        job_id, location = self.plant_upload(os.path.join(self.root, "fine", ".", "Recordings", "Rec - fine.mp4"),
                                             room="fine", sha256=hashlib.sha256(content).hexdigest(), size=len(content))
        state, attempts, error = self.wait_failed(job_id)
        self.assertEqual(state, "done", error)
        self.assertEqual(self.s3.get_object(BUCKET, location), content)
        self.assertFalse(os.path.exists(path), "the local copy is removed after the upload")


class LocalDeliveryTest(DeliveryBase):
    ports = (18388, 17388)
    storage = "local"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A second endpoint that only wants session.ended and refuses it for good (410 Gone).
        cls.gone = WebhookReceiver(WEBHOOK_SECRET, status=410)
        cls.start_janus(extra_webhooks={"webhook-gone": {"url": cls.gone.url, "secret": WEBHOOK_SECRET,
                                                         "events": "session.ended"}})

    @classmethod
    def tearDownClass(cls):
        cls.gone.stop()
        super().tearDownClass()

    def test_a_refusing_endpoint_fails_for_good_and_others_still_get_theirs(self):
        host = self.join("static", "hana", "host")
        host.send({"request": "close"})
        self.assert_signed(self.webhook("session.ended", room="static"))
        refused = self.gone.wait_for(lambda b: b["type"] == "session.ended", accepted=False)
        self.assertEqual(refused["status"], 410)
        failed = self.sink.wait_plugin_event("delivery_failed", "static", timeout=15)
        self.assertEqual(failed["kind"], "webhook")
        self.assertIn("HTTP 410", failed["error"])
        time.sleep(2)
        self.assertEqual(len(self.gone.matching(lambda b: b["room"] == "static")), 1, "a refused delivery is not retried")
        self.assertEqual(self.sql("SELECT state, attempts FROM outbox_jobs WHERE id = $1", failed["job"]),
                         [["failed", "1"]])
        self.assertEqual(self.gone.matching(lambda b: b["type"] != "session.ended"), [], "events it did not ask for")

    def test_a_local_recording_is_announced_with_its_row(self):
        recording_id, _ = self.record("loc1", 3)
        available = self.webhook("recording.available", recording_id)
        self.assert_signed(available)
        data = available["body"]["data"]
        self.assertEqual(data["storage"], "local")
        path = os.path.join(self.root, data["location"])
        with open(path, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), data["sha256"])
        self.assertNotIn("url", data)
        row = self.sql("SELECT state, storage, location, owner, title FROM recordings WHERE recording_id = $1", recording_id)
        self.assertEqual(row, [["available", "local", data["location"], "hana", "Delivery loc1"]])

    def test_isolated_tracks_are_listed_in_the_webhook_and_deleted_with_the_recording(self):
        recording_id, _ = self.record("loc2", 3, tracks=True)
        available = self.webhook("recording.available", recording_id)
        self.assert_signed(available)
        data = available["body"]["data"]
        folder = self.assert_files_with_tracks(data, "local")
        for stored in data["files"]:
            self.assertTrue(os.path.isfile(os.path.join(self.root, stored["location"])), stored)
            self.assertNotIn("file_path", stored)
        # Deleted in the library, the composite and everything beside it go, the tracks' folder too.
        self.assert_row_lists_the_files(data)
        self.delete_through_the_library(recording_id)
        for stored in data["files"]:
            self.assertFalse(os.path.exists(os.path.join(self.root, stored["location"])), stored)
        self.assertFalse(os.path.exists(os.path.join(self.root, folder)), folder)


class DeliveryConfigTest(unittest.TestCase):
    """Bad delivery settings stop the plugin at start-up with a message naming the key, and
    never echo a secret."""

    def refused(self, categories):
        with self.assertRaises(RuntimeError) as raised:
            harness.Janus(http_port=18488, admin_port=17488, categories=categories)
        log = str(raised.exception)
        self.assertIn("janus runs without roomrec", log)
        self.assertNotIn("sekrit-key-0123456789", log)
        return log

    def test_each_bad_setting_is_named(self):
        s3 = {"postgres": "host=/nowhere dbname=x password=sekrit-key-0123456789", "storage": "s3",
              "s3_endpoint": "http://127.0.0.1:1", "s3_bucket": "recordings", "s3_access_key": "a",
              "s3_secret_key": "sekrit-key-0123456789"}
        hook = {"url": "http://127.0.0.1:1/h", "secret": "sekrit-key-0123456789"}
        cases = [
            ({"delivery": dict(s3, storage="ftp")}, 'delivery.storage must be "local" or "s3"'),
            ({"delivery": dict(s3, s3_bucket="")}, "delivery.s3_bucket is required"),
            ({"delivery": dict(s3, s3_bucket="Bad_Bucket")}, "delivery.s3_bucket must be a valid bucket name"),
            ({"delivery": dict(s3, s3_endpoint="ftp://x")}, "delivery.s3_endpoint must be an http"),
            ({"delivery": dict(s3, s3_part_size_mib=4)}, "delivery.s3_part_size_mib must be an integer from 5"),
            ({"delivery": dict(s3, s3_url_expiry=604801)}, "delivery.s3_url_expiry must be an integer from 1 to 604800"),
            ({"delivery": dict(s3, spool="relative/dir")}, "delivery.spool must be an absolute path"),
            ({"delivery": {"storage": "s3", **{k: v for k, v in s3.items() if k != "postgres"}}},
             "delivery.postgres is required"),
            ({"webhook-ops": hook}, "delivery.postgres is required"),
            ({"delivery": s3, "webhook-ops": dict(hook, url="file:///etc/passwd")}, "webhook-ops.url must be"),
            ({"delivery": s3, "webhook-ops": dict(hook, secret="short")}, "webhook-ops.secret must be at least 16"),
            ({"delivery": s3, "webhook-ops": dict(hook, events="recording.available, recording.exploded")},
             "unknown event 'recording.exploded'"),
            ({"delivery": s3, "webhook-" + "x" * 65: hook}, "the name after webhook- must be"),
        ]
        for categories, message in cases:
            with self.subTest(message=message):
                self.assertIn(message, self.refused(categories))

    def test_unsafe_recording_modes_are_named(self):
        cases = [({"file_mode": "0666"}, "general.file_mode must not be writable by others"),
                 ({"file_mode": "0440"}, "general.file_mode must give the owner rw"),
                 ({"file_mode": "rw-r-----"}, "general.file_mode must be 3 or 4 octal digits"),
                 ({"dir_mode": "0757"}, "general.dir_mode must not be writable by others"),
                 ({"dir_mode": "0650"}, "general.dir_mode must give the owner rwx"),
                 ({"dir_mode": "2750"}, "general.dir_mode may hold only permission bits")]
        for settings, message in cases:
            with self.subTest(message=message):
                with self.assertRaises(RuntimeError) as raised:
                    harness.Janus(http_port=18488, admin_port=17488, settings=settings)
                self.assertIn("janus runs without roomrec", str(raised.exception))
                self.assertIn(message, str(raised.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
