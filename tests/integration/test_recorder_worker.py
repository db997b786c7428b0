"""The roomrec-recorder worker on its own (M1-M5): RTP of a webcam (VP8 + Opus) and a stage
(VP8) in, a 1920x1080 H.264 + AAC fragmented MP4 out; kill -9 leaves a playable file."""
import json
import os
import random
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

from recorder_feed import (ADD_STREAM, BAR_STAGES, RTCP, RTP, RecorderFeed, add_bar_stage, add_flash_and_beep,
                           bar_colours, centre_rgb, mean_luma, onsets, probe, vp8_resize_keyframes)

RECORDER = os.environ.get("ROOMREC_RECORDER", "")


class RecorderWorkerTest(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(RECORDER):
            self.fail("set ROOMREC_RECORDER to the built roomrec-recorder")
        self.folder = tempfile.mkdtemp(prefix="roomrec-rec-")

    def tearDown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def video_and_audio(self, info):
        video = [s for s in info["streams"] if s["codec_type"] == "video"]
        audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
        self.assertEqual(len(video), 1, info)
        self.assertEqual(len(audio), 1, info)
        return video[0], audio[0]

    def test_composes_stage_and_webcam_into_1080p_mp4(self):
        output = os.path.join(self.folder, "out.mp4")
        feed = RecorderFeed(RECORDER, output)
        counts = feed.pump(2.0)
        # M5: the first frames reach the file within 2 s of the start.
        self.assertIsNotNone(feed.event("first_frame", timeout=0.1), f"no first frame within 2 s; relayed {counts}")
        feed.pump(6.0)
        started_finish = time.time()
        finished = feed.finish()
        self.assertIsNotNone(finished, feed.worker.stderr.read().decode(errors="replace"))
        self.assertLess(time.time() - started_finish, 5, "finishing the file took too long")
        self.assertEqual(feed.worker.returncode, 0, feed.worker.stderr.read().decode(errors="replace")[-3000:])
        self.assertEqual(finished["dropped_packets"], 0, finished)
        info = probe(output)
        self.assertNotIn("error", info, info)
        video, audio = self.video_and_audio(info)
        self.assertEqual((video["codec_name"], video["width"], video["height"]), ("h264", 1920, 1080))
        self.assertIn(video["profile"], ("High", "Main"))
        self.assertEqual(video["pix_fmt"], "yuv420p")
        self.assertEqual(audio["codec_name"], "aac")
        self.assertEqual(video["r_frame_rate"], "30/1")
        # 8 s of input; the recording runs from the start of the worker.
        self.assertAlmostEqual(float(info["format"]["duration"]), 8.0, delta=1.0)

    def test_kill_9_leaves_a_playable_file(self):
        output = os.path.join(self.folder, "killed.mp4")
        feed = RecorderFeed(RECORDER, output)
        feed.pump(6)
        feed.kill()
        info = probe(output)
        self.assertNotIn("error", info, info)
        video, _ = self.video_and_audio(info)
        self.assertEqual((video["width"], video["height"]), (1920, 1080))
        # 6 s fed; 1 s fragments: the last fragment, what is in flight (jitter buffer, encoder)
        # and the start-up lose at most 3 s.
        self.assertGreaterEqual(float(info["format"]["duration"]), 3.0, info["format"])

    def test_hostile_bitstream_does_not_stop_the_recording(self):
        """M6: garbage payloads, truncated packets and unknown streams are survived."""
        output = os.path.join(self.folder, "hostile.mp4")
        feed = RecorderFeed(RECORDER, output)
        feed.pump(2.0)
        rng = random.Random(7)
        sequence = 40000
        for n in range(600):
            sequence = (sequence + 1) & 0xFFFF
            header = struct.pack("!BBHII", 0x80, 96 | (0x80 if n % 10 == 9 else 0), sequence, n * 3000, 0xBADC0DE)
            feed.send(RTP, 1, header + rng.randbytes(rng.randint(0, 1200)))       # VP8 junk on the webcam
            feed.send(RTP, 3, header[:rng.randint(0, 12)])                          # truncated packets
            feed.send(RTP, 99, header + b"\x00" * 20)                              # a stream nobody added
            feed.send(RTCP, 2, rng.randbytes(rng.randint(0, 200)))                  # junk RTCP
        feed.send(ADD_STREAM, 50, b"{not json")                                     # a broken stream description
        feed.send(ADD_STREAM, 51, json.dumps({"kind": "video", "codec": "theora", "payload_type": 96}).encode())
        feed.pump(4.0)
        self.assertIsNone(feed.worker.poll(), "the worker died on hostile input")
        finished = feed.finish()
        self.assertIsNotNone(finished, feed.worker.stderr.read().decode(errors="replace")[-2000:])
        self.assertEqual(feed.worker.returncode, 0)
        info = probe(output)
        self.assertNotIn("error", info, info)
        self.video_and_audio(info)
        self.assertGreaterEqual(float(info["format"]["duration"]), 5.0, info["format"])

    def test_oversized_vp8_keyframes_never_reach_the_decoder(self):
        """Issue 11: a webcam whose VP8 keyframes claim 16383x16383 made vp8dec allocate ~1 GB.
        Its frames are now dropped before the decoder and reported; memory stays what a normal
        recording uses, and the file has the stage in it."""
        normal = RecorderFeed(RECORDER, os.path.join(self.folder, "normal.mp4"))
        normal.pump(6.0)
        normal_peak = normal.peak_rss_mib()
        self.assertIsNotNone(normal.finish())
        self.assertIsNone(normal.event("input_rejected", timeout=0))

        output = os.path.join(self.folder, "oversized.mp4")
        feed = RecorderFeed(RECORDER, output,
                            rewrite={1: lambda packets: vp8_resize_keyframes(packets, 16383, 16383)})
        feed.pump(6.0)
        peak = feed.peak_rss_mib()
        self.assertIsNone(feed.worker.poll(), "the worker died")
        rejected = feed.event("input_rejected", timeout=0.5)
        finished = feed.finish()
        stderr = feed.worker.stderr.read().decode(errors="replace")[-2000:]
        print(f"peak RSS: normal {normal_peak:.0f} MiB, 16383x16383 webcam {peak:.0f} MiB", flush=True)
        self.assertIsNotNone(rejected, stderr)
        self.assertEqual((rejected["stream"], rejected["width"], rejected["height"]), (1, 16383, 16383))
        self.assertGreaterEqual(rejected["dropped_frames"], 1)
        # A long run is reported again about once a second (each report asks for a keyframe).
        reports = [e for e in feed.events if e["event"] == "input_rejected"]
        self.assertGreaterEqual(len(reports), 3, reports)
        self.assertLessEqual(len(reports), 9, reports)
        self.assertLess(peak, normal_peak * 1.25 + 32, (normal_peak, peak))
        self.assertIsNotNone(finished, stderr)
        self.assertEqual(feed.worker.returncode, 0, stderr)
        # Every webcam frame was dropped: ~30 fps for 6 s.
        self.assertGreater(finished["dropped_frames"], 120, finished)
        info = probe(output)
        self.assertNotIn("error", info, info)
        video, _ = self.video_and_audio(info)
        self.assertEqual((video["width"], video["height"]), (1920, 1080))
        self.assertGreaterEqual(float(info["format"]["duration"]), 5.0, info["format"])
        # The stage (bright colour bars) fills its cell; the rejected webcam's tile stays black.
        self.assertGreater(mean_luma(output, 4.0), 60)

    def test_h264_and_vp9_streams_are_bounded_too(self):
        """Real 320x180 H.264 (SPS in band) and VP9 webcams: recorded under the default bound;
        under a 256x144 bound every frame is refused with its real size and the tile stays
        black, while the recording goes on."""
        for stream, codec in ((5, "h264"), (6, "vp9")):
            with self.subTest(codec=codec):
                allowed = os.path.join(self.folder, f"{codec}.mp4")
                feed = RecorderFeed(RECORDER, allowed, streams=(stream,), seconds=6)
                feed.pump(6.0)
                self.assertIsNone(feed.event("input_rejected", timeout=0))
                finished = feed.finish()
                self.assertIsNotNone(finished, feed.worker.stderr.read().decode(errors="replace")[-2000:])
                self.assertEqual(finished["dropped_frames"], 0, finished)
                # Sampled a few times: a slow (sanitizer) worker shows its first picture later.
                self.assertGreater(max(mean_luma(allowed, t) for t in (2.0, 3.0, 4.0)), 60, f"no {codec} picture")

                refused = os.path.join(self.folder, f"{codec}-refused.mp4")
                feed = RecorderFeed(RECORDER, refused, streams=(stream,), seconds=6,
                                    config={"max_webcam_width": 256, "max_webcam_height": 144})
                feed.pump(6.0)
                rejected = feed.event("input_rejected", timeout=0.5)
                finished = feed.finish()
                stderr = feed.worker.stderr.read().decode(errors="replace")[-2000:]
                self.assertIsNotNone(rejected, stderr)
                self.assertEqual((rejected["stream"], rejected["width"], rejected["height"]), (stream, 320, 180))
                self.assertIsNotNone(finished, stderr)
                self.assertEqual(feed.worker.returncode, 0, stderr)
                self.assertGreater(finished["dropped_frames"], 60, finished)
                self.assertLess(max(mean_luma(refused, t) for t in (2.0, 3.0, 4.0)), 20,
                                f"{codec} frames past the bound reached the file")

    def test_memory_limit_ends_the_worker_with_an_error(self):
        """A stream within its bound that still needs more memory than the worker may use (8000x8000
        webcam frames allowed by an 8192x8192 bound, a 256 MiB limit): the worker reports the
        error and exits instead of growing; the plugin treats that as any worker failure."""
        output = os.path.join(self.folder, "limited.mp4")
        feed = RecorderFeed(RECORDER, output,
                            config={"memory_limit_mib": 256, "max_webcam_width": 8192, "max_webcam_height": 8192},
                            rewrite={1: lambda packets: vp8_resize_keyframes(packets, 8000, 8000)})
        deadline = time.monotonic() + 20
        while feed.worker.poll() is None and time.monotonic() < deadline:
            feed.pump(0.5)
        error = feed.event("error", timeout=1)
        stderr = feed.worker.stderr.read().decode(errors="replace")[-2000:]
        self.assertIsNotNone(feed.worker.poll(), "the worker kept running past its memory limit")
        self.assertEqual(feed.worker.returncode, 3, stderr)
        self.assertIsNotNone(error, stderr)
        self.assertIn("over its limit of 256 MiB", error["message"])

    def test_layout_follows_a_stage_that_comes_and_goes(self):
        """M2: webcam alone fills the frame (a dark ball pattern); while a stage (bright colour
        bars) is published it takes the large cell; when it leaves the webcam has the frame again."""
        output = os.path.join(self.folder, "layout.mp4")
        feed = RecorderFeed(RECORDER, output, streams=(1, 2, 3), windows={3: (3.0, 6.0)})
        feed.pump(9.0)
        self.assertIsNotNone(feed.finish())
        self.assertEqual(feed.worker.returncode, 0)
        # The file's clock starts at the worker's first frame, which a slow (sanitizer) worker
        # writes later in the feed: look for the stage's window instead of assuming where it is.
        duration = float(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                                         "csv=p=0", output], capture_output=True, text=True, check=True).stdout)
        times = [t / 2 for t in range(1, int(duration * 2))]
        luma = [mean_luma(output, t) for t in times]
        samples = list(zip(times, (round(value) for value in luma)))
        bright = [t for t, value in zip(times, luma) if value > luma[0] + 40]
        self.assertLess(luma[0], 60, samples)
        self.assertLess(luma[-1], 60, samples)
        self.assertTrue(bright, samples)
        # One window, no longer than the stage's 3 s (sampled every 0.5 s; on a loaded machine the
        # feed's 1080p encoder delivers less of it), webcam alone before and after.
        self.assertEqual(bright, [t for t in times if bright[0] <= t <= bright[-1]], samples)
        self.assertLessEqual(bright[-1] - bright[0], 3.5, samples)

    def test_a_1080p_vp8_stage_keeps_its_colours(self):
        """VP8 is BT.601: a pure green 1080p stage stays pure green in the file. Decoded VP8 read as
        BT.709 (GStreamer's guess above 576 lines) and converted to the output's BT.601 came out
        at G 199 instead of about 235."""
        output = os.path.join(self.folder, "green.mp4")
        feed = RecorderFeed(RECORDER, output, streams=(7,), seconds=4)
        feed.pump(4.0)
        self.assertIsNotNone(feed.finish())
        self.assertEqual(feed.worker.returncode, 0)
        red, green, blue = centre_rgb(output, 2.0)
        self.assertGreaterEqual(green, 225, (red, green, blue))
        self.assertLessEqual(max(red, blue), 40, (red, green, blue))

    def test_colour_bars_come_out_of_the_file_within_6_levels(self):
        """SMPTE bars published as a 1080p stage, in each codec and colour description a sender may
        use, come out of the MP4 within 6 levels per channel per bar: a stream that states nothing
        is taken for BT.601 (what WebRTC senders write), one that states BT.709 is converted once."""
        blocks = dict(bar_colours(None))
        # Away from the bars' edges, where 4:2:0 chroma and the scalers blur by design.
        reference = [(x, rgb) for x, rgb in blocks.items() if blocks.get(x - 24) == rgb == blocks.get(x + 24)]
        self.assertGreaterEqual(len({rgb for _, rgb in reference}), 7, reference)  # the test sees the bars
        for stream, (_, name) in BAR_STAGES.items():
            with self.subTest(name):
                add_bar_stage(stream, self.folder, 4)
                output = os.path.join(self.folder, f"bars{stream}.mp4")
                feed = RecorderFeed(RECORDER, output, streams=(stream,), seconds=4)
                feed.pump(4.0)
                self.assertIsNotNone(feed.finish())
                self.assertEqual(feed.worker.returncode, 0)
                # Late in the file: a slow worker (a sanitizer build, a busy machine) starts black.
                duration = float(probe(output)["format"]["duration"])
                got = dict(bar_colours(output, max(2.0, duration - 1.0), [x for x, _ in reference]))
                for x, expected in reference:
                    actual = got[x]
                    worst = max(abs(a - e) for a, e in zip(actual, expected))
                    self.assertLessEqual(worst, 6, f"x={x}: {actual} instead of {expected}")

    def test_isolated_tracks_line_up_by_their_offsets(self):
        """Isolated tracks: each stream also lands untranscoded in a file of its own (VP8, VP9 and
        Opus in Matroska, H.264 in MP4) with a sidecar placing it on the composite's timeline. Two
        webcams flashing white together (VP8 from the start, VP9 joining at 0.5 s) and a
        microphone beeping (joining at 1 s) at the same moments: every flash and beep, moved by
        its track's offset, falls within 40 ms of the others and of the flash in the composite.
        An H.264 webcam (colour bars, joining at 0.3 s) gets its MP4."""
        moments = [2.0, 4.0, 6.0]
        vp8, opus, vp9, raw = add_flash_and_beep(moments, seconds=8)
        h264 = 5
        output = os.path.join(self.folder, "composite.mp4")
        tracks = os.path.join(self.folder, "tracks")
        feed = RecorderFeed(RECORDER, output, streams=(vp8, opus, vp9, h264), seconds=8, config={"tracks": tracks},
                            windows={h264: (0.3, 99), vp9: (0.5, 99), opus: (1.0, 99)})
        shutil.rmtree(raw)
        feed.pump(8.5)
        self.assertIsNotNone(feed.finish())
        self.assertEqual(feed.worker.returncode, 0, feed.worker.stderr.read().decode(errors="replace")[-3000:])
        sidecars = {}
        for stream in (vp8, opus, vp9, h264):
            with open(os.path.join(tracks, f"stream-{stream}.json")) as sidecar:
                sidecars[stream] = json.load(sidecar)
        self.assertEqual(sorted(os.listdir(tracks)), sorted(
            [f"stream-{s}.json" for s in (vp8, opus, vp9, h264)] +
            [f"stream-{vp8}.mkv", f"stream-{opus}.mkv", f"stream-{vp9}.mkv", f"stream-{h264}.mp4"]))
        expected = {vp8: ("video", "vp8"), opus: ("audio", "opus"), vp9: ("video", "vp9"), h264: ("video", "h264")}
        for stream, sidecar in sidecars.items():
            info = probe(os.path.join(tracks, sidecar["file"]))
            self.assertNotIn("error", info, info)
            self.assertEqual([(s["codec_type"], s["codec_name"]) for s in info["streams"]], [expected[stream]], info)
            self.assertEqual((sidecar["kind"], sidecar["codec"], sidecar["participant"]),
                             (expected[stream][0], expected[stream][1], "p1"))
            # Ended cleanly: the sidecar knows the duration; every track ends with the feed.
            self.assertAlmostEqual(sidecar["duration_ms"] / 1000 + sidecar["start_offset_ms"] / 1000,
                                   float(probe(output)["format"]["duration"]), delta=1.0)
        if os.environ.get("ROOMREC_SANITIZE") == "1":
            # A sanitizer build's worker starts too slowly for real time: the feed's first seconds
            # reach it in a burst and are stamped on arrival, so the moments cannot be measured.
            return
        placed = {}
        for stream in (vp8, vp9):
            found = onsets(os.path.join(tracks, sidecars[stream]["file"]),
                           f"movie={sidecars[stream]['file']},signalstats", "lavfi.signalstats.YAVG", 128)
            placed[stream] = [t + sidecars[stream]["start_offset_ms"] / 1000 for t in found]
        found = onsets(os.path.join(tracks, sidecars[opus]["file"]),
                       f"amovie={sidecars[opus]['file']},asetnsamples=480,astats=metadata=1:reset=1",
                       "lavfi.astats.Overall.RMS_level", -30)
        placed[opus] = [t + sidecars[opus]["start_offset_ms"] / 1000 for t in found]
        # The flashing webcams fill two of the three cells: a flash lifts the frame's mean past 80.
        placed["composite"] = onsets(output, "movie=composite.mp4,signalstats", "lavfi.signalstats.YAVG", 80)
        report = {name: [round(t, 3) for t in times] for name, times in placed.items()}
        print(f"\ntracks placed on the composite's timeline (s): {report}")
        for name, times in placed.items():
            self.assertEqual(len(times), 3, report)
        composite = placed.pop("composite")
        for moment in range(3):
            at = [times[moment] for times in placed.values()]
            self.assertLessEqual(max(at) - min(at), 0.040, report)
            # The composite shows a frame in the output slot (1/30 s) that contains it: its flash
            # is up to one slot earlier than the moment itself.
            for track in at:
                self.assertTrue(-0.040 <= track - composite[moment] <= 1 / 30 + 0.040, report)

    def test_kill_9_leaves_readable_tracks_and_their_sidecars(self):
        """A worker killed mid-way: each track is readable up to its last cluster or fragment, and
        its sidecar (written when the track started) still places it; the duration is unknown."""
        output = os.path.join(self.folder, "killed.mp4")
        tracks = os.path.join(self.folder, "tracks")
        feed = RecorderFeed(RECORDER, output, streams=(1, 2, 5), config={"tracks": tracks})
        feed.pump(5)
        feed.kill()
        for stream, extension in ((1, "mkv"), (2, "mkv"), (5, "mp4")):
            with open(os.path.join(tracks, f"stream-{stream}.json")) as sidecar:
                placed = json.load(sidecar)
            self.assertEqual((placed["file"], placed["duration_ms"]), (f"stream-{stream}.{extension}", -1))
            info = probe(os.path.join(tracks, placed["file"]))
            self.assertNotIn("error", info, info)
            # What ffmpeg reads of it (a killed Matroska has no duration in its header).
            copy = os.path.join(self.folder, f"copy-{stream}.{extension}")
            subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(tracks, placed["file"]), "-c", "copy", copy],
                           check=True)
            self.assertGreaterEqual(float(probe(copy)["format"]["duration"]), 2.5, placed)

    def test_bad_config_is_reported_and_the_worker_exits(self):
        feed = RecorderFeed(RECORDER, "", streams=())
        error = feed.event("error", timeout=5)
        self.assertIsNotNone(error)
        self.assertIn("output", error["message"])
        feed.worker.wait(timeout=5)
        self.assertEqual(feed.worker.returncode, 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
