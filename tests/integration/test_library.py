"""The recordings library (SPEC S6) through the real Janus, a real Postgres and local storage:
the "library" request's access rule (owner, users it is shared with, hosts of the room by
token or by the live room's host secret, operators; everyone else refused), My Media and a room's Recordings folder, details, play and
download links served by the link server (whole file, byte ranges for seeking, 416), the
player's playback reports (telemetry rows), sharing with users and by expiring, revocable
links, rename, delete through the outbox (the file goes), bad inputs and the rate limit. Then
the library page in headless Chromium (tests/browser/library_page.mjs): a recording plays past
5 s and seeks, a share link opens for someone else and is refused once expired, a user without
access reads a clear message, rename and delete with confirmation, zero console errors. And the
recording mails (a real SMTP sink): a recording stored after its session ended (closed, host-leave
timeout) is mailed once to its owner and initiator at the addresses their signed tokens carry,
with the library page's link; no mail without such an address, when the room heard `available`,
or on a node without SMTP."""
import email
import email.policy
import json
import mailbox
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import browser_script
import harness
import smtp_sink
from postgres import Postgres, free_port

LINK_SECRET = "library-links-secret-library-links-secret-01"
CAFE = "Rec - 2026-11-02 10-00-00 - Caf\u00e9 weekly.mp4"


def make_video(path, seconds):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:v", "libx264", "-preset",
                    "ultrafast", "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac", "-movflags", "+faststart", path],
                   check=True)


PAGE_TRACKS = {"alice - webcam audio.mkv": b"\x1aE\xdf\xa3" * 3000, "alice - webcam video.mkv": b"\x1aE\xdf\xa3" * 9000,
               "manifest.json": b'{"composite": "x.mp4", "tracks": []}'}
BOB_TRACKS = {"bob - webcam audio.mkv": b"\x1aE\xdf\xa3 audio" * 100, "bob - webcam video.mkv": b"\x1aE\xdf\xa3 video",
              "manifest.json": b'{"tracks": []}'}

def fetch(url, headers=None, method="GET", data=None):
    """(status, headers, body) of a plain HTTP request; errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class LibraryBase(unittest.TestCase):
    SETTINGS = {}  # more jcfg general settings

    @classmethod
    def more_categories(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.folder = tempfile.mkdtemp(prefix="roomrec-library-")
        cls.root = os.path.join(cls.folder, "recordings")
        cls.link_port = free_port()
        cls.link_base = f"http://127.0.0.1:{cls.link_port}"
        cls.janus = harness.Janus(
            http_port=cls.HTTP_PORT, admin_port=cls.HTTP_PORT - 1000,
            settings={"recordings_root": cls.root, **cls.SETTINGS},
            categories={"delivery": {"postgres": cls.pg.conninfo},
                        "links": {"port": cls.link_port, "secret": LINK_SECRET, "public_url": cls.link_base},
                        **cls.more_categories()})
        harness.wait_until_migrated(cls.pg, "to_regclass('recording_links') IS NOT NULL", cls.janus)
        cls.session = harness.Session(cls.janus)
        cls.handle = cls.session.attach()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.session.destroy()
            cls.janus.stop()  # fails the suite on any sanitizer report
        finally:
            cls.pg.close()

    @classmethod
    def add_recording(cls, recording, room, owner, file, state="available", seconds=12, title="Weekly", tracks=None):
        """A stored recording's row and file; `tracks` ({name: bytes}): files stored beside it, in
        `<file without .mp4> tracks/`, as isolated tracks are."""
        folder = os.path.join(cls.root, room, "Recordings")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, file)
        if state in ("available", "stored"):
            make_video(path, seconds)
        size = os.path.getsize(path) if os.path.exists(path) else 0
        beside = []
        for name, content in (tracks or {}).items():
            os.makedirs(os.path.join(folder, file[:-len(".mp4")] + " tracks"), exist_ok=True)
            with open(os.path.join(folder, file[:-len(".mp4")] + " tracks", name), "wb") as f:
                f.write(content)
            beside.append(f"{room}/Recordings/{file[:-len('.mp4')]} tracks/{name}")
        cls.pg.psql(
            "INSERT INTO recordings (room_id, recording_id, node_id, title, owner, initiator, started_at, ended_at, "
            "duration_ms, size_bytes, storage, location, state, files) VALUES "
            f"('{room}', '{recording}', 'test-node', $t${title}$t$, '{owner}', '{owner}', "
            f"now() - interval '1 hour', now() - interval '50 minutes', {seconds * 1000}, {size}, 'local', "
            f"$loc${room}/Recordings/{file}$loc$, '{state}', $f${json.dumps(beside)}$f$)")
        return path

    def library(self, action, credential=None, **fields):
        body = {"request": "library", "action": action, **fields, **(credential or {})}
        return self.handle.send(body)

    @staticmethod
    def tok(user, room="r1", role="viewer"):
        return {"token": harness.token(room, user, role)}


class LibraryRequestsTest(LibraryBase):
    HTTP_PORT = 18611

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cafe = cls.add_recording("rec-cafe", "r1", "alice", CAFE, title="Caf\u00e9 weekly")
        cls.add_recording("rec-bob", "r1", "bob", "Rec - 2026-11-03 10-00-00 - Bob.mp4", seconds=3, title="Bob's",
                          tracks=BOB_TRACKS)
        cls.add_recording("rec-live", "r2", "alice", "Rec - 2026-11-04 10-00-00 - Live.mp4", state="recording")
        cls.doomed = cls.add_recording("rec-doomed", "r2", "olga", "Rec - 2026-11-05 10-00-00 - Old.mp4", seconds=2,
                                       tracks={"olga - webcam video.mkv": b"\x1aE\xdf\xa3 track", "manifest.json": b"{}"})
        # The harness's live room "static" (host_secret host-pass, viewer_secret viewer-pass).
        cls.add_recording("rec-static", "static", "hana", "Rec - 2026-11-06 10-00-00 - Static.mp4", seconds=2)
        harness.create_room(cls.handle, "r3", host_secret="r3-host-pass", moderator_secret="r3-mod-pass")

    def ids(self, reply):
        self.assertEqual(reply.get("roomrec"), "library", reply)
        return sorted(r["recording"] for r in reply["recordings"])

    def assert_error(self, reply, code, text=None):
        self.assertEqual(reply.get("error_code"), code, reply)
        if text:
            self.assertIn(text, reply["error"])

    def test_my_media_is_what_the_user_owns(self):
        self.assertEqual(self.ids(self.library("mine", self.tok("alice"))), ["rec-cafe", "rec-live"])
        self.assertEqual(self.ids(self.library("mine", self.tok("bob", room="elsewhere"))), ["rec-bob"])
        self.assertEqual(self.ids(self.library("mine", self.tok("nobody"))), [])
        mine = {r["recording"]: r for r in self.library("mine", self.tok("alice"))["recordings"]}
        cafe = mine["rec-cafe"]
        self.assertEqual((cafe["title"], cafe["owner"], cafe["file"], cafe["state"]), ("Caf\u00e9 weekly", "alice", CAFE, "available"))
        self.assertTrue(cafe["can_share"] and cafe["can_manage"] and cafe["playable"])
        self.assertEqual(cafe["access"], "owner")
        self.assertEqual(cafe["duration_ms"], 12000)
        self.assertFalse(mine["rec-live"]["playable"])
        # An operator names no user: no My Media.
        self.assert_error(self.library("mine", {"admin_secret": harness.ADMIN_SECRET}), 443)

    def test_a_room_folder_is_whole_for_hosts_and_operators_only(self):
        self.assertEqual(self.ids(self.library("room", self.tok("carol", role="host"), room="r1")), ["rec-bob", "rec-cafe"])
        self.assertEqual(self.ids(self.library("room", {"admin_secret": harness.ADMIN_SECRET}, room="r1")),
                         ["rec-bob", "rec-cafe"])
        # A host of another room, or a viewer: only what they may see.
        self.assertEqual(self.ids(self.library("room", self.tok("carol", room="r2", role="host"), room="r1")), [])
        self.assertEqual(self.ids(self.library("room", self.tok("alice"), room="r1")), ["rec-cafe"])
        host_view = {r["recording"]: r for r in self.library("room", self.tok("carol", role="host"), room="r1")["recordings"]}
        self.assertFalse(host_view["rec-cafe"]["can_manage"] or host_view["rec-cafe"]["can_share"])
        self.assertEqual(host_view["rec-cafe"]["access"], "host")
        self.assertNotIn("shared_with", host_view["rec-cafe"])
        # The Admin API is an operator.
        answer = self.janus.admin({"janus": "message_plugin", "plugin": "janus.plugin.roomrec",
                                   "request": {"request": "library", "action": "room", "room": "r1"}})
        self.assertEqual(sorted(r["recording"] for r in answer["response"]["recordings"]), ["rec-bob", "rec-cafe"])

    def test_who_may_see_a_recording(self):
        for credential in (self.tok("alice"), self.tok("carol", role="host"), {"admin_secret": harness.ADMIN_SECRET}):
            reply = self.library("details", credential, recording="rec-cafe")
            self.assertEqual(reply["recording"]["recording"], "rec-cafe", (credential, reply))
        self.assert_error(self.library("details", self.tok("dave"), recording="rec-cafe"), 448, "may not view")
        self.assert_error(self.library("details", self.tok("carol", role="moderator"), recording="rec-cafe"), 448)
        self.assert_error(self.library("link", self.tok("carol", room="r2", role="host"), recording="rec-cafe"), 448)
        self.assert_error(self.library("details", None, recording="rec-cafe"), 447)
        self.assert_error(self.library("details", {"token": harness.mint("wrong", "r1", "alice", "host")},
                                       recording="rec-cafe"), 447)
        self.assert_error(self.library("details", {"token": harness.token("r1", "alice", "host", valid_for=-10)},
                                       recording="rec-cafe"), 447)
        self.assert_error(self.library("details", {"admin_secret": "nope"}, recording="rec-cafe"), 447)
        self.assert_error(self.library("details", self.tok("alice"), recording="rec-missing"), 465)

    def test_a_live_rooms_host_secret_is_a_host_of_that_room_only(self):
        host = {"room": "static", "secret": "host-pass"}
        self.assertEqual(self.ids(self.library("room", host)), ["rec-static"])
        listed = self.library("room", host)["recordings"][0]
        self.assertEqual((listed["access"], listed["can_share"], listed["can_manage"]), ("host", False, False))
        self.assertIn("url", self.library("link", host, recording="rec-static"))
        self.assertEqual(self.library("details", host, recording="rec-static")["recording"]["owner"], "hana")
        # What only the owner may do, and My Media (the secret names no user), are refused.
        self.assert_error(self.library("share_link", host, recording="rec-static"), 448, "may not share")
        self.assert_error(self.library("share", host, recording="rec-static", users=["dave"]), 448)
        self.assert_error(self.library("rename", host, recording="rec-static", title="Mine"), 448, "may not rename")
        self.assert_error(self.library("delete", host, recording="rec-static"), 448)
        self.assert_error(self.library("mine", host), 443, "host secret names no user")
        # Host rights in that room only: another room's recordings are not its.
        self.assert_error(self.library("link", host, recording="rec-cafe"), 448, "may not view")
        # A wrong secret, another role's secret, another live room's host secret, a room that is not live.
        self.assert_error(self.library("room", {"room": "static", "secret": "wrong"}), 447, "wrong secret")
        self.assert_error(self.library("room", {"room": "static", "secret": "viewer-pass"}), 448, "host secret")
        self.assert_error(self.library("room", {"room": "r3", "secret": "r3-mod-pass"}), 448)
        self.assert_error(self.library("room", {"room": "static", "secret": "r3-host-pass"}), 447, "wrong secret")
        self.assert_error(self.library("link", {"room": "r3", "secret": "host-pass"}, recording="rec-static"), 447)
        self.assert_error(self.library("room", {"room": "r1", "secret": "host-pass"}), 447, "live")
        self.assertEqual(self.ids(self.library("room", {"room": "r3", "secret": "r3-host-pass"})), [])
        self.assert_error(self.library("room", {"secret": "host-pass"}), 442, "room")

    def test_a_recording_that_ends_with_its_session_waits_in_its_owners_notices(self):
        """Closing the room while recording removes everyone before the file is stored, so nobody
        in the room hears `available`: the owner and the initiator find it in their notices."""
        harness.create_room(self.handle, "r-notice", title="Board", type="channel", channel_owner="olivia")
        handle = self.session.attach()
        joined = handle.send({"request": "join", "room": "r-notice",
                              "token": harness.token("r-notice", "ivan", "host", email="ivan@example.com"),
                              "user": {"display": "Ivan"}})
        self.assertEqual(joined.get("roomrec"), "joined", joined)
        self.assertEqual(handle.send({"request": "start_recording"})["state"], "starting")
        handle.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("state") == "started", timeout=20)
        self.assertEqual(handle.send({"request": "close"})["roomrec"], "closed")
        deadline = time.time() + 30
        while True:
            notices = self.library("notices", self.tok("olivia"))["notices"]
            if notices:
                break
            self.assertLess(time.time(), deadline, "the stored recording raised no notice")
            time.sleep(0.3)
        self.assertEqual([(n["room"], n["title"], n["owner"], n["initiator"], n["state"]) for n in notices],
                         [("r-notice", "Board", "olivia", "ivan", "available")])
        self.assertTrue(notices[0]["playable"])
        recording = notices[0]["recording"]
        # This node has no SMTP: no mail is planned (it would be committed with the row).
        self.assertEqual(self.pg.psql("SELECT count(*) FROM outbox_jobs WHERE kind = 'recording_mail'"), "0")
        self.assertEqual([n["recording"] for n in self.library("notices", self.tok("ivan"))["notices"]], [recording])
        # Nobody else has that notice; a seeded recording (owner and initiator alice) is alice's.
        self.assertEqual(self.library("notices", self.tok("carol", room="r-notice", role="host"))["notices"], [])
        self.assert_error(self.library("dismiss", self.tok("carol"), recording=recording), 458, "no notice")
        self.assert_error(self.library("dismiss", self.tok("olivia"), recording="rec-nothing"), 458)
        self.assert_error(self.library("dismiss", self.tok("olivia")), 442, "recording")
        self.assert_error(self.library("notices", {"room": "static", "secret": "host-pass"}), 443, "names no user")
        # Dismissed by one, still there for the other; dismissing twice is fine.
        for _ in range(2):
            self.assertEqual(self.library("dismiss", self.tok("olivia"), recording=recording)["action"], "dismiss")
        self.assertEqual(self.library("notices", self.tok("olivia"))["notices"], [])
        self.assertEqual(len(self.library("notices", self.tok("ivan"))["notices"]), 1)
        self.assertIn("rec-cafe", [n["recording"] for n in self.library("notices", self.tok("alice"))["notices"]])

    def test_the_files_beside_a_recording_are_listed_and_linked(self):
        """Isolated tracks: named in the recording's `files`, each downloaded by `link` with
        `file` (a signed link of kind tracks, served as a download), for whoever may see the
        recording; no other file, and only link and open_link take `file`."""
        bob = self.library("details", self.tok("bob"), recording="rec-bob")["recording"]
        self.assertEqual(bob["files"], list(BOB_TRACKS))
        self.assertEqual(self.library("details", self.tok("alice"), recording="rec-cafe")["recording"]["files"], [])
        host = self.tok("carol", role="host")  # a host of the room sees every recording in it
        for name, content in BOB_TRACKS.items():
            reply = self.library("link", host, recording="rec-bob", file=name)
            self.assertEqual(reply["file"], name, reply)
            self.assertNotIn("playback", reply)
            self.assertTrue(reply["url"].startswith(self.link_base + "/v1/files/r1/tracks/Rec%20-%202026-11-03%20"
                                                    "10-00-00%20-%20Bob%20tracks/"), reply["url"])
            status, headers, body = fetch(reply["url"])
            self.assertEqual((status, body), (200, content), name)
            self.assertIn("attachment", headers["Content-Disposition"])
            self.assertIn(urllib.parse.quote(name), headers["Content-Disposition"])
        self.assertEqual(headers["Content-Type"], "application/json")  # the manifest, last
        video = self.library("link", host, recording="rec-bob", file="bob - webcam video.mkv")["url"]
        self.assertEqual(fetch(video)[1]["Content-Type"], "video/x-matroska")
        # Its signature covers its folder and name: another file of the folder, or the same name as
        # a recording, is refused.
        self.assertEqual(fetch(video.replace("webcam%20video", "webcam%20audio"))[0], 403)
        self.assertEqual(fetch(video.replace("/tracks/", "/recordings/"))[0], 404)
        self.assert_error(self.library("link", self.tok("dave"), recording="rec-bob", file="manifest.json"), 448)
        self.assert_error(self.library("link", host, recording="rec-bob", file="other.mkv"), 458, "no such file")
        self.assert_error(self.library("link", host, recording="rec-bob", file="../Rec - 2026-11-03 10-00-00 - Bob.mp4"),
                          458)
        self.assert_error(self.library("link", host, recording="rec-bob", file="x" * 201), 444)
        self.assert_error(self.library("link", host, recording="rec-bob", file=""), 443, "one of the recording's files")
        self.assert_error(self.library("details", host, recording="rec-bob", file="manifest.json"), 443, "link")

    def test_the_link_plays_downloads_and_seeks(self):
        reply = self.library("link", self.tok("carol", role="host"), recording="rec-cafe")
        url = reply["url"]
        self.assertTrue(url.startswith(self.link_base + "/v1/files/r1/recordings/Rec%20-%202026"), url)
        self.assertIn("&recording=rec-cafe&", url)
        self.assertGreater(reply["expires_ms"], time.time() * 1000 + 3.9 * 3600 * 1000)
        with open(self.cafe, "rb") as f:
            content = f.read()
        status, headers, body = fetch(url)
        self.assertEqual((status, headers["Content-Type"], headers["Accept-Ranges"]), (200, "video/mp4", "bytes"))
        self.assertEqual(body, content)
        self.assertIn("filename*=UTF-8''Rec%20-%202026-11-02%2010-00-00%20-%20Caf%C3%A9%20weekly.mp4",
                      headers["Content-Disposition"])
        status, headers, body = fetch(url, {"Range": "bytes=1000-1999"})
        self.assertEqual((status, headers["Content-Range"], body), (206, f"bytes 1000-1999/{len(content)}", content[1000:2000]))
        status, headers, body = fetch(url, {"Range": "bytes=-100"})
        self.assertEqual((status, body), (206, content[-100:]))
        status, headers, body = fetch(url, {"Range": f"bytes={len(content)}-"})
        self.assertEqual((status, headers["Content-Range"]), (416, f"bytes */{len(content)}"))
        # Tampering with any part is refused.
        self.assertEqual(fetch(url.replace("rec-cafe", "rec-bob"))[0], 403)
        # The player's reports under that link become telemetry rows of the recording.
        playback = reply["playback"]
        self.assertEqual((playback["room"], playback["recording"], playback["file"], playback["storage"]),
                         ("r1", "rec-cafe", CAFE, "local"))
        self.assertEqual(reply["playback_url"], self.link_base + "/v1/playback")
        for event in ({"event": "impression"},
                      {"event": "play", "play": "p1", "position_ms": 0, "duration_ms": 12000},
                      {"event": "progress", "play": "p1", "position_ms": 3000, "duration_ms": 12000}):
            status, _, body = fetch(self.link_base + "/v1/playback", method="POST",
                                    data=json.dumps({**playback, "viewer": "viewer-1", **event}).encode())
            self.assertEqual(status, 200, body)
        deadline = time.time() + 20
        while self.pg.psql("SELECT count(*) FROM telemetry_events WHERE subject_id = 'rec-cafe' AND kind IN "
                           "('playback.impression', 'playback.play', 'playback.progress')") != "3":
            self.assertLess(time.time(), deadline, "the playback reports did not reach telemetry")
            time.sleep(0.5)

    def test_sharing_with_users(self):
        self.assert_error(self.library("share", self.tok("bob"), recording="rec-cafe", users=["dave"]), 448, "may not share")
        self.assert_error(self.library("share", self.tok("carol", role="host"), recording="rec-cafe", users=["dave"]), 448)
        reply = self.library("share", self.tok("alice"), recording="rec-cafe", users=["dave", "erin"])
        self.assertEqual(reply["added"], 2)
        self.assertEqual(reply["recording"]["shared_with"], ["dave", "erin"])
        self.assertEqual(self.library("share", self.tok("alice"), recording="rec-cafe", users=["dave"])["added"], 0)
        self.assertEqual(self.library("details", self.tok("dave", room="any"), recording="rec-cafe")["recording"]["title"],
                         "Caf\u00e9 weekly")
        self.assertIn("rec-cafe", self.ids(self.library("mine", self.tok("dave"))))
        self.assertEqual(self.library("details", self.tok("dave"), recording="rec-cafe")["recording"]["access"], "shared")
        self.assertEqual(self.ids(self.library("room", self.tok("dave"), room="r1")), ["rec-cafe"])
        self.assertIn("url", self.library("link", self.tok("dave"), recording="rec-cafe"))
        # A user it is shared with may not pass it on, rename or delete it, nor see with whom it is shared.
        self.assert_error(self.library("share", self.tok("dave"), recording="rec-cafe", users=["frank"]), 448)
        self.assert_error(self.library("rename", self.tok("dave"), recording="rec-cafe", title="Mine now"), 448)
        self.assert_error(self.library("delete", self.tok("dave"), recording="rec-cafe"), 448)
        self.assertNotIn("shared_with", self.library("details", self.tok("dave"), recording="rec-cafe")["recording"])
        self.assertEqual(self.library("unshare", self.tok("alice"), recording="rec-cafe", user="dave")["recording"]["shared_with"],
                         ["erin"])
        self.assert_error(self.library("unshare", self.tok("alice"), recording="rec-cafe", user="dave"), 458)
        self.assert_error(self.library("details", self.tok("dave"), recording="rec-cafe"), 448)
        self.library("unshare", self.tok("alice"), recording="rec-cafe", user="erin")

    def test_share_links_open_until_they_expire_or_are_revoked(self):
        self.assert_error(self.library("share_link", self.tok("carol", role="host"), recording="rec-cafe"), 448)
        made = self.library("share_link", self.tok("alice"), recording="rec-cafe", expires_in=3600)
        token, link = made["share_token"], made["link"]
        self.assertRegex(token, r"^[0-9a-f]{64}$")
        self.assertAlmostEqual(made["expires_ms"] / 1000, time.time() + 3600, delta=30)
        self.assertIn(link, [entry["link"] for entry in made["links"]])
        # Only its hash is stored.
        self.assertEqual(self.pg.psql(f"SELECT count(*) FROM recording_links WHERE token_sha256 = '{token}'"), "0")
        opened = self.library("open_link", None, share_token=token)
        self.assertEqual(opened["recording"]["recording"], "rec-cafe")
        self.assertNotIn("shared_with", opened["recording"])
        self.assertFalse(opened["recording"]["can_manage"])
        self.assertLessEqual(opened["expires_ms"], made["expires_ms"])
        self.assertEqual(fetch(opened["url"], {"Range": "bytes=0-9"})[0], 206)
        self.assert_error(self.library("open_link", None, share_token="0" * 64), 447, "not valid")
        # Expired: refused (and a play link never outlives its share link).
        self.pg.psql(f"UPDATE recording_links SET expires_at = now() + interval '90 seconds' WHERE link_id = '{link}'")
        self.assertLessEqual(self.library("open_link", None, share_token=token)["expires_ms"] / 1000, time.time() + 91)
        self.pg.psql(f"UPDATE recording_links SET expires_at = now() - interval '1 second' WHERE link_id = '{link}'")
        self.assert_error(self.library("open_link", None, share_token=token), 447, "expired")
        self.assertNotIn(link, [e["link"] for e in self.library("details", self.tok("alice"), recording="rec-cafe")["links"]])
        # Revoked.
        other = self.library("share_link", self.tok("alice"), recording="rec-cafe")
        self.assertAlmostEqual(other["expires_ms"] / 1000, time.time() + 7 * 86400, delta=30)
        self.assert_error(self.library("revoke_link", self.tok("bob"), recording="rec-cafe", link=other["link"]), 448)
        self.assertEqual(self.library("revoke_link", self.tok("alice"), recording="rec-cafe", link=other["link"])["links"], [])
        self.assert_error(self.library("open_link", None, share_token=other["share_token"]), 447, "revoked")
        self.assert_error(self.library("revoke_link", self.tok("alice"), recording="rec-cafe", link=other["link"]), 458)

    def test_rename_by_the_owner(self):
        self.assert_error(self.library("rename", self.tok("carol", role="host"), recording="rec-bob", title="x"), 448)
        reply = self.library("rename", self.tok("bob"), recording="rec-bob", title="Bob's \u2713 retro")
        self.assertEqual(reply["recording"]["title"], "Bob's \u2713 retro")
        self.assertEqual(self.pg.psql("SELECT title FROM recordings WHERE recording_id = 'rec-bob'"), "Bob's \u2713 retro")
        self.assert_error(self.library("rename", self.tok("bob"), recording="rec-bob", title="a\nb"), 443)
        self.assert_error(self.library("rename", self.tok("bob"), recording="rec-bob", title="a\u202eb"), 443)
        self.assert_error(self.library("rename", self.tok("bob"), recording="rec-bob", title=""), 443)
        self.assert_error(self.library("rename", self.tok("bob"), recording="rec-bob"), 442)
        self.assert_error(self.library("rename", self.tok("bob"), recording="rec-bob", title="x" * 201), 444)

    def test_delete_removes_the_file_through_the_outbox(self):
        self.assert_error(self.library("delete", self.tok("carol", room="r2", role="host"), recording="rec-doomed"), 448)
        self.assert_error(self.library("delete", self.tok("alice"), recording="rec-live"), 455, "recorded")
        shared = self.library("share_link", self.tok("olga"), recording="rec-doomed")
        self.library("delete", self.tok("olga"), recording="rec-doomed")
        deadline = time.time() + 20
        while os.path.exists(self.doomed):
            self.assertLess(time.time(), deadline, "the file was not deleted")
            time.sleep(0.2)
        # Its tracks and their folder went with it.
        self.assertFalse(os.path.exists(self.doomed[:-len(".mp4")] + " tracks"))
        self.assertEqual(self.pg.psql("SELECT state FROM recordings WHERE recording_id = 'rec-doomed'"), "deleted")
        deadline = time.time() + 10
        while self.pg.psql("SELECT state FROM outbox_jobs WHERE id = 'rec-doomed:delete'") != "done":
            self.assertLess(time.time(), deadline, "the delete job did not complete")
            time.sleep(0.2)
        self.assert_error(self.library("details", self.tok("olga"), recording="rec-doomed"), 465)
        self.assert_error(self.library("delete", self.tok("olga"), recording="rec-doomed"), 465)
        self.assertEqual(self.ids(self.library("mine", self.tok("olga"))), [])
        self.assert_error(self.library("open_link", None, share_token=shared["share_token"]), 447, "revoked")

    def test_bad_inputs(self):
        alice = self.tok("alice")
        self.assert_error(self.library("burn", alice), 443)
        self.assert_error(self.handle.send({"request": "library", **alice}), 442)
        self.assert_error(self.library("details", alice), 442, "recording")
        self.assert_error(self.library("room", alice), 442, "room")
        self.assert_error(self.library("details", alice, recording="../etc"), 443)
        self.assert_error(self.library("share", alice, recording="rec-cafe"), 442, "users")
        self.assert_error(self.library("share", alice, recording="rec-cafe", users=[]), 442)
        self.assert_error(self.library("share", alice, recording="rec-cafe", users="dave"), 443)
        self.assert_error(self.library("share", alice, recording="rec-cafe", users=["da ve"]), 443, "users[0]")
        self.assert_error(self.library("share", alice, recording="rec-cafe", users=[7]), 443)
        self.assert_error(self.library("share", alice, recording="rec-cafe", users=[f"u{i}" for i in range(51)]), 444)
        self.assert_error(self.library("share_link", alice, recording="rec-cafe", expires_in=10), 444)
        self.assert_error(self.library("share_link", alice, recording="rec-cafe", expires_in=31 * 86400), 444)
        self.assert_error(self.library("revoke_link", alice, recording="rec-cafe"), 442)
        self.assert_error(self.library("open_link", None), 442)
        self.assert_error(self.library("unshare", alice, recording="rec-cafe", user="a/b"), 443)

    def test_requests_per_credential_are_limited(self):
        flood = self.tok("flood")
        replies = [self.library("mine", flood) for _ in range(45)]
        refused = [r for r in replies if r.get("error_code") == 457]
        self.assertTrue(refused, replies[-1])
        self.assertGreater(refused[0]["retry_after_ms"], 0)
        self.assertIn("too many library requests", refused[0]["error"])
        # Someone else is not held back.
        self.assertEqual(self.library("mine", self.tok("alice")).get("roomrec"), "library")


class LibraryPageTest(LibraryBase):
    """The page in real headless Chromium (tests/browser/library_page.mjs drives it)."""
    HTTP_PORT = 18612

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.add_recording("rec-page", "r1", "alice", CAFE, seconds=20, title="Caf\u00e9 weekly", tracks=PAGE_TRACKS)
        cls.add_recording("rec-old", "r1", "alice", "Rec - 2026-10-01 09-00-00 - Old.mp4", seconds=3, title="Old planning")
        cls.add_recording("rec-private", "r1", "bob", "Rec - 2026-10-02 09-00-00 - Bob.mp4", seconds=3, title="Bob 1:1")
        cls.www = tempfile.mkdtemp(prefix="roomrec-www-")
        subprocess.run([os.path.join(harness.ROOT, "scripts", "stage-web.sh"), cls.www], check=True)
        cls.web_port = free_port()
        cls.web = subprocess.Popen(["python3", "-m", "http.server", str(cls.web_port), "--bind", "127.0.0.1",
                                    "--directory", cls.www], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        cls.web.terminate()
        cls.web.wait()
        super().tearDownClass()

    def test_play_seek_share_expire_refuse_rename_delete(self):
        shots = os.environ.get("ROOMREC_SCREENSHOTS") or tempfile.mkdtemp(prefix="roomrec-shots-")
        janus = urllib.parse.quote(self.janus.url, safe="")
        page = f"http://127.0.0.1:{self.web_port}/library/index.html?janus={janus}"
        args = {"page": page, "shots": shots, "alice": harness.token("r1", "alice", "viewer"),
                "dave": harness.token("r1", "dave", "viewer"), "host": harness.token("r1", "carol", "host")}
        def expire(message):
            if not message.get("expire_links"):
                return None
            # The page opened the share link: now let it expire.
            self.pg.psql("UPDATE recording_links SET expires_at = now() - interval '1 second'")
            return "expired"

        result = browser_script.run(self, "library_page.mjs", args, expire, timeout=240)
        self.assertNotIn("error", result, result)
        self.assertEqual(result.get("console_errors", []), [], result)
        self.assertIn("Caf\u00e9 weekly", result["list"])
        self.assertIn("Old planning", result["list"])
        self.assertIn("Your recording \u201cCaf\u00e9 weekly\u201d in room r1 is ready", result["notices"])
        self.assertIn("Old planning", result["notices"])
        self.assertNotIn("Bob 1:1", result["notices"])
        self.assertNotIn("Old planning", result["notices_after_dismiss"])
        self.assertIn("Caf\u00e9 weekly", result["notices_after_dismiss"])
        self.assertEqual(self.pg.psql("SELECT user_id FROM recording_notices_dismissed WHERE recording_id = 'rec-old'"),
                         "alice")
        self.assertNotIn("Bob 1:1", result["list"])
        self.assertGreater(result["played_to"], 5)
        for name in PAGE_TRACKS:
            self.assertIn(name, result["tracks"])
        self.assertEqual(result["track_download"], {"name": "alice - webcam video.mkv",
                                                    "bytes": len(PAGE_TRACKS["alice - webcam video.mkv"])})
        self.assertEqual(result["shared_track_download"], {"name": "manifest.json",
                                                           "bytes": len(PAGE_TRACKS["manifest.json"])})
        self.assertLess(abs(result["seeked_to"] - 2.0), 1.0, result)
        self.assertGreater(result["played_after_seek"], result["seeked_to"])
        self.assertFalse(result["token_left_in_address"])
        self.assertRegex(result["share_url"], r"[?&]share=[0-9a-f]{64}$")
        self.assertEqual(result["copied"], result["share_url"])
        self.assertFalse(result["guest_sees_manage"])
        self.assertTrue(result["late_video_hidden"])
        self.assertGreater(result["shared_played_to"], 1)
        self.assertIn("expired", result["expired_message"])
        self.assertIn("do not have access", result["refused_message"])
        self.assertIn("no recordings you may see", result["dave_room_list"])
        self.assertIn("Bob 1:1", result["host_room_list"])
        self.assertIn("You host this room", result["host_room_list"])
        self.assertNotIn("Shared with you", result["host_room_list"])
        self.assertEqual(result["renamed_title"], "Planning (final)")
        self.assertEqual(self.pg.psql("SELECT title FROM recordings WHERE recording_id = 'rec-old'"), "Planning (final)")
        self.assertTrue(result["delete_confirm_shown"])
        self.assertEqual(self.pg.psql("SELECT state FROM recordings WHERE recording_id = 'rec-old'"), "deleted")
        self.assertNotIn("Planning (final)", result["list_after_delete"])
        # The player's reports reached telemetry: a play, progress and the seek of rec-page.
        deadline = time.time() + 20
        kinds = ""
        while time.time() < deadline:
            kinds = self.pg.psql("SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) FROM telemetry_events "
                                 "WHERE subject_id = 'rec-page'")
            if all(k in kinds for k in ("playback.impression", "playback.play", "playback.progress", "playback.seek")):
                break
            time.sleep(0.5)
        self.assertIn("playback.seek", kinds)
        self.assertIn("playback.progress", kinds)



class RecordingMailTest(LibraryBase):
    """Recording mails (issue 14) through the real Janus, Postgres and an SMTP sink (aiosmtpd)."""
    HTTP_PORT = 18613
    SETTINGS = {"host_leave_timeout": 1}

    @classmethod
    def setUpClass(cls):
        cls.mail_folder = tempfile.mkdtemp(prefix="roomrec-recmail-")
        cls.maildir = os.path.join(cls.mail_folder, "mail")
        cls.smtp_port = free_port()
        cls.sink = smtp_sink.spawn(cls.smtp_port, cls.maildir)
        try:
            super().setUpClass()
        except Exception:
            smtp_sink.stop(cls.sink)
            raise

    @classmethod
    def more_categories(cls):
        return {"smtp": {"url": f"smtp://127.0.0.1:{cls.smtp_port}/roomrec.test", "from": "recordings@roomrec.test"}}

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            smtp_sink.stop(cls.sink)
            shutil.rmtree(cls.mail_folder, ignore_errors=True)

    def mails_to(self, address):
        if not os.path.isdir(self.maildir):
            return []
        found = []
        for stored in mailbox.Maildir(self.maildir, create=False):
            message = email.message_from_bytes(stored.as_bytes(), policy=email.policy.default)
            if message["To"] == address:
                found.append(message)
        return found

    def wait_for_mail(self, address, timeout=30):
        deadline = time.time() + timeout
        while not self.mails_to(address):
            self.assertLess(time.time(), deadline, f"no mail to {address}: " + self.pg.psql(
                "SELECT coalesce(string_agg(last_error, '; '), '') FROM outbox_jobs WHERE kind = 'recording_mail'"))
            time.sleep(0.2)
        return self.mails_to(address)

    def stored_recording(self, room, timeout=30):
        deadline = time.time() + timeout
        while True:
            found = self.pg.psql(f"SELECT recording_id FROM recordings WHERE room_id = '{room}' AND state = 'available'")
            if found:
                return found
            self.assertLess(time.time(), deadline, f"room {room}: no stored recording")
            time.sleep(0.2)

    def join(self, room, user, role, email=None, declared=None):
        handle = self.session.attach()
        joined = handle.send({"request": "join", "room": room,
                              "token": harness.token(room, user, role, email=email),
                              "user": {"display": user, **({"email": declared} if declared else {})}})
        self.assertEqual(joined.get("roomrec"), "joined", joined)
        return handle

    def start_recording(self, handle):
        self.assertEqual(handle.send({"request": "start_recording"})["state"], "starting")
        handle.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("state") == "started", timeout=20)
        time.sleep(1.2)  # a second of recording for the mail's duration

    def assert_recording_mail(self, message, room, title, recording):
        self.assertEqual(message["From"], "recordings@roomrec.test")
        self.assertEqual(message["Subject"], f"Recording available: {title}")
        text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        self.assertIn(f"Title: {title}\n", text)
        self.assertIn(f"Room: {room}\n", text)
        self.assertRegex(text, r"\nDuration: [1-9]\d* s\n")
        self.assertIn(f"{self.link_base}/library/?room={room}&recording={recording}\n", text)
        # The library page only: no file link, no signed link, no secret.
        for absent in ("/v1/files", ".mp4", "sig=", LINK_SECRET, harness.TOKEN_SECRET, self.root):
            self.assertNotIn(absent, text)

    def test_a_closed_session_mails_owner_and_initiator_once(self):
        harness.create_room(self.handle, "m-close", title="Board", type="channel", channel_owner="olivia")
        self.join("m-close", "olivia", "viewer", email="olivia@example.com")
        host = self.join("m-close", "ivan", "host", email="ivan@example.com", declared="ivan.declared@example.com")
        self.start_recording(host)
        self.assertEqual(host.send({"request": "close"})["roomrec"], "closed")
        recording = self.stored_recording("m-close")
        for address in ("olivia@example.com", "ivan@example.com"):
            self.assert_recording_mail(self.wait_for_mail(address)[0], "m-close", "Board", recording)
        time.sleep(3)  # retries or a second plan would show by now
        self.assertEqual(len(self.mails_to("olivia@example.com")), 1)
        self.assertEqual(len(self.mails_to("ivan@example.com")), 1)
        self.assertEqual(self.mails_to("ivan.declared@example.com"), [])  # self-declared: never mailed
        self.assertEqual(self.pg.psql("SELECT count(*) FROM outbox_jobs WHERE kind = 'recording_mail' AND state = "
                                      f"'done' AND payload->>'recording' = '{recording}'"), "2")

    def test_the_host_leave_timeout_mails_the_host_once(self):
        harness.create_room(self.handle, "m-leave", title="Stand-up")
        host = self.join("m-leave", "hank", "host", email="hank@example.com")
        self.start_recording(host)
        self.assertEqual(host.send({"request": "leave"}).get("roomrec"), "left")
        recording = self.stored_recording("m-leave")
        mails = self.wait_for_mail("hank@example.com")
        self.assert_recording_mail(mails[0], "m-leave", "Stand-up", recording)
        time.sleep(3)
        # Owner and initiator are the same person: one mail.
        self.assertEqual(len(self.mails_to("hank@example.com")), 1)
        self.assertIn("(host_left_timeout)", self.janus.log_text())

    def test_no_mail_without_a_signed_address_or_when_the_room_heard_it(self):
        # A token without email=: the address the client declares is not used.
        harness.create_room(self.handle, "m-none", title="Unsigned")
        nora = self.join("m-none", "nora", "host", declared="nora@example.com")
        self.start_recording(nora)
        self.assertEqual(nora.send({"request": "close"})["roomrec"], "closed")
        # Stopped while the session went on: the host hears `available` in the room.
        harness.create_room(self.handle, "m-stop", title="Heard")
        stan = self.join("m-stop", "stan", "host", email="stan@example.com")
        self.start_recording(stan)
        self.assertEqual(stan.send({"request": "stop_recording"})["state"], "stopped")
        stan.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("state") == "available", timeout=30)
        self.assertEqual(stan.send({"request": "close"})["roomrec"], "closed")
        for room in ("m-none", "m-stop"):
            recording = self.stored_recording(room)
            self.assertEqual(self.pg.psql("SELECT count(*) FROM outbox_jobs WHERE kind = 'recording_mail' AND "
                                          f"payload->>'recording' = '{recording}'"), "0")
        time.sleep(2)
        self.assertEqual(self.mails_to("nora@example.com"), [])
        self.assertEqual(self.mails_to("stan@example.com"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
