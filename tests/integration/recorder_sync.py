"""A flash + beep publisher for the recorder worker, for as long as a test wants, and the
measurements that read sync back out of the worker's MP4.

The publisher is one participant's webcam: VP8 video, black with a white flash for the first
100 ms of every second, and Opus audio, silent with a 1 kHz beep for the same 100 ms. A 10 s
clip is encoded once and then looped with its RTP timestamps and sequence numbers carried on
(so a loop is indistinguishable from a longer recording, and the stream can start anywhere,
e.g. just before the 32-bit wrap), paced in real time, with an RTCP sender report (and the
shared CNAME) per stream every second as a browser sends them, so rtpbin's lip-sync runs as it
does behind Janus."""
import re
import struct
import subprocess
import time

import numpy

from recorder_feed import ADD_STREAM, REMOVE_STREAM, RTCP, RTP, SOURCES, RecorderFeed, encode_rtp, fixture

VIDEO, AUDIO = 20, 21
SOURCES[VIDEO] = ("video", "webcam", "vp8", 96, 90000, None)
SOURCES[AUDIO] = ("audio", "webcam", "opus", 111, 48000, None)
# A second presenter's stage (recorder_feed's stream 3 is the first): solid red.
SECOND_STAGE = 8
SOURCES[SECOND_STAGE] = ("video", "stage", "vp8", 96, 90000,
                         "videotestsrc num-buffers={frames} pattern=solid-color foreground-color=0xffff0000 "
                         "! video/x-raw,format=I420,width=640,height=360,framerate=30/1 "
                         "! vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay pt=96 mtu=1200")

CLIP_SECONDS = 10
FLASH_SECONDS = 0.1
NTP_EPOCH = 2208988800


def _encode(raw, caps_and_encoder):
    """RTP packets [(relative RTP timestamp, packet)] from raw media piped through gst-launch."""
    return encode_rtp(f"fdsrc fd=0 blocksize=3840 ! {caps_and_encoder}", raw)


_CLIPS = {}


def clip(seconds=CLIP_SECONDS, size=(320, 180)):
    """{stream: [(relative RTP timestamp, packet)]} of one loop, encoded once per process. The
    flashes are drawn at 320x180 and scaled to `size` by the encoding pipeline."""
    key = (seconds, size)
    if key not in _CLIPS:
        frames = numpy.full((seconds * 30, 180 * 320 * 3 // 2), 128, numpy.uint8)
        frames[:, :180 * 320] = 16
        flash = [n for n in range(seconds * 30) if n % 30 < FLASH_SECONDS * 30]
        frames[flash, :180 * 320] = 235
        clips = {VIDEO: _encode(frames.tobytes(), "rawvideoparse width=320 height=180 format=i420 framerate=30/1 "
                                f"! videoscale ! video/x-raw,width={size[0]},height={size[1]} "
                                "! vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay pt=96 mtu=1200")}
        # Opus's first packet is short (the encoder's lookahead): the loop is cut from a longer
        # encoding at a packet boundary, 648 samples in, so it repeats without a seam.
        skip = 648
        t = (numpy.arange((seconds + 1) * 48000) - skip) / 48000
        tone = numpy.where((t % 1.0) < FLASH_SECONDS, 0.5 * numpy.sin(2 * numpy.pi * 1000 * t), 0.0)
        pcm = (numpy.repeat(tone, 2) * 32767).astype("<i2")
        audio = _encode(pcm.tobytes(), "rawaudioparse format=pcm pcm-format=s16le sample-rate=48000 "
                        "num-channels=2 ! opusenc frame-size=20 bitrate-type=cbr ! rtpopuspay pt=111")
        clips[AUDIO] = []
        for ts, packet in ((ts - skip, p) for ts, p in audio if skip <= ts < skip + seconds * 48000):
            # gst-launch's opusenc pipeline loses the odd packet (here, ~6.8 s in): its neighbour
            # stands in, or every loop would carry a real loss.
            while clips[AUDIO] and ts - clips[AUDIO][-1][0] > 960:
                clips[AUDIO].append((clips[AUDIO][-1][0] + 960, clips[AUDIO][-1][1]))
            clips[AUDIO].append((ts, packet))
        # The encoder's flush packet would overlap the next loop.
        clips[VIDEO] = [(ts, packet) for ts, packet in clips[VIDEO] if ts < seconds * 90000]
        for stream in (VIDEO, AUDIO):
            # Every frame there: a lost one would be a gap in every loop.
            step = SOURCES[stream][4] // (30 if stream == VIDEO else 50)
            gaps = {b[0] - a[0] for a, b in zip(clips[stream], clips[stream][1:])} - {0, step - 1, step, step + 1}
            assert not gaps, (stream, gaps)
        _CLIPS[key] = clips
    return _CLIPS[key]


def sender_report(ssrc, ntp_seconds, rtp_timestamp, packets, octets, cname=b"p1@roomrec"):
    """An RTCP compound packet: SR (no report blocks) + SDES CNAME."""
    seconds = int(ntp_seconds)
    fraction = int((ntp_seconds - seconds) * (1 << 32)) & 0xFFFFFFFF
    sr = struct.pack("!BBHIIIIII", 0x80, 200, 6, ssrc, seconds & 0xFFFFFFFF, fraction, rtp_timestamp & 0xFFFFFFFF,
                     packets & 0xFFFFFFFF, octets & 0xFFFFFFFF)
    item = struct.pack("!BB", 1, len(cname)) + cname + b"\x00"
    item += b"\x00" * (-len(item) % 4)
    sdes = struct.pack("!BBHI", 0x81, 202, len(item) // 4 + 1, ssrc) + item
    return sr + sdes


class SyncFeed(RecorderFeed):
    """The flash + beep publisher into a worker, looping a clip of `clip_seconds`.

    start: {VIDEO/AUDIO: (first RTP timestamp, first sequence number)} places a stream anywhere
    in its 32/16-bit number spaces. video_sizes: the loops cycle through these frame sizes, each
    loop starting with a keyframe (what a browser sends when it changes resolution). stages:
    {recorder_feed stream: (from_s, until_s)}, other publishers' streams that come and go."""

    def __init__(self, recorder_binary, output, config=None, start=None, clip_seconds=CLIP_SECONDS,
                 video_sizes=((320, 180),), stages=None):
        # Everything encoded before the worker starts: its clock runs from then on.
        for size in video_sizes:
            clip(clip_seconds, size)
        stages = stages or {}
        self.stage_packets = sorted((begin + when, stream, packet) for stream, (begin, end) in stages.items()
                                    for when, packet in fixture(stream, end - begin))
        super().__init__(recorder_binary, output, streams=(), config=config)
        self.output = output
        self.clip_seconds = clip_seconds
        self.video_sizes = video_sizes
        self.timeline = self._publisher()
        self.upcoming = next(self.timeline)
        self.sequence, self.rtp_origin, self.ssrc = {}, {}, {}
        self.number(start or {}, 0x10000)
        self.ids = {VIDEO: VIDEO, AUDIO: AUDIO}
        self.published = True
        self.dropping_until = 0.0
        self.sent = {stream: [0, 0] for stream in (VIDEO, AUDIO)}  # packets, octets since (re)publishing
        self.next_report = 0.0
        self.controls = sorted([(begin, ADD_STREAM, stream) for stream, (begin, _) in stages.items()] +
                               [(end, REMOVE_STREAM, stream) for stream, (_, end) in stages.items()])
        for stream in (VIDEO, AUDIO):
            self.add_stream(stream)
        self.started = time.monotonic()
        self.started_wall = time.time()

    def _publisher(self):
        """Endless (media seconds, stream, packet as encoded) of the publisher."""
        loop = 0
        while True:
            size = self.video_sizes[loop % len(self.video_sizes)]
            for when, stream, packet in sorted((ts / SOURCES[stream][4], stream, packet)
                                               for stream, packets in clip(self.clip_seconds, size).items()
                                               for ts, packet in packets):
                yield loop * self.clip_seconds + when, stream, packet
            loop += 1

    def number(self, start, ssrc_base):
        """Numbers the publisher's packets from here on: start {stream: (RTP timestamp, sequence
        number)} at the current media time, SSRCs from ssrc_base."""
        now = self.upcoming[0]
        for stream in (VIDEO, AUDIO):
            timestamp, self.sequence[stream] = start.get(stream, (0, 0))
            self.rtp_origin[stream] = timestamp - round(now * SOURCES[stream][4])  # RTP time of media 0
            self.ssrc[stream] = ssrc_base + stream

    def renumbered(self, media, stream, packet):
        timestamp = (self.rtp_origin[stream] + round(media * SOURCES[stream][4])) & 0xFFFFFFFF
        header = struct.pack("!HII", self.sequence[stream], timestamp, self.ssrc[stream])
        self.sequence[stream] = (self.sequence[stream] + 1) & 0xFFFF
        return packet[:2] + header + packet[12:]

    def media_now(self):
        return time.monotonic() - self.started

    def drop(self, seconds):
        """The publisher's packets of the next `seconds` of media are lost (a network drop)."""
        self.dropping_until = self.upcoming[0] + seconds

    def unpublish(self):
        self.published = False
        for stream in (VIDEO, AUDIO):
            self.send(REMOVE_STREAM, self.ids[stream], b"{}")

    def republish(self, new_ids, start):
        """Publishes again under new stream ids (as the plugin numbers a new publication), with new
        SSRCs and RTP bases; call it at a loop boundary, where the video starts with a keyframe."""
        self.number(start, self.ssrc[VIDEO] - VIDEO + 0x100)
        self.ids = dict(zip((VIDEO, AUDIO), new_ids))
        for stream in (VIDEO, AUDIO):
            SOURCES[self.ids[stream]] = SOURCES[stream]
            self.add_stream(self.ids[stream])
        self.sent = {stream: [0, 0] for stream in (VIDEO, AUDIO)}
        self.published = True

    def report(self, media_seconds):
        for stream in (VIDEO, AUDIO):
            rtp = self.rtp_origin[stream] + round(media_seconds * SOURCES[stream][4])
            ntp = NTP_EPOCH + self.started_wall + media_seconds
            self.send(RTCP, self.ids[stream], sender_report(self.ssrc[stream], ntp, rtp, *self.sent[stream]))

    def pump(self, seconds):
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            now = self.media_now()
            while self.controls and self.controls[0][0] <= now:
                _, kind, stream = self.controls.pop(0)
                if kind == ADD_STREAM:
                    self.add_stream(stream)
                else:
                    self.send(REMOVE_STREAM, stream, b"{}")
            if self.next_report <= now:
                if self.published:
                    self.report(self.next_report)
                self.next_report += 1.0
            if self.stage_packets and self.stage_packets[0][0] <= now:
                _, stream, packet = self.stage_packets.pop(0)
                self.send(RTP, stream, packet)
                continue
            when, stream, packet = self.upcoming
            if when <= now:
                packet = self.renumbered(when, stream, packet)  # a lost packet is numbered too
                if self.published and not when < self.dropping_until:
                    self.send(RTP, self.ids[stream], packet)
                    self.sent[stream][0] += 1
                    self.sent[stream][1] += len(packet) - 12
                self.upcoming = next(self.timeline)
                continue
            following = min([when, self.next_report] + [p[0] for p in self.stage_packets[:1]] +
                            [c[0] for c in self.controls[:1]])
            self._read_events(max(0, min(following - now, until - time.monotonic())))

    def rss_mib(self):
        """The worker's resident size now (VmRSS), MiB."""
        with open(f"/proc/{self.worker.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return None


def _decoded(path, start, seconds, *arguments):
    return subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{start:.3f}", "-t", f"{seconds:.3f}", "-i", path,
                           *arguments, "-"], capture_output=True, check=True).stdout


def flashes(path, start, seconds, crop=None):
    """File times (s) at which the picture (or its `crop`, "w:h:x:y") turns bright, from the
    frames in [start, start+seconds): each frame's own presentation time (a window that starts
    between two frames would otherwise put every flash up to a frame early or late)."""
    area = f"crop={crop}," if crop else ""
    decoded = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "info", "-copyts", "-start_at_zero",
                              "-ss", f"{start:.3f}", "-t", f"{seconds:.3f}", "-i", path, "-an", "-vf",
                              f"{area}scale=32:18,format=gray,showinfo", "-fps_mode", "passthrough",
                              "-f", "rawvideo", "-"], capture_output=True, check=True)
    times = [float(t) for t in re.findall(rb"pts_time:(-?[0-9.]+)", decoded.stderr)]
    luma = numpy.frombuffer(decoded.stdout, numpy.uint8).reshape(-1, 32 * 18).mean(axis=1)
    assert len(times) == len(luma), (len(times), len(luma))
    bright = luma > 128
    return [times[n] for n in range(1, len(bright)) if bright[n] and not bright[n - 1]]


def beeps(path, start, seconds):
    """File times (s) at which the sound starts, from the audio in [start, start+seconds), 1 ms
    resolution."""
    raw = _decoded(path, start, seconds, "-vn", "-ac", "1", "-ar", "48000", "-f", "s16le")
    samples = numpy.abs(numpy.frombuffer(raw, "<i2").astype(numpy.int32))
    envelope = samples[:len(samples) // 48 * 48].reshape(-1, 48).max(axis=1)
    loud = envelope > 4000
    onsets, quiet_since = [], -1000
    for n, value in enumerate(loud):
        if value and n - quiet_since >= 200:
            onsets.append(start + n / 1000)
        if value:
            quiet_since = n
    return onsets


def sync_window(path, start, seconds, crop=None):
    """Flash and beep onsets in a window and, per flash, the offset to its beep (audio minus
    video, s); a flash without a beep within 0.5 s counts as off by 1 s."""
    video, audio = flashes(path, start, seconds, crop=crop), beeps(path, start, seconds)
    offsets = []
    for flash in video:
        nearest = min(audio, key=lambda beep: abs(beep - flash), default=None)
        offsets.append(nearest - flash if nearest is not None and abs(nearest - flash) < 0.5 else 1.0)
    return video, audio, offsets


def mean_grey(path, at_seconds, crop):
    """Mean brightness (0-255) of a region ("w:h:x:y") of the frame shown at a time."""
    raw = _decoded(path, at_seconds, 0.04, "-frames:v", "1", "-an", "-vf", f"crop={crop},format=gray",
                   "-f", "rawvideo")
    return float(numpy.frombuffer(raw, numpy.uint8).mean())


def region_rgb(path, at_seconds, crop):
    """The mean (R, G, B) of a region ("w:h:x:y") of the frame shown at a time."""
    raw = _decoded(path, at_seconds, 0.04, "-frames:v", "1", "-an", "-vf", f"crop={crop},format=rgb24",
                   "-f", "rawvideo")
    return tuple(round(float(c)) for c in numpy.frombuffer(raw, numpy.uint8).reshape(-1, 3).mean(axis=0))


def decode_errors(path):
    """What ffmpeg reports decoding the whole file (empty when it decodes cleanly to the end)."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "null", "-"], capture_output=True, text=True)
    return out.stderr.strip() + ("" if out.returncode == 0 else f" (exit {out.returncode})")


def duration(path):
    return float(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
                                capture_output=True, text=True, check=True).stdout)
