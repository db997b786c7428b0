"""Recording through the real Janus (C1-C7, M1-M6): aiortc publishers, the plugin's tap,
the roomrec-recorder worker it spawns, and the file in <root>/<room>/Recordings/ checked with
ffprobe. Also: who may control it, a recorder killed mid-way, the recording cap and the
host-leave timeout."""
import glob
import json
import os
import signal
import time
import unittest

import harness
from peers import BeepTrack, FlashTrack, OversizedVp8Encoder, PeerCleanup, close_now, publish_now
from recorder_feed import audio_holes, onsets, probe


# aiortc peers send media from one event loop that runs for the whole suite.


def recording_event(handle, state, timeout=30):
    """The next 'recording' event with this state on a handle."""
    event = handle.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("roomrec") == "recording"
                              and e["plugindata"]["data"].get("state") == state, timeout)
    return event["plugindata"]["data"]


class RecordingBase(PeerCleanup, unittest.TestCase):
    settings = {}
    ports = (18088, 17088)

    @classmethod
    def setUpClass(cls):
        # Janus's sample event handler posts here (O5: recording lifecycle for event handlers).
        cls.sink = harness.EventSink(port=cls.ports[0] + 400)
        cls.janus = harness.Janus(http_port=cls.ports[0], admin_port=cls.ports[1], settings=cls.settings,
                                  events_backend=cls.sink.url)

    @classmethod
    def tearDownClass(cls):
        cls.sink.stop()
        cls.janus.stop()  # fails the suite on any sanitizer report

    def join(self, room, user, role, client="desktop", janus=None):
        session = harness.Session(janus or self.janus)
        self.sessions.append(session)
        handle = session.attach()
        data = handle.send({"request": "join", "room": room, "token": harness.token(room, user, role),
                            "user": {"display": user.title(), "country": "DE", "client": client}})
        self.assertEqual(data.get("roomrec"), "joined", data)
        return handle, data

    def create_room(self, room, janus=None, **settings):
        session = harness.Session(janus or self.janus)
        self.sessions.append(session)
        harness.create_room(session.attach(), room, **settings)

    def publish(self, handle, **kinds):
        """Publishes audio + webcam + stage from aiortc on the shared media loop."""
        publisher = publish_now(handle, **kinds)
        self.publishers.append(publisher)
        return publisher

    def recording_room(self, room, host_user, viewer_user=None, tracks=False):
        """A room whose host publishes and has started a recording that is now writing frames
        (with isolated tracks if asked)."""
        self.create_room(room)
        host, _ = self.join(room, host_user, "host")
        viewer = self.join(room, viewer_user, "viewer")[0] if viewer_user else None
        self.publish(host)
        host.send({"request": "start_recording", **({"tracks": True} if tracks else {})})
        recording_event(host, "started", timeout=10)
        return host, viewer

    def wait_for_recording(self, room, timeout=30):
        """The stored recordings of a room once there is one."""
        deadline = time.time() + timeout
        while not self.recordings(room) and time.time() < deadline:
            time.sleep(0.5)
        return self.recordings(room)

    def recordings(self, room, janus=None):
        return sorted(glob.glob(os.path.join((janus or self.janus).recordings_root, room, "Recordings", "*.mp4")))

    def assert_modes(self, paths, file_mode=0o640, dir_mode=0o750):
        """Recordings are private to Janus's user and group, whatever its umask (0022 here)."""
        for path in paths:
            expected = dir_mode if os.path.isdir(path) else file_mode
            self.assertEqual(oct(os.lstat(path).st_mode & 0o7777), oct(expected), path)

    def assert_stored_modes(self, path, file_mode=0o640, dir_mode=0o750):
        """A stored recording, its Recordings/ folder, the room folder and its .recordings/."""
        recordings = os.path.dirname(path)
        room = os.path.dirname(recordings)
        self.assert_modes([path, recordings, room, os.path.join(room, ".recordings")], file_mode, dir_mode)

    def assert_playable_1080p(self, path, duration=None, delta=1.0):
        info = probe(path)
        self.assertNotIn("error", info, info)
        video = [s for s in info["streams"] if s["codec_type"] == "video"]
        audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
        self.assertEqual(len(video), 1, info)
        self.assertEqual(len(audio), 1, info)
        self.assertEqual((video[0]["codec_name"], video[0]["width"], video[0]["height"]), ("h264", 1920, 1080))
        self.assertEqual(audio[0]["codec_name"], "aac")
        if duration is not None:
            self.assertAlmostEqual(float(info["format"]["duration"]), duration, delta=delta, msg=info["format"])
        return info


class RecordingTest(RecordingBase):
    def test_records_stage_and_webcam_into_a_1080p_mp4_with_lifecycle_events(self):
        self.create_room("rec1", title="Weekly / review: ../plan")
        host, joined = self.join("rec1", "hana", "host")
        self.assertEqual(joined["recording"]["state"], "idle")
        viewer, viewer_joined = self.join("rec1", "vic", "viewer")
        self.assertNotIn("can_control", viewer_joined["recording"])
        self.publish(host)
        time.sleep(1)

        reply = host.send({"request": "start_recording"})
        self.assertEqual((reply.get("roomrec"), reply.get("state")), ("recording", "starting"), reply)
        recording_id = reply["recording"]
        # C2: everyone hears "starting", then "started" once the first frame is written (M5).
        self.assertEqual(recording_event(viewer, "starting")["recording"], recording_id)
        recording_event(host, "starting")
        asked = time.time()
        started = recording_event(host, "started", timeout=10)
        started_at = time.time()
        self.assertLess(started_at - asked, 3.0, "first frame took too long")
        viewer_started = recording_event(viewer, "started", timeout=5)
        # C3: hosts get the start time for a counter; viewers only the state.
        self.assertIn("started_at", started)
        self.assertTrue(started.get("can_control"))
        self.assertNotIn("started_at", viewer_started)
        # The work folder and the segment the worker writes are private from the start.
        work = os.path.join(self.janus.recordings_root, "rec1", ".recordings", recording_id)
        self.assert_modes([work, os.path.join(work, "segment-0.mp4"), os.path.join(work, "manifest.json"),
                           os.path.join(self.janus.recordings_root, "rec1")])
        late, late_joined = self.join("rec1", "lena", "speaker")
        self.assertEqual(late_joined["recording"]["state"], "recording")

        again = host.send({"request": "start_recording"})
        self.assertEqual(again.get("error_code"), 455, again)

        time.sleep(15 - (time.time() - started_at))
        stop = host.send({"request": "stop_recording"})
        stopped_time = time.time()
        self.assertEqual(stop.get("state"), "stopped", stop)
        # C4: hosts and moderators hear "stopped", participants "completed".
        self.assertEqual(recording_event(host, "stopped")["reason"], "requested")
        self.assertEqual(recording_event(viewer, "completed")["reason"], "requested")
        available = recording_event(host, "available", timeout=30)
        self.assertEqual(available["gaps"], 0)
        self.assertTrue(available["location"].startswith("rec1/Recordings/Rec - "), available)
        # C8: the title loses its path separators and colon, keeps the rest.
        self.assertTrue(available["location"].endswith(" - Weekly review .. plan.mp4"), available)
        # The viewer is neither owner, initiator nor a lead: no location for them.
        with self.assertRaises(TimeoutError):
            recording_event(viewer, "available", timeout=1)
        files = self.recordings("rec1")
        self.assertEqual([os.path.relpath(f, self.janus.recordings_root) for f in files], [available["location"]])
        for name in ("recording_starting", "recording_started", "recording_stopped"):
            self.assertEqual(self.sink.wait_plugin_event(name, "rec1")["recording"], recording_id)
        stored = self.sink.wait_plugin_event("recording_available", "rec1")
        self.assertEqual((stored["location"], stored["reason"]), (available["location"], "requested"))
        self.assert_playable_1080p(files[0], duration=stopped_time - started_at)
        self.assert_stored_modes(files[0])
        self.assertEqual(glob.glob(os.path.join(self.janus.recordings_root, "rec1", ".recordings", "*")), [],
                         "the work folder is removed once stored")

        # A new recording in the same session gets its own, collision-free file.
        host.send({"request": "start_recording"})
        recording_event(host, "started", timeout=10)
        time.sleep(2)
        host.send({"request": "stop_recording"})
        recording_event(host, "available", timeout=30)
        self.assertEqual(len(self.recordings("rec1")), 2)

    def test_flash_and_beep_sent_together_are_recorded_within_100_ms(self):
        """M3 lip sync: one publisher flashes its webcam white and beeps at the same instants."""
        self.create_room("sync1")
        host, _ = self.join("sync1", "sid", "host")
        moments = []
        self.publish(host, stage=False, audio_track=BeepTrack(moments), webcam_track=FlashTrack(moments))
        host.send({"request": "start_recording"})
        recording_event(host, "started", timeout=10)
        now = time.time()
        moments.extend([now + 3, now + 6, now + 9])
        time.sleep(11)
        host.send({"request": "stop_recording"})
        recording_event(host, "available", timeout=30)
        # A plain name for the lavfi movie source (the stored name has spaces and dashes).
        plain = os.path.join(self.janus.folder, "sync.mp4")
        os.link(self.recordings("sync1")[0], plain)
        flashes = onsets(plain, "movie=sync.mp4,signalstats", "lavfi.signalstats.YAVG", 128)
        beeps = onsets(plain, "amovie=sync.mp4,astats=metadata=1:reset=1", "lavfi.astats.Overall.RMS_level", -30)
        self.assertEqual(len(flashes), 3, flashes)
        self.assertEqual(len(beeps), 3, beeps)
        for flash, beep in zip(flashes, beeps):
            self.assertLess(abs(flash - beep), 0.1, f"flashes {flashes} beeps {beeps}")
        print(f"\nA/V offsets (video - audio, ms): {[round((f - b) * 1000) for f, b in zip(flashes, beeps)]}")

    def test_isolated_tracks_are_stored_beside_the_composite_and_line_up(self):
        """Isolated tracks through the whole product: start_recording with "tracks" stores each
        published stream untranscoded beside the composite, named by user and source, with a
        manifest whose offsets place every track where the composite has it: a flash on two
        webcams (two publishers) and a beep, each within 40 ms (plus the composite's 1/30 s
        frame slot for video) of the composite's, and the two webcams within 40 ms of each other.
        The stage and H.264 tracks are covered by the worker's tests."""
        self.create_room("trk1", title="Tracks")
        host, _ = self.join("trk1", "hana", "host")
        guest, _ = self.join("trk1", "sam", "speaker")
        moments = []
        self.publish(host, stage=False, audio_track=BeepTrack(moments), webcam_track=FlashTrack(moments))
        self.publish(guest, audio=False, stage=False, webcam_track=FlashTrack(moments))
        time.sleep(1)
        recording_id = host.send({"request": "start_recording", "tracks": True})["recording"]
        recording_event(host, "started", timeout=10)
        now = time.time()
        moments.extend([now + 2, now + 4, now + 6])
        time.sleep(8)
        host.send({"request": "stop_recording"})
        available = recording_event(host, "available", timeout=30)
        composite = os.path.join(self.janus.recordings_root, available["location"])
        self.assertEqual(available["tracks"], available["location"][:-len(".mp4")] + " tracks", available)
        folder = os.path.join(self.janus.recordings_root, available["tracks"])
        with open(os.path.join(folder, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual(manifest["composite"], os.path.basename(composite))
        names = {(t["user"], t["source"], t["kind"]): t for t in manifest["tracks"]}
        self.assertEqual(sorted(names), [("hana", "webcam", "audio"), ("hana", "webcam", "video"),
                                         ("sam", "webcam", "video")], manifest)
        self.assertEqual(sorted(os.listdir(folder)), sorted([t["file"] for t in manifest["tracks"]] + ["manifest.json"]))
        for track in manifest["tracks"]:
            self.assertEqual(track["file"], f"{track['user']} - {track['source']} {track['kind']}.mkv")
            self.assertEqual((track["codec"], track["segment"]), ("opus" if track["kind"] == "audio" else "vp8", 0))
            info = probe(os.path.join(folder, track["file"]))
            self.assertNotIn("error", info, info)
            self.assertEqual([s["codec_name"] for s in info["streams"]], [track["codec"]], info)
            # Remuxed at storage time: a duration an editor can read.
            self.assertAlmostEqual(float(info["format"]["duration"]), track["duration_ms"] / 1000, delta=0.2)
        self.assert_modes([folder] + [os.path.join(folder, name) for name in os.listdir(folder)])
        self.assertEqual(self.sink.wait_plugin_event("recording_available", "trk1")["tracks"], available["tracks"])

        # The lavfi sources want plain names (the stored ones have spaces and dashes).
        def plain(path, name):
            os.link(path, os.path.join(self.janus.folder, name))
            return os.path.join(self.janus.folder, name)

        def placed(key, name, measure):
            track = names[key]
            found = measure(plain(os.path.join(folder, track["file"]), name), name)
            return [t + track["start_offset_ms"] / 1000 for t in found]

        flash = lambda path, name: onsets(path, f"movie={name},signalstats", "lavfi.signalstats.YAVG", 128)
        beep = lambda path, name: onsets(path, f"amovie={name},asetnsamples=480,astats=metadata=1:reset=1",
                                         "lavfi.astats.Overall.RMS_level", -30)
        hana = placed(("hana", "webcam", "video"), "trk-hana.mkv", flash)
        sam = placed(("sam", "webcam", "video"), "trk-sam.mkv", flash)
        audio = placed(("hana", "webcam", "audio"), "trk-audio.mkv", beep)
        mixed = plain(composite, "trk.mp4")
        # Two flashing webcams fill half of the black frame: a flash lifts its mean past 80.
        composite_flashes = onsets(mixed, "movie=trk.mp4,signalstats", "lavfi.signalstats.YAVG", 80)
        composite_beeps = beep(mixed, "trk.mp4")
        report = {"hana": hana, "sam": sam, "audio": audio, "composite flashes": composite_flashes,
                  "composite beeps": composite_beeps}
        report = {name: [round(t, 3) for t in times] for name, times in report.items()}
        print(f"\ntracks placed on the composite's timeline (s): {report}")
        for name in ("hana", "sam", "audio", "composite flashes"):
            self.assertEqual(len(report[name]), 3, report)
        # The composite may lose a first beep (issue 14's start-up sync); each one it has is placed.
        self.assertGreaterEqual(len(composite_beeps), 2, report)
        for beep_at in composite_beeps:
            self.assertLessEqual(min(abs(t - beep_at) for t in audio), 0.040, report)
        for n in range(3):
            self.assertLessEqual(abs(hana[n] - sam[n]), 0.040, report)
            # The composite shows a frame in the output slot (1/30 s) that contains it.
            for video in (hana[n], sam[n]):
                self.assertTrue(-0.040 <= video - composite_flashes[n] <= 1 / 30 + 0.040, report)

    def test_a_track_that_cannot_be_stored_is_reported_and_the_others_are_kept(self):
        """One isolated track unreadable at storage time (its file damaged while recording): the
        composite and every other track are stored, the manifest lists only what was stored, and
        the room and event handlers hear which track failed (tracks_error)."""
        host, _ = self.recording_room("trk2", "hana", tracks=True)
        work = glob.glob(os.path.join(self.janus.recordings_root, "trk2", ".recordings", "*", "tracks-0"))
        self.assertEqual(len(work), 1, work)
        deadline = time.time() + 10
        sidecars = []
        while len(sidecars) < 3 and time.time() < deadline:  # audio, webcam and stage placed
            time.sleep(0.2)
            sidecars = glob.glob(os.path.join(work[0], "*.json"))
        streams = {}
        for sidecar in sidecars:
            with open(sidecar) as f:
                placed = json.load(f)
            streams[(placed["source"], placed["kind"])] = os.path.join(work[0], placed["file"])
        self.assertIn(("stage", "video"), streams, streams)
        time.sleep(2)
        with open(streams[("stage", "video")], "r+b") as damaged:  # no Matroska header any more
            damaged.write(b"\0" * 4096)
        host.send({"request": "stop_recording"})
        available = recording_event(host, "available", timeout=30)
        self.assert_playable_1080p(os.path.join(self.janus.recordings_root, available["location"]))
        self.assertIn("hana - stage video.mkv could not be stored", available.get("tracks_error", ""), available)
        folder = os.path.join(self.janus.recordings_root, available["tracks"])
        with open(os.path.join(folder, "manifest.json")) as f:
            manifest = json.load(f)
        kept = sorted((t["source"], t["kind"]) for t in manifest["tracks"])
        self.assertEqual(kept, [("webcam", "audio"), ("webcam", "video")], manifest)
        self.assertEqual(sorted(os.listdir(folder)), sorted([t["file"] for t in manifest["tracks"]] + ["manifest.json"]))
        for track in manifest["tracks"]:
            self.assertNotIn("error", probe(os.path.join(folder, track["file"])))
        handled = self.sink.wait_plugin_event("recording_available", "trk2")
        self.assertEqual(handled["tracks_error"], available["tracks_error"])
        self.assertIn("hana - stage video.mkv could not be stored", self.janus.log_text())

    def test_only_hosts_and_moderators_on_desktop_control_recording(self):
        self.create_room("rec2", media_owner="olga", viewer_secret="v-pass")
        host, _ = self.join("rec2", "hal", "host")
        mobile_host, mobile_joined = self.join("rec2", "mo", "host", client="mobile")
        # C1: the mobile host sees the state but is not offered a control it would be refused.
        self.assertNotIn("can_control", mobile_joined["recording"])
        # C4/C9: the room's owner gets "available"; a guest with the viewer secret cannot claim
        # to be the owner (the server names guests), so it does not.
        owner, _ = self.join("rec2", "olga", "viewer")
        guest_session = harness.Session(self.janus)
        self.sessions.append(guest_session)
        guest = guest_session.attach()
        claim = guest.send({"request": "join", "room": "rec2", "role": "viewer", "secret": "v-pass",
                            "user": {"id": "olga"}})
        self.assertEqual(claim.get("error_code"), 443, claim)
        self.assertEqual(guest.send({"request": "join", "room": "rec2", "role": "viewer",
                                     "secret": "v-pass"}).get("roomrec"), "joined")
        speaker, _ = self.join("rec2", "sam", "speaker")
        viewer, _ = self.join("rec2", "val", "viewer")
        moderator, _ = self.join("rec2", "mia", "moderator")
        for handle in (speaker, viewer):
            reply = handle.send({"request": "start_recording"})
            self.assertEqual(reply.get("error_code"), 448, reply)
        reply = mobile_host.send({"request": "start_recording"})
        self.assertEqual(reply.get("error_code"), 448, reply)
        self.assertIn("mobile", reply["error"])
        reply = host.send({"request": "stop_recording"})
        self.assertEqual(reply.get("error_code"), 455, reply)
        reply = host.send({"request": "start_recording", "extra": 1})
        self.assertEqual(reply.get("roomrec"), "recording", reply)  # unknown keys are ignored
        recording_event(host, "started", timeout=10)  # a room with nobody publishing still records
        self.assertNotIn("can_control", recording_event(mobile_host, "started", timeout=10))
        for handle in (mobile_host, speaker):
            reply = handle.send({"request": "stop_recording"})
            self.assertEqual(reply.get("error_code"), 448, reply)
        # A moderator may stop what a host started.
        reply = moderator.send({"request": "stop_recording"})
        self.assertEqual(reply.get("state"), "stopped", reply)
        available = recording_event(host, "available", timeout=30)
        self.assertEqual(recording_event(owner, "available", timeout=10)["location"], available["location"])
        with self.assertRaises(TimeoutError):
            recording_event(guest, "available", timeout=1)
        unjoined = harness.Session(self.janus)
        self.sessions.append(unjoined)
        reply = unjoined.attach().send({"request": "start_recording"})
        self.assertEqual(reply.get("error_code"), 449, reply)

    def test_killed_recorder_is_restarted_and_the_gap_reported(self):
        host, _ = self.recording_room("rec3", "hugo")
        time.sleep(4)
        pids = self.janus.recorder_pids()
        self.assertEqual(len(pids), 1, pids)
        os.kill(pids[0], signal.SIGKILL)
        time.sleep(6)
        self.assertTrue(self.janus.alive())
        self.assertEqual(len(self.janus.recorder_pids()), 1, "a new recorder runs")
        # Janus keeps serving requests meanwhile.
        self.assertIn("list", host.send({"request": "list"}))
        host.send({"request": "stop_recording"})
        available = recording_event(host, "available", timeout=30)
        self.assertEqual(available["gaps"], 1, available)
        self.assertGreater(available["gap_seconds"], 0)
        print(f"\nrecorder restart: {available['gap_seconds']:.2f} s lost", flush=True)
        info = self.assert_playable_1080p(self.recordings("rec3")[0])
        self.assert_stored_modes(self.recordings("rec3")[0])  # ffmpeg joined the two segments into it
        # Joined where the killed worker's audio ends: the sound goes on without a hole.
        self.assertEqual(audio_holes(self.recordings("rec3")[0]), [])
        # Both runs are in the file: about 4 s + 6 s, less the gap.
        self.assertGreater(float(info["format"]["duration"]), 7.0, info["format"])


class RecordingPolicyTest(RecordingBase):
    """Short timers (C5, C6) and no recorder restarts, configured in the jcfg."""
    settings = {"max_recording_duration": 6, "host_leave_timeout": 3, "recorder_max_restarts": 0,
                "file_mode": "0600", "dir_mode": "0700"}
    ports = (18089, 17089)

    def test_cap_stops_the_recording_with_its_reason(self):
        host, viewer = self.recording_room("cap1", "hope", "vera")
        self.assertEqual(recording_event(host, "stopped", timeout=10)["reason"], "max_recording_duration")
        self.assertEqual(recording_event(viewer, "completed", timeout=5)["reason"], "max_recording_duration")
        available = recording_event(host, "available", timeout=30)
        self.assertEqual(available["reason"], "max_recording_duration")
        self.assert_playable_1080p(self.recordings("cap1")[0], duration=6, delta=1.5)

    def test_recorder_that_keeps_dying_stops_the_recording_and_keeps_what_it_wrote(self):
        host, viewer = self.recording_room("die1", "hilda", "vince")
        time.sleep(3)
        os.kill(self.janus.recorder_pids()[0], signal.SIGKILL)
        self.assertEqual(recording_event(host, "stopped", timeout=10)["reason"], "failed")
        self.assertEqual(recording_event(viewer, "completed", timeout=5)["reason"], "failed")
        available = recording_event(host, "available", timeout=30)
        self.assertIn("giving up after 0 restarts", available["incomplete"])
        self.assert_playable_1080p(self.recordings("die1")[0])
        self.assertTrue(self.janus.alive())

    def test_closing_the_room_stores_its_recording(self):
        """C7: a session that is closed never loses its recording."""
        host, _ = self.recording_room("close1", "hedy")
        time.sleep(2)
        self.assertEqual(host.send({"request": "close"}).get("roomrec"), "closed")
        self.assert_playable_1080p(self.wait_for_recording("close1")[0])
        self.assert_stored_modes(self.recordings("close1")[0], file_mode=0o600, dir_mode=0o700)  # from the jcfg
        self.assertIn("stopped (session_closed)", self.janus.log_text())

    def test_host_leave_timeout_ends_the_session_and_stores_the_file(self):
        self.create_room("hl1")
        host, _ = self.join("hl1", "hank", "host")
        viewer, _ = self.join("hl1", "viv", "viewer")
        self.publish(host)
        host.send({"request": "start_recording"})
        recording_event(viewer, "started", timeout=10)
        # A returning host cancels the timer.
        host.send({"request": "leave"})
        time.sleep(1.5)
        host2, joined = self.join("hl1", "hank", "host")
        self.assertEqual(joined["recording"]["state"], "recording")
        time.sleep(3)
        self.assertEqual(host2.send({"request": "listparticipants", "room": "hl1", "admin_secret": harness.ADMIN_SECRET})
                         .get("roomrec"), "participants")
        left_at = time.time()
        host2.send({"request": "leave"})
        closed, _ = viewer.wait_plugin_event("room_closed", timeout=10)
        self.assertEqual(closed["reason"], "host_left_timeout")
        self.assertAlmostEqual(time.time() - left_at, 3, delta=1.5)
        self.assert_playable_1080p(self.wait_for_recording("hl1")[0])


class RecorderUnavailableTest(RecordingBase):
    """M6: a recorder that cannot run gets a clear error; nothing is left half-started."""
    settings = {"recorder_path": "/nonexistent/roomrec-recorder"}
    ports = (18092, 17092)

    def test_start_is_refused_with_456_and_the_room_stays_usable(self):
        self.create_room("norec")
        host, _ = self.join("norec", "hera", "host")
        for _ in range(2):  # the failed start left no state behind
            reply = host.send({"request": "start_recording"})
            self.assertEqual(reply.get("error_code"), 456, reply)
        self.assertEqual(host.send({"request": "stop_recording"}).get("error_code"), 455)
        self.assertIn("recording not started: cannot run /nonexistent/roomrec-recorder", self.janus.log_text())
        self.assertEqual(glob.glob(os.path.join(self.janus.recordings_root, "norec", ".recordings", "*")), [])
        _, joined = self.join("norec", "ivo", "viewer")
        self.assertEqual(joined["recording"]["state"], "idle")


def peak_rss_mib(pid):
    """A process's peak resident size (VmHWM), MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0


class OversizedInputTest(RecordingBase):
    """Issue 11: a publisher whose VP8 keyframes claim 16383x16383 (measured before: the worker
    grew from 110 MB to 1 GB in 6 s). Its frames never reach the recorder's decoder; the
    worker stays small, Janus keeps serving, the recording finishes with the other streams."""
    ports = (18093, 17093)
    settings = {"recorder_memory_limit_mib": 512, "recording_max_webcam_size": "1280x720"}

    def test_oversized_keyframes_stay_out_of_the_recorder(self):
        host, _ = self.recording_room("big1", "hal")
        mallory, joined = self.join("big1", "mallory", "moderator")
        liar = OversizedVp8Encoder(16383, 16383)
        self.publish(mallory, audio=False, stage=False, webcam_encoder=liar)
        pids = self.janus.recorder_pids()
        self.assertEqual(len(pids), 1, pids)
        deadline, peak = time.time() + 8, 0
        while time.time() < deadline:
            peak = max(peak, peak_rss_mib(pids[0]))
            self.assertIn("list", host.send({"request": "list"}))  # Janus answers meanwhile
            time.sleep(0.5)
        rejected = self.sink.wait_plugin_event("recording_input_rejected", "big1", timeout=5)
        print(f"recorder peak RSS with a 16383x16383 publisher: {peak:.0f} MiB; "
              f"{liar.keyframes} oversized keyframes sent", flush=True)
        self.assertEqual((rejected["width"], rejected["height"]), (16383, 16383), rejected)
        self.assertEqual(rejected["source"], "webcam")
        self.assertEqual(rejected["max_size"], "1280x720")
        self.assertEqual(rejected["participant"], joined["id"], rejected)
        self.assertGreaterEqual(rejected["dropped_frames"], 1)
        # Each report asked the publisher for a keyframe: more came than the first one.
        self.assertGreaterEqual(liar.keyframes, 3, "the recorder's keyframe requests did not reach the publisher")
        self.assertIn("sent 16383x16383 frames, over its bound 1280x720", self.janus.log_text())
        self.assertLess(peak, 512, "the recorder grew past its limit")
        self.assertEqual(self.janus.recorder_pids(), pids, "the recorder was restarted")
        host.send({"request": "stop_recording"})
        available = recording_event(host, "available", timeout=30)
        self.assertEqual(available["gaps"], 0, available)
        self.assert_playable_1080p(self.recordings("big1")[0])


class RecorderMemoryLimitTest(RecordingBase):
    """Frames within a (too generous) bound that still take more memory than the worker may
    use: 8000x8000 webcam keyframes under an 8192x8192 bound, a 256 MiB limit. The worker exits
    at its limit; the plugin reports it like any worker failure and Janus keeps serving."""
    ports = (18094, 17094)
    settings = {"recorder_memory_limit_mib": 256, "recording_max_webcam_size": "8192x8192",
                "recorder_max_restarts": 1}

    def test_a_worker_past_its_memory_limit_fails_its_recording_not_janus(self):
        host, _ = self.recording_room("mem1", "hel")
        mallory, _ = self.join("mem1", "mallory", "moderator")
        self.publish(mallory, audio=False, stage=False, webcam_encoder=OversizedVp8Encoder(8000, 8000))
        restarted = self.sink.wait_plugin_event("recorder_restarted", "mem1", timeout=20)
        self.assertIn("over its limit of 256 MiB", restarted["message"])
        self.assertIn("list", host.send({"request": "list"}))
        # The restarted worker gets the same keyframes (the plugin asks for one): it gives up.
        self.assertEqual(recording_event(host, "stopped", timeout=30)["reason"], "failed")
        available = recording_event(host, "available", timeout=30)
        self.assertIn("over its limit of 256 MiB", available["incomplete"])
        self.assertIn("recorder of", self.janus.log_text())
        self.assertTrue(self.janus.alive())
        self.assertIn("list", host.send({"request": "list"}))


class JanusCrashTest(RecordingBase):
    """kill -9 of Janus mid-recording: after a restart the partial file and its isolated tracks
    are finalized (M4)."""
    ports = (18090, 17090)

    def tearDown(self):
        pass  # Janus was killed on purpose; its sessions died with it

    def test_recording_survives_a_janus_crash(self):
        self.recording_room("crash1", "holly", tracks=True)
        time.sleep(3)
        # One recorder restart first: the gap it leaves is reported after the recovery too.
        os.kill(self.janus.recorder_pids()[0], signal.SIGKILL)
        deadline = time.time() + 15
        while not glob.glob(os.path.join(self.janus.recordings_root, "crash1", ".recordings", "*", "gaps.json")):
            self.assertLess(time.time(), deadline, "the restarted recorder wrote no frame")
            time.sleep(0.2)
        time.sleep(3)
        root = self.janus.recordings_root
        self.janus.kill()
        for session in self.sessions:
            session._stop.set()
        for publisher in self.publishers:
            close_now(publisher)
        self.assertEqual(self.recordings("crash1"), [])
        self.assertEqual(len(glob.glob(os.path.join(root, "crash1", ".recordings", "*", "segment-*.mp4"))), 2)
        # The same ports: a worker orphaned by the crash must not hold any of Janus's sockets.
        restarted = harness.Janus(http_port=self.ports[0], admin_port=self.ports[1], settings={"recordings_root": root},
                                  events_backend=self.sink.url)
        try:
            announced = self.sink.wait_plugin_event("recording_available", "crash1", timeout=30)
            self.assertTrue(announced["recovered"])
            self.assertEqual((announced["reason"], announced["gaps"]), ("interrupted", 1), announced)
            self.assertGreater(announced["gap_seconds"], 0)
            files = self.wait_for_recording("crash1")
            self.assertEqual(len(files), 1, "the unfinished recording was finalized at start-up")
            self.assertEqual(os.path.relpath(files[0], root), announced["location"])
            self.assert_playable_1080p(files[0], duration=6, delta=2.5)  # both segments, less the gap
            self.assert_stored_modes(files[0])
            self.assertIn("recovered an unfinished recording", restarted.log_text())
            # Its isolated tracks are recovered with it: both segments' files (the restarted
            # worker's named " (2)"), each listed in the manifest and readable up to the crash.
            self.assertEqual(announced["tracks"], announced["location"][:-len(".mp4")] + " tracks", announced)
            folder = os.path.join(root, announced["tracks"])
            with open(os.path.join(folder, "manifest.json")) as f:
                manifest = json.load(f)
            listed = [track["file"] for track in manifest["tracks"]]
            self.assertEqual(sorted(os.listdir(folder)), sorted(listed + ["manifest.json"]))
            self.assertTrue(any("(2)" in name for name in listed) and any("(2)" not in name for name in listed),
                            listed)
            for name in listed:
                self.assertGreater(os.path.getsize(os.path.join(folder, name)), 1000, name)
            # Placed on the stored composite's timeline: the first worker's tracks from its
            # start, the restarted worker's after the first segment (that segment's length plus
            # their offset in their own), ending with the composite.
            first_segment = [t for t in manifest["tracks"] if t["segment"] == 0]
            later_segment = [t for t in manifest["tracks"] if t["segment"] == 1]
            self.assertTrue(first_segment and later_segment, manifest)
            length = float(probe(files[0])["format"]["duration"])
            for track in first_segment:
                self.assertLess(track["start_offset_ms"], 1000, track)
            for track in later_segment:
                self.assertTrue(1500 < track["start_offset_ms"] < length * 1000, (track, length))
                if track["duration_ms"] is not None:
                    self.assertAlmostEqual((track["start_offset_ms"] + track["duration_ms"]) / 1000, length, delta=1.5,
                                           msg=(track, length))
        finally:
            restarted.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
