"""The room page (SPEC W1; C1-C4 as people see them) in real headless Chromium against the real
Janus and recorder: whole stories played by several people at once (tests/browser/room_*.mjs),
each failing on any console error. Screenshots go to ROOMREC_SCREENSHOTS when set."""
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
import unittest

import av_sync
import harness
from recorder_feed import audio_holes

BROWSER_DIR = os.path.join(harness.ROOT, "tests", "browser")


class RoomPageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.www = tempfile.mkdtemp(prefix="roomrec-www-")
        subprocess.run([os.path.join(harness.ROOT, "scripts", "stage-web.sh"), cls.www], check=True)
        cls.web = subprocess.Popen(["python3", "-m", "http.server", "18000", "--bind", "127.0.0.1", "--directory", cls.www],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.shots = os.environ.get("ROOMREC_SCREENSHOTS") or tempfile.mkdtemp(prefix="roomrec-shots-")

    @classmethod
    def tearDownClass(cls):
        cls.web.terminate()
        cls.web.wait()

    def setUp(self):
        # A Janus per story: people a story leaves behind never show up in the next.
        self.janus = harness.Janus(settings={"kick_ban_seconds": 600})

    def tearDown(self):
        self.janus.stop()  # fails the story on any sanitizer report

    def play(self, script, room, people, **extra):
        """Runs one story with a token per person ({name: role}) and returns what it saw."""
        config = {**extra, "url": f"http://127.0.0.1:18000/room/?janus=http://127.0.0.1:{self.janus.http_port}/janus",
                  "room": room, "shots": self.shots,
                  "tokens": {name: harness.token(room, name.lower(), role) for name, role in people.items()}}
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, script), json.dumps(config)],
                             capture_output=True, text=True, timeout=400, cwd=BROWSER_DIR)
        self.assertEqual(run.returncode, 0, run.stderr)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertNotIn("failure", result, result.get("failure"))
        self.assertEqual(result["errors"], [], "console errors")
        self.assertTrue(self.janus.alive())
        return result

    def test_recording_story(self):
        r = self.play("room_recording.mjs", "static", {
            "Hana": "host", "Moritz": "moderator", "Vera": "viewer", "Pia": "host"})
        # Cancelling the confirmation starts nothing.
        self.assertFalse(r["started_after_cancel"])
        # Everyone is told, in this order; hosts and moderators hear about the upload and the
        # file, attendees that it completed.
        starting, started = "Recording will start momentarily, please wait", "This session is being recorded"
        for name in ("Hana", "Moritz", "Vera", "Pia"):
            notes = [t for t in r["toasts"][name] if t in (starting, started)]
            self.assertEqual(notes[:2], [starting, started], (name, r["toasts"][name]))
        self.assertIn("The recording has completed", r["toasts"]["Vera"])
        self.assertNotIn("Recording ended, starting upload", r["toasts"]["Vera"])
        self.assertNotIn("Your recording file is available", r["toasts"]["Vera"])
        for name in ("Hana", "Moritz"):
            toasts = r["toasts"][name]
            self.assertLess(toasts.index("Recording ended, starting upload"), toasts.index("Your recording file is available"))
        self.assertIn("/library/?room=static&recording=", r["available_link"])
        # The indicator for all; counter and stop only for the desktop host and moderator.
        self.assertEqual(r["indicator"], {"Hana": True, "Moritz": True, "Vera": True, "Pia": True})
        self.assertEqual(r["counter"], {"Hana": True, "Moritz": True, "Vera": False, "Pia": False})
        self.assertEqual(r["stop_icon"], {"Hana": True, "Moritz": True, "Vera": False, "Pia": False})
        self.assertRegex(r["host_elapsed"], r"^0:0[2-9]$")
        # A mobile host has no recording controls at all, and the page said why.
        self.assertFalse(r["mobile_menu_record"])
        self.assertIn("mobile", r["mobile_note"])
        # The host's camera plays at the attendee's; the file is stored where "available" said.
        self.assertIn("Hana", r["vera_playing"])
        files = os.listdir(os.path.join(self.janus.recordings_root, "static", "Recordings"))
        self.assertEqual(len(files), 1, files)
        self.assertTrue(files[0].startswith("Rec - "))
        self.assertIn(files[0], r["available_text"])
        # The heartbeat carries what the page sees: the publishing host's camera is on.
        self.assertTrue(any(b["camera"] for b in r["hana_heartbeats"]), r["hana_heartbeats"])
        self.assertFalse(any(b["camera"] for b in r["vera_heartbeats"]), r["vera_heartbeats"])
        self.assertTrue(all(set(b) >= {"focused", "fullscreen", "sound", "camera"} for b in r["vera_heartbeats"]))
        # A lost connection is said, then the page rejoins by itself (the seat is taken over).
        self.assertIn("Disconnected", r["disconnected_text"])
        self.assertEqual(r["moritz_back"], 4)
        # Leaving ends the page cleanly (no 449, no buttons left).
        self.assertEqual(r["vera_left"], "You left the room")

    def record_flash_and_beep(self, seconds, meanwhile=None, media_seconds=av_sync.SECONDS):
        """A janus.js publisher in Chromium whose camera and microphone play a flash + beep every
        second records for `seconds` (with isolated tracks: what the browser sent); `meanwhile()`
        runs beside the story. Returns the composite's analysis (av_sync.analyse), the folder of
        its tracks and their manifest."""
        self.janus.stop()
        self.janus = harness.Janus(settings={"kick_ban_seconds": 600, "recording_tracks": True})
        media = tempfile.mkdtemp(prefix="roomrec-sync-")
        self.addCleanup(shutil.rmtree, media, True)
        video, audio = os.path.join(media, "flash.y4m"), os.path.join(media, "beep.wav")
        av_sync.write_media(video, audio, media_seconds)
        beside = threading.Thread(target=meanwhile) if meanwhile else None
        if beside:
            beside.start()
        try:
            self.play("room_sync.mjs", "static", {"Hana": "host"}, video=video, audio=audio, seconds=seconds)
        finally:
            if beside:
                beside.join()
        folder = os.path.join(self.janus.recordings_root, "static", "Recordings")
        composite = [name for name in os.listdir(folder) if name.endswith(".mp4")]
        self.assertEqual(len(composite), 1, os.listdir(folder))
        tracks = os.path.join(folder, composite[0][:-len(".mp4")] + " tracks")
        with open(os.path.join(tracks, "manifest.json")) as f:
            manifest = json.load(f)["tracks"]
        return av_sync.analyse(os.path.join(folder, composite[0]), media_seconds), tracks, manifest

    def test_flash_and_beep_from_chromium_are_in_sync_from_the_first_frame(self):
        """M3 from the first second: a janus.js publisher in Chromium whose camera and microphone
        play a flash + beep every second; every flash in the file, the first one too, within
        40 ms of the constant the file settles to (less the fake camera's own drift, av_sync.py),
        that constant within 40 ms of what the browser sent, every beep whole, and no frame
        skipped in the first 5 s that the browser sent. Its camera's frames come 21 and 44 ms
        apart now and then (recorder/core/frame_pacer.hpp), and its encoder drops a frame now
        and then in the first second: the isolated tracks of the same recording, what the
        browser sent, tell those apart.

        What the browser sent has a constant of its own: its fake camera and microphone start
        apart. Its flash came 5 to 38 ms after its beep in 45 runs, the file's constant was -32
        to +51 ms in 65, and the recorder's part (the file's flash minus beep less the
        browser's, flash by flash) -33 to +26 ms in 40 (docs/PERFORMANCE.md). So the file is
        checked against what the browser sent rather than against 0; absolute sync, against
        senders whose flash and beep share one instant, is checked by
        integration.recorder_soak and integration.recorder_churn."""
        r, tracks, manifest = self.record_flash_and_beep(8)
        shifts, settled = av_sync.offsets(r)
        shifts = [round(o * 1000) for o in shifts]
        print(f"\nflash - beep (ms, less the camera's drift, from {settled * 1000:.0f}): {shifts}; "
              f"beep spacing (s): {av_sync.beep_spacing(r)}; camera fps {av_sync.source_fps(r):.2f}", flush=True)
        self.assertGreaterEqual(len(r["flashes"]), 6, r["flashes"])
        self.assertTrue(all(abs(s) <= 40 for s in shifts), shifts)
        camera = [t for t in manifest if t["kind"] == "video"]
        microphone = [t for t in manifest if t["kind"] == "audio"]
        self.assertEqual((len(camera), len(microphone)), (1, 1), manifest)
        sent_result = av_sync.analyse_tracks(os.path.join(tracks, camera[0]["file"]), camera[0]["start_offset_ms"] / 1000,
                                             os.path.join(tracks, microphone[0]["file"]),
                                             microphone[0]["start_offset_ms"] / 1000)
        moved = av_sync.offset_from_sent(r, sent_result)
        print(f"constant (ms): the file's {settled * 1000:.0f}, what the browser sent "
              f"{av_sync.offsets(sent_result)[1] * 1000:.0f}; the recorder's part "
              f"{'?' if moved is None else round(moved * 1000)}", flush=True)
        self.assertIsNotNone(moved, f"no flash both in the file and in what the browser sent: {sent_result['flashes']}")
        self.assertLessEqual(abs(moved), 0.04, "the recorder moved picture and sound apart")
        # No sound lost: every beep whole (a beep the browser's first packet cut into is left
        # out). The jitter buffer's and lip sync's moves of the audio are made in its silences
        # (recorder/core/audio_timeline.hpp): the spacing may change by such a move, within
        # av_sync.MOVE_MS.
        heard_from = microphone[0]["start_offset_ms"] / 1000 + 0.02
        lengths = [length for onset, length in av_sync.beep_lengths(r) if onset > heard_from]
        print(f"beep lengths (s): {lengths}", flush=True)
        self.assertGreaterEqual(len(lengths), 6, r["beeps"])
        self.assertTrue(all(length >= av_sync.BEEP - 0.001 for length in lengths), f"a beep was cut: {lengths}")
        self.assertEqual(av_sync.audio_lost_or_inserted(av_sync.beep_spacing(r)), [],
                         f"audio lost or inserted: beeps at {r['beeps']}")
        sent = av_sync.picture_jumps(sent_result)  # what the browser skipped itself
        skipped = av_sync.skipped_frames(r, 5)
        print(f"frames skipped in the first 5 s (time, counter before, after): {skipped}; "
              f"by the browser: {[jump for jump in sent if jump[0] < 6]}", flush=True)
        self.assertEqual(av_sync.skips_of_the_recorder(skipped, sent), [],
                         f"frames the browser sent, skipped in the first 5 s; it skipped {sent}")

    def test_flash_and_beep_stay_in_sync_across_a_recorder_restart(self):
        """M3 after a crash of the worker (kill -9 eight seconds into the recording), as the test
        above asks it of the first: every flash the restarted worker recorded, its first one too,
        within 40 ms of the constant it settles to, every beep whole, no frame skipped. A browser
        sends a sender report for its audio only every 2.5-7.5 s; the plugin hands the new worker
        each stream's last one (and asks for a keyframe), so its lip sync holds from its first
        frame instead of shifting when the browser's next report comes. Without it, one run in
        three showed that shift (its third flash 45 ms off, a 48 ms jump at the fourth), still
        within these bounds: on this machine's loopback, packets' arrival times alone put
        Chromium's streams within ~50 ms, so the replay's effect is below what the test resolves.

        The restarted worker's constant is near the first one's: each worker places a camera's
        frames from one output frame before their time to 0.4 after (a 47 ms window,
        recorder/core/frame_pacer.hpp), where in it depending on how the camera's frames fall on
        its grid when it starts; the two constants differed by -38 to +17 ms in 7 runs, and by
        +3 to +9 ms in 4 runs of a worker built without the pacer. So within 50 ms: a gross
        misplacement shows. The join (plugin/core/segment_end.hpp) is checked by the sound:
        joined after the killed worker's picture rather than its audio, the sound had a 75 ms
        hole, and the rest of it was that early to any decoder that plays samples back to back."""
        killed = []

        def kill_the_recorder():
            deadline = time.time() + 60
            while time.time() < deadline and not self.janus.recorder_pids():
                time.sleep(0.1)
            time.sleep(8)
            pids = self.janus.recorder_pids()
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        # 4 s media: the frame counter numbers the frames across the ~1.5 s the restart loses.
        r, tracks, manifest = self.record_flash_and_beep(16, meanwhile=kill_the_recorder, media_seconds=4)
        self.assertEqual(len(killed), 1, "no recorder ran to kill")
        jump = av_sync.largest_jump(r)
        self.assertIsNotNone(jump, "the picture shows no restart")
        restart, lost = jump
        # Flash minus beep less the camera's drift, from the constant the first worker settled to.
        shifts, settled = av_sync.offsets(r, settled_until=restart)
        before = [round(s * 1000) for s, f in zip(shifts, r["flashes"]) if f <= restart]
        after = [round(s * 1000) for s, f in zip(shifts, r["flashes"]) if f > restart]
        print(f"\nrecorder restart at {restart:.2f} s of the file, {lost} frames not recorded; flash - beep (ms, from "
              f"{settled * 1000:.0f}): before {before}, after {after}; beeps at {[round(b, 3) for b in r['beeps']]}",
              flush=True)
        self.assertGreaterEqual(len(after), 6, r["flashes"])
        constant = statistics.median(after)
        self.assertTrue(all(abs(s - constant) <= 40 for s in after), after)
        self.assertLessEqual(abs(constant), 50, "the restarted worker's constant is not the first one's")
        self.assertEqual(audio_holes(tracks[:-len(" tracks")] + ".mp4"), [], "a hole in the sound where the segments meet")
        # The restarted worker's sound: every beep whole (but the first, which the restart may
        # cut) and a second apart.
        beeps_after = [(onset, length) for onset, length in av_sync.beep_lengths(r) if onset > restart + 0.05]
        self.assertTrue(all(length >= av_sync.BEEP - 0.001 for _, length in beeps_after[1:]), beeps_after)
        spacing = [b - a for (a, _), (b, _) in zip(beeps_after, beeps_after[1:])]
        self.assertEqual(av_sync.audio_lost_or_inserted(spacing), [], f"audio lost or inserted: {beeps_after}")
        # No frame skipped in the 5 s after the restart that the browser sent (its camera tracks,
        # one per worker run, show what it skipped itself).
        sent = [jump for track in manifest if track["kind"] == "video"
                for jump in av_sync.sent_jumps(os.path.join(tracks, track["file"]), track["start_offset_ms"] / 1000, 4)]
        skipped = av_sync.skipped_frames(r, 5, since=restart)
        self.assertEqual(av_sync.skips_of_the_recorder(skipped, sent), [],
                         f"frames the browser sent, skipped after the restart; it skipped {sent}")

    def test_activities_story(self):
        r = self.play("room_activities.mjs", "static", {
            "Hana": "host", "Ada": "viewer", "Ben": "viewer"})
        self.assertEqual(r["poll_host_results"], "2 votes")
        self.assertIn("Blue", r["poll_final_at_ada"])
        self.assertIn("Yes, on Thursday", r["qa_answer_at_ada"])
        self.assertIn("Hello everyone", r["reply_quote_at_ben"])
        self.assertIn("Like · 1", r["like_at_ada"])
        self.assertTrue(r["deleted_for_ben"])
        self.assertIn("Resolved", r["moderation_after"])
        self.assertIn("Hand raised", r["hand_at_host"])
        self.assertEqual(r["hand_after_lowered"], "✋ Raise hand")
        self.assertTrue(r["reaction_seen_by_host"])
        self.assertIn("retry in", r["rate_note"])
        # Brought on stage: Ben's camera and presentation play for the others; taken off: gone.
        self.assertTrue(any("Ben" in c for c in r["ben_on_stage_at_host"]), r)
        self.assertTrue(any("presenting" in c for c in r["ben_on_stage_at_ada"]), r)
        self.assertEqual(r["ben_tiles_after_off"], {"Hana": 0, "Ada": 0, "Ben": 0})
        # Removed and closed pages end cleanly; a removed user is told why they cannot rejoin.
        self.assertEqual(r["ada_end"], "You were removed from the room")
        self.assertIn("you may rejoin", r["ada_rejoin_error"])
        self.assertEqual(r["ben_end"], "The session has ended")
        self.assertIn("A host ended the session", r["ben_end_text"])
        self.assertIn("not valid", r["wrong_secret"])
        self.assertIn("no room", r["no_room"])

    def test_breakout_story(self):
        r = self.play("room_breakouts.mjs", "static", {"Hana": "host", "Ada": "viewer", "Ben": "viewer"})
        self.assertFalse(r["attendee_tab"])
        self.assertEqual(r["main_title"], "Static room")
        # Moved: told, then in the breakout with its title, badge and people.
        self.assertEqual(r["ada_breakout_title"], "Group A")
        self.assertTrue(r["ada_breakout_badge"])
        self.assertEqual(r["ada_breakout_people"], ["Ada", "Ben"])
        self.assertEqual(r["ada_url_room"], "static-b1")
        self.assertIn("2 people", r["hana_count"])
        self.assertEqual(r["hana_people_in_main"], ["Hana"])
        for name in ("ada", "ben"):
            self.assertIn("You were moved to Group A.", r[f"{name}_toasts"])
            self.assertIn("The breakout room was closed. Back to Static room.", r[f"{name}_toasts"])
        # Closed: back in the main room with everyone, the page never ended.
        self.assertEqual(r["ada_back_title"], "Static room")
        self.assertFalse(r["ada_back_badge"])
        self.assertEqual(r["ada_back_people"], ["Ada", "Ben", "Hana"])
        self.assertFalse(r["ada_ended"])
        self.assertIn("No breakout rooms", r["hana_breakouts_after"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
