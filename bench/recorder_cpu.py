#!/usr/bin/env python3
"""Recorder benchmark (M1-M6): CPU seconds per media second and peak memory of the
roomrec-recorder worker composing a realistic room into 1080p30 H.264 (x264 preset given) + AAC:
a 1920x1080 VP8 screen-share stage with moving content (2.5 Mbit/s) and N 640x360 VP8 webcams
(800 kbit/s) plus Opus, all encoded as browsers do (BT.601 I420) and replayed in real time.
Beside each row, in the same run, a plain gst-launch composite of the same RTP inputs (decode,
scale, compositor, the same x264 settings, Matroska) and the ratio worker / plain. With --runs N
each figure is the median of N runs (the machine is shared: single runs vary).
Two stages (--stage): "moving" (SMPTE bars scrolling at 30 fps: every frame changes) and
"slides" (a screen share of slides in H.264, a new one every 5 s, the sender repeating the
still picture at 30 fps in between: its decoded frames are identical, as an H.264 encoder's
skipped frames are; libvpx's VP8 keeps refining a still picture, so its frames are not).
With --tracks, the worker also runs with isolated tracks on (every stream remuxed into its own
file), in the same session, and that figure and its cost over the plain worker are added.
With --against OTHER_RECORDER, another build of the worker (e.g. the previous commit's) runs
interleaved with it on the same inputs, and its figure and the ratio this / other are added:
a change's effect measured in one session, as the machine's speed drifts.

    ROOMREC_RECORDER=build/recorder/roomrec-recorder bench/recorder_cpu.py [--webcams 1 4 9]
        [--preset superfast ultrafast] [--stage moving slides] [--seconds 15] [--runs 3] [--tracks]
        [--against path/to/other/roomrec-recorder]
"""
import argparse
import atexit
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "integration"))
from recorder_feed import SOURCES, RecorderFeed, fixture, probe  # noqa: E402

STAGE, SLIDES, AUDIO = 40, 39, 2
SLIDE_SECONDS = 5
# (width, height, bit rate): what a browser sends for a shared screen and for a webcam.
STAGE_VIDEO, WEBCAM_VIDEO = (1920, 1080, 2500000), (640, 360, 800000)
# Moving pictures, no noise (a noise pattern costs an encoder far more than a face does).
WEBCAM_PATTERNS = ["ball", "pinwheel", "spokes", "circular", "smpte75", "gamut"]
ULTRAFAST_HIGH = "cabac=1:deblock=1:8x8dct=1:partitions=i8x8,i4x4"  # the worker's (composite_pipeline.cpp)


def vp8_source(pattern, size):
    width, height, bitrate = size
    return (f"videotestsrc num-buffers={{frames}} pattern={pattern} horizontal-speed=4 "
            f"! video/x-raw,format=I420,width={width},height={height},framerate=30/1,colorimetry=bt601 "
            f"! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=60 target-bitrate={bitrate} ! rtpvp8pay pt=96 mtu=1200")


def slides_source(folder, seconds):
    """A 1080p H.264 screen share of slides (ffmpeg's test card, a new one every SLIDE_SECONDS),
    the still picture repeated at 30 fps, Constrained Baseline at 2.5 Mbit/s as browsers send."""
    path = os.path.join(folder, "slides.mkv")
    width, height, bitrate = STAGE_VIDEO
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc=size={width}x{height}:rate=1/{SLIDE_SECONDS}", "-vf", "fps=30,format=yuv420p", "-t",
                    str(seconds + 10), "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v",
                    "baseline", "-b:v", str(bitrate), "-g", "3000", path], check=True)
    return f"filesrc location={path} ! matroskademux ! h264parse ! rtph264pay pt=102 mtu=1200 config-interval=-1"


def realistic_streams(webcams, stage="moving", seconds=20):
    """Stream ids of a stage, audio and `webcams` webcams, registered in recorder_feed's SOURCES."""
    if stage == "moving":
        SOURCES[STAGE] = ("video", "stage", "vp8", 96, 90000, vp8_source("smpte", STAGE_VIDEO))
    elif SLIDES not in SOURCES:
        folder = tempfile.mkdtemp(prefix="roomrec-slides-")
        atexit.register(shutil.rmtree, folder, True)
        SOURCES[SLIDES] = ("video", "stage", "h264", 102, 90000, slides_source(folder, seconds))
    ids = []
    for n in range(webcams):
        pattern = WEBCAM_PATTERNS[n % len(WEBCAM_PATTERNS)]
        SOURCES[STAGE + 1 + n] = ("video", "webcam", "vp8", 96, 90000, vp8_source(pattern, WEBCAM_VIDEO))
        ids.append(STAGE + 1 + n)
    return [STAGE if stage == "moving" else SLIDES, AUDIO] + ids


def plain_composite(streams, preset, seconds):
    """CPU seconds per media second of a straightforward gst-launch composite of the same RTP:
    stage 1280x720 top left, webcams 320x180 in the columns beside and the row below, Opus to AAC."""
    folder = tempfile.mkdtemp(prefix="roomrec-bench-")
    parts, slot = [], 0
    slots = [(1280 + 320 * (i % 2), 180 * (i // 2)) for i in range(12)] + [(320 * i, 900) for i in range(4)]
    webcams = sum(1 for stream in streams if SOURCES[stream][1] == "webcam" and SOURCES[stream][0] == "video")
    parts.append(f"compositor name=mix background=black sink_0::xpos=0 sink_0::ypos=0 "
                 + " ".join(f"sink_{i + 1}::xpos={x} sink_{i + 1}::ypos={y}" for i, (x, y) in enumerate(slots[:webcams]))
                 + f" ! video/x-raw,width=1920,height=1080,framerate=30/1 ! videoconvert ! video/x-raw,format=I420"
                 f" ! x264enc speed-preset={preset} tune=zerolatency bitrate=4000 key-int-max=60 threads=1"
                 + (f" option-string={ULTRAFAST_HIGH}" if preset == "ultrafast" else "")
                 + " ! video/x-h264,profile=high ! h264parse ! matroskamux name=mux"
                 f" ! filesink location={folder}/plain.mkv")
    for stream in streams:
        path = os.path.join(folder, f"{stream}.rtp")
        with open(path, "wb") as out:
            for _, packet in fixture(stream, seconds):
                out.write(len(packet).to_bytes(2, "big") + packet)
        kind, source, codec, pt, clock, _ = SOURCES[stream]
        rtp = (f"filesrc location={path} ! application/x-rtp-stream ! rtpstreamdepay "
               f"! application/x-rtp,media={kind},encoding-name={codec.upper()},clock-rate={clock},payload={pt} "
               "! rtpjitterbuffer mode=none latency=0")  # timestamps from RTP, as a live source has them
        if kind == "audio":
            parts.append(f"{rtp} ! rtpopusdepay ! opusdec ! audioconvert ! audioresample ! avenc_aac bitrate=128000 "
                         "! mux.")
            continue
        size = "width=1280,height=720" if source == "stage" else "width=320,height=180"
        sink = "mix.sink_0" if source == "stage" else f"mix.sink_{slot + 1}"
        slot += 0 if source == "stage" else 1
        decode = "rtpvp8depay ! vp8dec" if codec == "vp8" else "rtph264depay ! h264parse ! avdec_h264"
        parts.append(f"{rtp} ! {decode} ! videoconvert ! videoscale ! video/x-raw,{size} ! queue ! {sink}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(["gst-launch-1.0", "-q"] + " ".join(parts).split(), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the plain composite failed: {done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    media = float(probe(os.path.join(folder, "plain.mkv")).get("format", {}).get("duration", "nan"))
    subprocess.run(["rm", "-rf", folder], check=False)
    return used / media


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run(recorder, streams, preset, seconds, tracks=False):
    """One recording (with isolated tracks if asked): (CPU seconds per media second, peak RSS MiB,
    output seconds, video profile)."""
    output = tempfile.mktemp(suffix=".mp4")
    config = {"x264_preset": preset}
    if tracks:
        config["tracks"] = tempfile.mkdtemp(prefix="roomrec-bench-tracks-")
    feed = RecorderFeed(recorder, output, streams=streams, config=config, seconds=seconds + 5)
    feed.pump(3)  # start-up
    before, start = cpu_seconds(feed.worker.pid), time.monotonic()
    feed.pump(seconds)
    used, elapsed = cpu_seconds(feed.worker.pid) - before, time.monotonic() - start
    rss = peak_rss_mib(feed.worker.pid)  # the worker's high-water mark so far
    alive = feed.worker.poll() is None
    finished = feed.finish()
    if not alive or finished is None or feed.worker.returncode != 0:
        # A worker that died early used no CPU: say so rather than print a flattering 0.00.
        print(f"worker failed (alive through the run: {alive}, exit {feed.worker.returncode}): "
              f"{feed.worker.stderr.read().decode(errors='replace')[-2000:]}", file=sys.stderr, flush=True)
    info = probe(output)
    if os.path.exists(output):
        os.unlink(output)
    if tracks:
        shutil.rmtree(config["tracks"], ignore_errors=True)
    duration = float(info.get("format", {}).get("duration", "nan"))
    video = [s for s in info.get("streams", []) if s.get("codec_type") == "video"]
    return used / elapsed, rss, duration, video[0].get("profile", "?") if video else "none"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--webcams", nargs="*", type=int, default=[1, 4, 9])
    parser.add_argument("--preset", nargs="+", default=["ultrafast"])
    parser.add_argument("--stage", nargs="+", default=["moving", "slides"], choices=["moving", "slides"])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--tracks", action="store_true", help="also measure the worker with isolated tracks")
    parser.add_argument("--against", help="another roomrec-recorder build to run interleaved with this one")
    args = parser.parse_args()
    recorder = os.environ.get("ROOMREC_RECORDER", "build/recorder/roomrec-recorder")
    print(f"{'stage':<7} {'webcams':<8} {'preset':<10} {'worker_cpu_s':>13} {'plain_cpu_s':>12} {'ratio':>6} "
          f"{'worker_runs':>20} {'peak_rss_mib':>13} {'output_s':>9}  profile" +
          (f" {'tracks_cpu_s':>13} {'tracks_runs':>20} {'cost':>6}" if args.tracks else "") +
          (f" {'other_cpu_s':>12} {'other_runs':>20} {'vs_other':>8}" if args.against else "") +
          "   (CPU seconds per media second)")
    for stage, count in [(stage, count) for stage in args.stage for count in args.webcams]:
        streams = realistic_streams(count, stage, args.seconds)
        for preset in args.preset:
            # Interleaved, so a change in the machine's load hits both alike.
            results, plains, others = [], [], []
            for _ in range(args.runs):
                results.append(run(recorder, streams, preset, args.seconds))
                plains.append(plain_composite(streams, preset, args.seconds))
                if args.against:
                    others.append(run(args.against, streams, preset, args.seconds)[0])
            plain = statistics.median(plains)
            cpu = statistics.median(r[0] for r in results)
            each = " ".join(f"{r[0]:.2f}" for r in results)
            rss = max(r[1] for r in results)
            extra = ""
            if args.tracks:
                with_tracks = [run(recorder, streams, preset, args.seconds, tracks=True)[0] for _ in range(args.runs)]
                tracked = statistics.median(with_tracks)
                extra = f" {tracked:13.2f} {' '.join(f'{r:.2f}' for r in with_tracks):>20} {tracked / cpu:6.2f}"
            if args.against:
                other = statistics.median(others)
                extra += f" {other:12.2f} {' '.join(f'{r:.2f}' for r in others):>20} {cpu / other:8.2f}"
            print(f"{stage:<7} {count:<8} {preset:<10} {cpu:13.2f} {plain:12.2f} {cpu / plain:6.2f} {each:>20} "
                  f"{rss:13.0f} {results[-1][2]:9.1f}  {results[-1][3]:<7}{extra}", flush=True)

if __name__ == "__main__":
    main()
