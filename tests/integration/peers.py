"""Real WebRTC peers for the tests (aiortc): a publisher of synthetic audio, webcam and stage
video, and a subscriber that decodes and counts what it receives per stream."""
import asyncio
import fractions
import threading
import time

import numpy
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from av import AudioFrame, VideoFrame

from recorder_feed import vp8_claim_size

NO_STUN = RTCConfiguration(iceServers=[])  # never look beyond this machine


class PatternTrack(VideoStreamTrack):
    """Small moving gradient, so the encoder produces real (non-trivial) frames."""

    def __init__(self, width=320, height=240, shade=0):
        super().__init__()
        self.width, self.height, self.shade = width, height, shade
        self.count = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        self.count += 1
        frame = numpy.zeros((self.height, self.width, 3), numpy.uint8)
        frame[:, :, 0] = (numpy.arange(self.width) + self.count * 4) % 256
        frame[:, :, 1] = self.shade
        frame[:, :, 2] = (numpy.arange(self.height)[:, None] * 2) % 256
        video = VideoFrame.from_ndarray(frame, format="rgb24")
        video.pts, video.time_base = pts, time_base
        return video


class OversizedVp8Encoder(Vp8Encoder):
    """aiortc's VP8 encoder, except that every keyframe header claims width x height (what a
    hostile publisher sends to make a decoder allocate); counts the keyframes it sent."""

    def __init__(self, width, height):
        super().__init__()
        self.claim = (width, height)
        self.keyframes = 0

    def encode(self, frame, force_keyframe=False):
        payloads, timestamp = super().encode(frame, force_keyframe)
        if payloads:
            claimed = vp8_claim_size(payloads[0], *self.claim)
            if claimed is not None:
                payloads[0] = claimed
                self.keyframes += 1
        return payloads, timestamp


async def in_thread(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


class Publisher:
    """Publishes audio + webcam + stage on one PeerConnection through a joined handle."""

    def __init__(self, handle):
        self.handle = handle
        self.pc = RTCPeerConnection(NO_STUN)

    async def publish(self, audio=True, webcam=True, stage=True, audio_track=None, webcam_track=None,
                      webcam_encoder=None):
        """webcam_encoder: an encoder object the webcam's sender uses instead of its own (the
        plugin must have negotiated its codec)."""
        descriptions = []
        if audio:
            self.pc.addTrack(audio_track or AudioStreamTrack())
        if webcam:
            sender = self.pc.addTrack(webcam_track or PatternTrack(shade=40))
            if webcam_encoder is not None:
                # aiortc creates its encoder on the first frame unless one is set already.
                sender._RTCRtpSender__encoder = webcam_encoder
        if stage:
            self.pc.addTrack(PatternTrack(width=480, height=270, shade=200))
        offer = await self.pc.createOffer()
        await self.pc.setLocalDescription(offer)
        for transceiver in self.pc.getTransceivers():
            if transceiver.kind == "video":
                label = "stage" if stage and transceiver is self.pc.getTransceivers()[-1] else "webcam"
                descriptions.append({"mid": transceiver.mid, "description": label})
        jsep = {"type": "offer", "sdp": self.pc.localDescription.sdp}
        return await in_thread(self.handle.request, {"request": "publish", "descriptions": descriptions}, jsep)

    async def complete(self, jsep):
        """Applies the plugin's answer from the 'publishing' reply."""
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
        await in_thread(self.handle.trickle_done)

    async def close(self):
        await self.pc.close()


class Subscriber:
    """Subscribes through a subscriber handle and counts decoded frames per subscribed mid."""

    def __init__(self, handle):
        self.handle = handle
        self.pc = RTCPeerConnection(NO_STUN)
        self.frames = {}
        self.tasks = []

        @self.pc.on("track")
        def on_track(track):
            mid = next(t.mid for t in self.pc.getTransceivers() if t.receiver.track is track)
            self.frames[mid] = 0
            self.tasks.append(asyncio.ensure_future(self._count(mid, track)))

    async def _count(self, mid, track):
        try:
            while True:
                await track.recv()
                self.frames[mid] += 1
        except MediaStreamError:
            pass

    async def answer(self, jsep):
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
        answer = await self.pc.createAnswer()
        await self.pc.setLocalDescription(answer)
        reply, _ = await in_thread(self.handle.request, {"request": "start"},
                                   {"type": "answer", "sdp": self.pc.localDescription.sdp})
        await in_thread(self.handle.trickle_done)
        return reply

    async def wait_frames(self, minimum, timeout=20):
        """Waits until every mid in minimum (mid -> count) has that many decoded frames."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if all(self.frames.get(mid, 0) >= count for mid, count in minimum.items()):
                return dict(self.frames)
            await asyncio.sleep(0.2)
        return dict(self.frames)

    async def close(self):
        for task in self.tasks:
            task.cancel()
        await self.pc.close()


class FlashTrack(VideoStreamTrack):
    """Black video that turns white for `length` seconds at each wall-clock moment (A/V sync)."""

    def __init__(self, moments, length=0.1, width=320, height=180):
        super().__init__()
        self.moments, self.length = moments, length
        self.black = numpy.zeros((height, width, 3), numpy.uint8)
        self.white = numpy.full((height, width, 3), 255, numpy.uint8)

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        # The frame's own time, as BeepTrack's samples have theirs: a loop that stalls sends the
        # frame late but does not skip or move its flash (its RTP timestamp is this time too).
        frame_time = self._start + float(pts * time_base)
        lit = any(moment <= frame_time < moment + self.length for moment in self.moments)
        video = VideoFrame.from_ndarray(self.white if lit else self.black, format="rgb24")
        video.pts, video.time_base = pts, time_base
        return video


class BeepTrack(AudioStreamTrack):
    """Silence with a 1 kHz beep of `length` seconds at each wall-clock moment (A/V sync)."""

    RATE = 48000

    def __init__(self, moments, length=0.1):
        super().__init__()
        self.moments, self.length = moments, length

    async def recv(self):
        samples = int(0.02 * self.RATE)
        if hasattr(self, "_timestamp"):
            self._timestamp += samples
            await asyncio.sleep(self._start + self._timestamp / self.RATE - time.time())
        else:
            self._start = time.time()
            self._timestamp = 0
        start = self._start + self._timestamp / self.RATE
        times = start + numpy.arange(samples) / self.RATE
        lit = numpy.zeros(samples, bool)
        for moment in self.moments:
            lit |= (times >= moment) & (times < moment + self.length)
        wave = (numpy.sin(2 * numpy.pi * 1000 * times) * 12000 * lit).astype(numpy.int16)
        frame = AudioFrame(format="s16", layout="mono", samples=samples)
        frame.planes[0].update(wave.tobytes())
        frame.pts = self._timestamp
        frame.sample_rate = self.RATE
        frame.time_base = fractions.Fraction(1, self.RATE)
        return frame


# The suites drive their aiortc peers from one event loop on a background thread, so that the
# test code itself stays synchronous.
_media_loop = None


def on_media_loop(coroutine, timeout):
    """Runs a coroutine on the shared media loop (started on first use); returns its result."""
    global _media_loop
    if _media_loop is None:
        _media_loop = asyncio.new_event_loop()
        threading.Thread(target=_media_loop.run_forever, daemon=True).start()
    return asyncio.run_coroutine_threadsafe(coroutine, _media_loop).result(timeout=timeout)


def publish_now(handle, timeout=30, **kinds):
    """Publishes from aiortc (audio + webcam + stage unless told otherwise) and applies the
    plugin's answer; an AssertionError with the reply if the plugin refused."""
    async def run():
        publisher = Publisher(handle)
        data, jsep = await publisher.publish(**kinds)
        if data.get("roomrec") != "publishing":
            await publisher.close()
            raise AssertionError(f"publish refused: {data}")
        await publisher.complete(jsep)
        return publisher
    return on_media_loop(run(), timeout)


def close_now(publisher, timeout=10):
    on_media_loop(publisher.close(), timeout)


class PeerCleanup:
    """unittest mixin: the sessions and publishers a test opens are closed after it, and Janus
    must still be alive."""

    def setUp(self):
        self.sessions = []
        self.publishers = []

    def tearDown(self):
        for publisher in self.publishers:
            close_now(publisher)
        for session in self.sessions:
            session.destroy()
        self.assertTrue(self.janus.alive(), "janus died")
