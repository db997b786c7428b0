"""The recordings library (SPEC S6) with S3 storage: a real radosgw behind the plugin's delivery
settings, the link endpoint only for playback reports. A stored recording plays and downloads over a
presigned GET (whole file and byte ranges, so a player can seek), for its owner, a host of its
room and a share link's holder, never for a stranger; the share link's play link never outlives
it; its player's reports become telemetry rows; deleting it removes the object through the
outbox, the tracks stored beside it too."""
import json
import os
import tempfile
import time
import unittest
import urllib.parse

import harness
from postgres import Postgres, free_port
from radosgw import RadosGW
from test_library import fetch, make_video

BUCKET = "roomrec-library"
PREFIX = "roomrec/"
FILE = "Rec - 2026-11-02 10-00-00 - Weekly.mp4"
DOOMED = "Rec - 2026-11-03 10-00-00 - Old.mp4"
TRACKS = {"alice - webcam video.mkv": b"\x1aE\xdf\xa3 video" * 50, "manifest.json": b'{"tracks": []}'}


class S3LibraryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rgw = RadosGW()
        cls.rgw.start()
        cls.pg = Postgres()
        try:
            cls.rgw.create_bucket(BUCKET)
            cls.pg.start()
            cls.folder = tempfile.mkdtemp(prefix="roomrec-library-s3-")
            cls.link_base = f"http://127.0.0.1:{free_port()}"
            cls.janus = harness.Janus(
                http_port=18616, admin_port=17616, settings={"recordings_root": os.path.join(cls.folder, "recordings")},
                categories={"delivery": {"postgres": cls.pg.conninfo, "storage": "s3", "s3_endpoint": cls.rgw.endpoint,
                                         "s3_bucket": BUCKET, "s3_region": cls.rgw.region,
                                         "s3_access_key": cls.rgw.access_key, "s3_secret_key": cls.rgw.secret_key,
                                         "s3_prefix": PREFIX},
                            "links": {"port": int(cls.link_base.rsplit(":", 1)[1]), "public_url": cls.link_base,
                                      "secret": "library-s3-links-secret-library-s3-links-01"}})
            harness.wait_until_migrated(cls.pg, "to_regclass('recording_links') IS NOT NULL", cls.janus)
            cls.video = cls.store("rec-weekly", "alice", FILE, seconds=8)
            cls.store("rec-doomed", "alice", DOOMED, seconds=2, tracks=TRACKS)
            cls.session = harness.Session(cls.janus)
            cls.handle = cls.session.attach()
        except BaseException:
            cls.pg.close()
            cls.rgw.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.session.destroy()
            cls.janus.stop()  # fails the suite on any sanitizer report
        finally:
            cls.pg.close()
            cls.rgw.stop()

    @classmethod
    def put(cls, key, data):
        status, _, body = cls.rgw.request("PUT", f"/{BUCKET}/{key}", body=data)
        if status != 200:
            raise AssertionError(f"PUT {key}: HTTP {status} {body[:300]!r}")

    @classmethod
    def store(cls, recording, owner, file, seconds, tracks=None):
        """Puts a real MP4 where the uploader would and its row as the delivery worker leaves it
        (storage s3, location = the whole key, and each of `tracks` ({name: bytes}) beside it in
        `<file without .mp4> tracks/`, its key in files); returns the file's bytes."""
        path = os.path.join(cls.folder, file)
        make_video(path, seconds)
        with open(path, "rb") as stream:
            data = stream.read()
        key = f"{PREFIX}r1/Recordings/{file}"
        cls.put(key, data)
        beside = [f"{PREFIX}r1/Recordings/{file[:-len('.mp4')]} tracks/{name}" for name in (tracks or {})]
        for track_key, content in zip(beside, (tracks or {}).values()):
            cls.put(track_key, content)
        cls.pg.psql(
            "INSERT INTO recordings (room_id, recording_id, node_id, title, owner, initiator, started_at, ended_at, "
            "duration_ms, size_bytes, storage, location, state, files) VALUES "
            f"('r1', '{recording}', 'test-node', 'Weekly', '{owner}', '{owner}', now() - interval '1 hour', "
            f"now() - interval '50 minutes', {seconds * 1000}, {len(data)}, 's3', $k${key}$k$, 'available', "
            f"$f${json.dumps(beside)}$f$)")
        return data

    def library(self, action, credential, **fields):
        return self.handle.send({"request": "library", "action": action, **fields, **credential})

    @staticmethod
    def tok(user, role="viewer"):
        return {"token": harness.token("r1", user, role)}

    def assert_presigned(self, url, key, at_most_s):
        self.assertTrue(url.startswith(f"{self.rgw.endpoint}/{BUCKET}/{urllib.parse.quote(key)}?"), url)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        self.assertLessEqual(int(query["X-Amz-Expires"][0]), at_most_s)
        self.assertEqual(query["X-Amz-Algorithm"], ["AWS4-HMAC-SHA256"])

    def test_the_owner_and_a_host_play_and_seek_over_a_presigned_link(self):
        key = f"{PREFIX}r1/Recordings/{FILE}"
        for credential in (self.tok("alice"), self.tok("hana", "host")):
            answer = self.library("link", credential, recording="rec-weekly")
            self.assertEqual(answer.get("roomrec"), "library", answer)
            self.assertEqual(answer["recording"]["storage"], "s3")
            self.assert_presigned(answer["url"], key, 4 * 3600)
            status, headers, body = fetch(answer["url"])
            self.assertEqual((status, body), (200, self.video))
            status, headers, body = fetch(answer["url"], headers={"Range": "bytes=1000-1999"})
            self.assertEqual(status, 206)
            self.assertEqual(headers["Content-Range"], f"bytes 1000-1999/{len(self.video)}")
            self.assertEqual(body, self.video[1000:2000])

    def test_the_players_reports_reach_telemetry(self):
        answer = self.library("link", self.tok("alice"), recording="rec-weekly")
        playback = answer["playback"]
        self.assertEqual((playback["recording"], playback["file"], playback["storage"]), ("rec-weekly", FILE, "s3"))
        self.assertEqual(answer["playback_url"], self.link_base + "/v1/playback")

        def report(fields):
            return fetch(answer["playback_url"], method="POST", data=json.dumps(fields).encode())[0]

        for event in ({"event": "impression"},
                      {"event": "play", "play": "p1", "position_ms": 0, "duration_ms": 8000},
                      {"event": "progress", "play": "p1", "position_ms": 4000, "duration_ms": 8000}):
            self.assertEqual(report({**playback, "viewer": "viewer-s3", **event}), 200)
        # The proof is for this S3 recording only: not as a local file, not with another storage.
        self.assertEqual(report({**playback, "viewer": "viewer-s3", "event": "impression", "storage": "local"}), 403)
        self.assertEqual(report({**playback, "viewer": "viewer-s3", "event": "impression", "storage": "ftp"}), 400)
        self.assertEqual(fetch(f"{self.link_base}/v1/files/r1/s3-recordings/{urllib.parse.quote(FILE)}?expires="
                               f"{playback['expires']}&recording=rec-weekly&sig={playback['sig']}")[0], 404)
        deadline = time.time() + 20
        while self.pg.psql("SELECT count(*) FROM telemetry_events WHERE subject_id = 'rec-weekly' AND kind IN "
                           "('playback.impression', 'playback.play', 'playback.progress')") != "3":
            self.assertLess(time.time(), deadline, "the playback reports did not reach telemetry")
            time.sleep(0.5)

    def test_a_stranger_is_refused_and_a_tampered_link_is_refused_by_the_store(self):
        refused = self.library("link", self.tok("mallory"), recording="rec-weekly")
        self.assertEqual(refused.get("error_code"), 448, refused)
        url = self.library("link", self.tok("alice"), recording="rec-weekly")["url"]
        tampered = url.replace(urllib.parse.quote(FILE), urllib.parse.quote(DOOMED))
        self.assertEqual(fetch(tampered)[0], 403)

    def test_a_share_link_plays_from_s3_and_its_play_link_ends_with_it(self):
        shared = self.library("share_link", self.tok("alice"), recording="rec-weekly", expires_in=600)
        self.assertEqual(shared.get("roomrec"), "library", shared)
        opened = self.handle.send({"request": "library", "action": "open_link", "share_token": shared["share_token"]})
        self.assertEqual(opened.get("roomrec"), "library", opened)
        self.assert_presigned(opened["url"], f"{PREFIX}r1/Recordings/{FILE}", 600)
        self.assertEqual(fetch(opened["url"], headers={"Range": "bytes=0-99"})[2], self.video[:100])
        revoked = self.library("revoke_link", self.tok("alice"), recording="rec-weekly", link=shared["link"])
        self.assertEqual(revoked.get("links"), [], revoked)
        again = self.handle.send({"request": "library", "action": "open_link", "share_token": shared["share_token"]})
        self.assertEqual(again.get("error_code"), 447, again)

    def test_tracks_download_over_presigned_links_and_go_with_the_recording(self):
        key = f"{PREFIX}r1/Recordings/{DOOMED}"
        self.assertEqual(self.rgw.request("HEAD", f"/{BUCKET}/{key}")[0], 200)
        # Its isolated tracks: listed, and each downloaded over its own presigned GET.
        details = self.library("details", self.tok("alice"), recording="rec-doomed")
        self.assertEqual(details["recording"]["files"], list(TRACKS))
        track_keys = [f"{PREFIX}r1/Recordings/{DOOMED[:-len('.mp4')]} tracks/{name}" for name in TRACKS]
        for (name, content), track_key in zip(TRACKS.items(), track_keys):
            answer = self.library("link", self.tok("hana", "host"), recording="rec-doomed", file=name)
            self.assertEqual(answer.get("file"), name, answer)
            self.assert_presigned(answer["url"], track_key, 4 * 3600)
            self.assertEqual(fetch(answer["url"])[:3:2], (200, content))
        refused = self.library("link", self.tok("mallory"), recording="rec-doomed", file="manifest.json")
        self.assertEqual(refused.get("error_code"), 448, refused)
        answer = self.library("delete", self.tok("alice"), recording="rec-doomed")
        self.assertEqual(answer.get("roomrec"), "library", answer)
        deadline = time.time() + 30
        while self.pg.psql("SELECT state FROM outbox_jobs WHERE id = 'rec-doomed:delete'") != "done":
            self.assertLess(time.time(), deadline, self.pg.psql("SELECT state, last_error FROM outbox_jobs"))
            time.sleep(0.2)
        self.assertEqual(self.rgw.request("HEAD", f"/{BUCKET}/{key}")[0], 404)
        for track_key in track_keys:
            self.assertEqual(self.rgw.request("HEAD", f"/{BUCKET}/{track_key}")[0], 404, track_key)
        delivery = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN,
                                     "request": {"request": "status"}})["response"]["delivery"]
        self.assertEqual((delivery["deletes"], delivery["webhooks"]), (1, 0), delivery)
        self.assertEqual(self.pg.psql("SELECT state FROM recordings WHERE recording_id = 'rec-doomed'"), "deleted")
        gone = self.library("link", self.tok("alice"), recording="rec-doomed")
        self.assertEqual(gone.get("error_code"), 465, gone)


if __name__ == "__main__":
    unittest.main()
