#!/usr/bin/env python3
"""Recorder benchmark (SPEC M, issue 3): CPU seconds per media second and peak memory of the
roomrec-recorder worker composing a 960x540 VP8 stage + N 320x180 VP8 webcams + Opus into
1080p30 H.264 (x264 preset given) + AAC. Inputs are pre-encoded fixtures replayed in real time.

    ROOMREC_RECORDER=build/recorder/roomrec-recorder bench/recorder_cpu.py [--webcams 1 4 9] [--preset superfast]
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "integration"))
from recorder_feed import RecorderFeed, add_webcams  # noqa: E402


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--webcams", nargs="*", type=int, default=[1, 4, 9])
    parser.add_argument("--preset", default="superfast")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    recorder = os.environ.get("ROOMREC_RECORDER", "build/recorder/roomrec-recorder")
    print(f"{'webcams':<8} {'preset':<10} {'cpu_s_per_media_s':>18} {'peak_rss_mib':>13} {'output_s':>9}")
    for count in args.webcams:
        webcams = add_webcams(count)
        streams = [3, 2] + webcams  # stage, audio, webcams
        output = tempfile.mktemp(suffix=".mp4")
        feed = RecorderFeed(recorder, output, streams=streams, config={"x264_preset": args.preset},
                            seconds=args.seconds + 5)
        feed.pump(3)  # start-up
        before, start = cpu_seconds(feed.worker.pid), time.monotonic()
        feed.pump(args.seconds)
        used, elapsed = cpu_seconds(feed.worker.pid) - before, time.monotonic() - start
        rss = peak_rss_mib(feed.worker.pid)
        feed.finish()
        from recorder_feed import probe
        duration = float(probe(output).get("format", {}).get("duration", "nan"))
        os.unlink(output)
        print(f"{count:<8} {args.preset:<10} {used / elapsed:18.2f} {rss:13.0f} {duration:9.1f}", flush=True)


if __name__ == "__main__":
    main()
