#!/usr/bin/env python3
"""System relay benchmark: the real Janus with roomrec, one aiortc publisher (VP8 video),
N aiortc subscribers that receive without decoding. Prints forwarded packets/s and the Janus
process's CPU per 1,000 forwarded packets (SRTP, ICE and the plugin together).

Run inside a network namespace (as root):
    tests/integration/netns_run.sh /usr/bin/python3 bench/relay_janus.py [N ...] [--seconds S]
with ROOMREC_PLUGIN=build/libjanus_roomrec.so.
"""
import argparse
import asyncio
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))

import aiortc.rtcrtpreceiver as receiver_module  # noqa: E402


def drain_decoder(loop, input_q, output_q):
    """Stands in for aiortc's decoder thread: receive everything, decode nothing."""
    while input_q.get() is not None:
        pass


receiver_module.decoder_worker = drain_decoder

import numpy  # noqa: E402
from av import VideoFrame  # noqa: E402

import harness  # noqa: E402
from peers import Publisher, Subscriber, in_thread  # noqa: E402
from aiortc.mediastreams import VideoStreamTrack  # noqa: E402


class NoiseTrack(VideoStreamTrack):
    """640x480 noise: the encoder spends all the bitrate the plugin's REMB allows."""

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(numpy.random.randint(0, 256, (480, 640, 3), numpy.uint8), format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        return frame

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def forwarded_packets(janus, handles):
    total = 0
    for handle in handles:
        info = janus.admin({"janus": "handle_info", "session_id": handle.session.id, "handle_id": handle.id})
        total += sum(s["packets_out"] for s in info["info"]["plugin_specific"].get("subscribed", []))
    return total


async def measure(janus, subscribers_wanted, seconds):
    session = harness.Session(janus)
    admin = session.attach()
    room = f"bench{subscribers_wanted}"
    harness.create_room(admin, room, max_participants=1000)
    host = session.attach()
    host_data = host.send({"request": "join", "room": room, "token": harness.token(room, "host", "host")})
    publisher = Publisher(host)
    publisher.pc.addTrack(NoiseTrack())
    data, jsep = await publisher.publish(audio=False, webcam=False, stage=False)
    await publisher.complete(jsep)

    viewer = session.attach()
    viewer_data = viewer.send({"request": "join", "room": room, "token": harness.token(room, "viewer", "viewer")})
    subscribers, handles = [], []
    for _ in range(subscribers_wanted):
        handle = session.attach()
        data, offer = await in_thread(handle.request, {"request": "join", "ptype": "subscriber", "room": room,
                                                       "private_id": viewer_data["private_id"],
                                                       "streams": [{"feed": host_data["id"]}]})
        subscriber = Subscriber(handle)
        await subscriber.answer(offer)
        subscribers.append(subscriber)
        handles.append(handle)
    await asyncio.sleep(5)  # ICE/DTLS settle, bitrate ramps up

    pid = janus.process.pid
    cpu_before, fwd_before, t_before = process_cpu_seconds(pid), await in_thread(forwarded_packets, janus, handles), time.time()
    await asyncio.sleep(seconds)
    cpu_after, fwd_after, t_after = process_cpu_seconds(pid), await in_thread(forwarded_packets, janus, handles), time.time()

    forwarded = fwd_after - fwd_before
    elapsed = t_after - t_before
    cpu = cpu_after - cpu_before
    print(f"{subscribers_wanted:<12d} {forwarded / elapsed:16.0f} {cpu / elapsed * 100:14.1f} "
          f"{(cpu * 1e6 / (forwarded / 1000.0)) if forwarded else float('nan'):22.1f}", flush=True)
    for subscriber in subscribers:
        await subscriber.close()
    await publisher.close()
    session.destroy()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("subscribers", nargs="*", type=int, default=[1, 10, 50])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    janus = harness.Janus(extra_env={})
    try:
        print(f"{'subscribers':<12} {'forwarded/s':>16} {'janus_cpu_%':>14} {'cpu_us_per_1000_fwd':>22}")
        for count in args.subscribers:
            asyncio.run(measure(janus, count, args.seconds))
    finally:
        janus.stop()


if __name__ == "__main__":
    main()
