#!/usr/bin/env python3
"""Recorder benchmark (M1-M6): CPU seconds per media second and peak memory of the
roomrec-recorder worker composing a 960x540 VP8 stage + N 320x180 VP8 webcams + Opus into
1080p30 H.264 (x264 preset given) + AAC. Inputs are pre-encoded fixtures replayed in real time.
With --runs N each row is the median CPU of N runs (the machine is shared: single runs vary).

    ROOMREC_RECORDER=build/recorder/roomrec-recorder bench/recorder_cpu.py [--webcams 1 4 9]
        [--preset superfast ultrafast] [--seconds 15] [--runs 3]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "integration"))
from recorder_feed import RecorderFeed, add_webcams, probe  # noqa: E402


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


def run(recorder, streams, preset, seconds):
    """One recording: (CPU seconds per media second, peak RSS MiB, output seconds, video profile)."""
    output = tempfile.mktemp(suffix=".mp4")
    feed = RecorderFeed(recorder, output, streams=streams, config={"x264_preset": preset}, seconds=seconds + 5)
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
    duration = float(info.get("format", {}).get("duration", "nan"))
    video = [s for s in info.get("streams", []) if s.get("codec_type") == "video"]
    return used / elapsed, rss, duration, video[0].get("profile", "?") if video else "none"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--webcams", nargs="*", type=int, default=[1, 4, 9])
    parser.add_argument("--preset", nargs="+", default=["ultrafast"])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    recorder = os.environ.get("ROOMREC_RECORDER", "build/recorder/roomrec-recorder")
    print(f"{'webcams':<8} {'preset':<10} {'cpu_s_per_media_s':>18} {'runs':>20} {'peak_rss_mib':>13} "
          f"{'output_s':>9}  profile")
    for count in args.webcams:
        streams = [3, 2] + add_webcams(count)  # stage, audio, webcams
        for preset in args.preset:
            results = [run(recorder, streams, preset, args.seconds) for _ in range(args.runs)]
            cpu = statistics.median(r[0] for r in results)
            each = " ".join(f"{r[0]:.2f}" for r in results)
            rss = max(r[1] for r in results)
            print(f"{count:<8} {preset:<10} {cpu:18.2f} {each:>20} {rss:13.0f} {results[-1][2]:9.1f}  {results[-1][3]}",
                  flush=True)


if __name__ == "__main__":
    main()
