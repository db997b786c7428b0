"""Feeds the roomrec-recorder worker the way the plugin does (wire messages over a
SOCK_SEQPACKET socketpair). RTP comes from fixtures that gst-launch encodes ahead of time
(non-live, RFC 4571 framed), replayed at their real pace, so encoders do not compete with the
worker for CPU while it is measured."""
import json
import math
import os
import select
import socket
import struct
import subprocess
import tempfile
import time

RTP, RTCP, CONFIG, ADD_STREAM, REMOVE_STREAM, STOP, EVENT = 4, 5, 1, 2, 3, 6, 16

SOURCES = {
    # id: (kind, source, codec, payload type, clock rate, gst-launch source + encoder for `seconds`)
    1: ("video", "webcam", "vp8", 96, 90000,
        "videotestsrc num-buffers={frames} pattern=ball ! video/x-raw,width=320,height=180,framerate=30/1 "
        "! vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay pt=96 mtu=1200"),
    2: ("audio", "webcam", "opus", 111, 48000,
        "audiotestsrc num-buffers={blocks} samplesperbuffer=960 wave=sine freq=440 ! audio/x-raw,rate=48000,channels=2 "
        "! opusenc ! rtpopuspay pt=111"),
    3: ("video", "stage", "vp8", 96, 90000,
        "videotestsrc num-buffers={frames} pattern=smpte ! video/x-raw,width=960,height=540,framerate=30/1 "
        "! vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay pt=96 mtu=1200"),
    # H.264 and VP9 webcams (bright colour bars); the H.264 one repeats SPS/PPS before each
    # IDR, as browsers do.
    5: ("video", "webcam", "h264", 102, 90000,
        "videotestsrc num-buffers={frames} pattern=smpte ! video/x-raw,width=320,height=180,framerate=30/1 "
        "! x264enc speed-preset=ultrafast tune=zerolatency key-int-max=30 ! video/x-h264,profile=constrained-baseline "
        "! rtph264pay pt=102 mtu=1200 config-interval=-1"),
    6: ("video", "webcam", "vp9", 98, 90000,
        "videotestsrc num-buffers={frames} pattern=smpte ! video/x-raw,format=I420,width=320,height=180,framerate=30/1 "
        "! vp9enc deadline=1 keyframe-max-dist=30 ! rtpvp9pay pt=98 mtu=1200"),
    # A 1080p screen-share stage of one pure colour, encoded as a browser does (BT.601 I420).
    7: ("video", "stage", "vp8", 96, 90000,
        "videotestsrc num-buffers={frames} pattern=solid-color foreground-color=0xff00ff00 "
        "! video/x-raw,format=I420,width=1920,height=1080,framerate=30/1,colorimetry=bt601 "
        "! vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay pt=96 mtu=1200"),
}


# Colour-bar stages, 1920x1080 (a stage alone fills the frame: no scaling), ffmpeg's SMPTE bars
# encoded as a sender would: the id, the codec and what the bitstream says of its colour.
BAR_STAGES = {
    30: ("vp8", "VP8 (BT.601 by definition)"),
    31: ("h264", "H.264 without colour description"),
    32: ("h264", "H.264 stating BT.709"),
    33: ("vp9", "VP9 stating BT.601"),
}
_BARS_VF = {
    30: "setparams=colorspace=unknown:color_primaries=unknown:color_trc=unknown",
    31: "setparams=colorspace=unknown:color_primaries=unknown:color_trc=unknown",
    32: "scale=out_color_matrix=bt709:out_range=tv,setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709",
    33: "setparams=colorspace=bt470bg:color_primaries=smpte170m:color_trc=smpte170m",
}
_BARS_CODEC = {
    "vp8": "-c:v libvpx -deadline realtime -cpu-used 8 -b:v 2500k",
    "h264": "-c:v libx264 -preset ultrafast -tune zerolatency -profile:v baseline -b:v 2500k",
    "vp9": "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 2500k",
}
_BARS_PAY = {"vp8": "rtpvp8pay pt=96", "h264": "h264parse ! rtph264pay pt=102 config-interval=-1",
             "vp9": "rtpvp9pay pt=98"}


def add_bar_stage(stream, folder, seconds):
    """Registers colour-bar stage `stream` (a BAR_STAGES id), encoded by ffmpeg into folder."""
    codec = BAR_STAGES[stream][0]
    path = os.path.join(folder, f"bars{stream}.mkv")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "smptebars=size=1920x1080:rate=30", "-t",
                    str(seconds + 2), "-vf", _BARS_VF[stream], "-pix_fmt", "yuv420p", "-g", "60"]
                   + _BARS_CODEC[codec].split() + [path], check=True)
    pt = {"vp8": 96, "h264": 102, "vp9": 98}[codec]
    SOURCES[stream] = ("video", "stage", codec, pt, 90000,
                       f"filesrc location={path} ! matroskademux ! {_BARS_PAY[codec]} mtu=1200")


def bar_colours(path, at_seconds=None, blocks_at=None):
    """[(x, (R, G, B))] of the uniform 16x16 blocks of a 1920x1080 frame's row at a third of its
    height (the colour bars), from a file at a time, or, without a path, of ffmpeg's SMPTE bars
    themselves (the reference); with blocks_at, of the blocks at those x, uniform or not."""
    source = (["-ss", str(at_seconds), "-i", path] if path else
              ["-f", "lavfi", "-i", "smptebars=size=1920x1080:rate=30"])
    out = subprocess.run(["ffmpeg", "-v", "error"] + source + ["-frames:v", "1", "-vf", "crop=1920:16:0:352,format=rgb24",
                          "-f", "rawvideo", "-"], capture_output=True, check=True).stdout
    blocks = []
    for x in blocks_at or range(8, 1920 - 16, 24):
        pixels = [out[(row * 1920 + column) * 3:(row * 1920 + column) * 3 + 3]
                  for row in range(16) for column in range(x, x + 16)]
        channels = list(zip(*pixels))
        if blocks_at or max(max(c) - min(c) for c in channels) <= 2:  # inside a bar, not on an edge
            blocks.append((x, tuple(round(sum(c) / len(c)) for c in channels)))
    return blocks
def add_flash_and_beep(moments, seconds, first_id=20):
    """Registers a webcam that flashes white (VP8, id first_id; VP9, first_id + 2) and its
    microphone that beeps 1 kHz (Opus, first_id + 1) at the same media moments (s); returns
    the three ids and the folder of the raw media (the caller removes it). It is made here and encoded by gst-launch like the others."""
    folder = tempfile.mkdtemp(prefix="roomrec-flash-")
    width, height, rate = 320, 180, 48000
    dark, white = bytes([40]) * (width * height) + bytes([128]) * (width * height // 2), \
        bytes([235]) * (width * height) + bytes([128]) * (width * height // 2)
    with open(os.path.join(folder, "video.i420"), "wb") as video:
        for frame in range(int(seconds * 30)):
            video.write(white if any(0 <= frame / 30 - m < 0.1 for m in moments) else dark)
    beep = [int(12000 * math.sin(2 * math.pi * 1000 * n / rate)) for n in range(int(rate * 0.1))]
    samples = bytearray(int(seconds * rate) * 4)
    for moment in moments:
        for n, value in enumerate(beep):
            struct.pack_into("<hh", samples, (int(moment * rate) + n) * 4, value, value)
    with open(os.path.join(folder, "audio.s16"), "wb") as audio:
        audio.write(samples)
    raw_video = (f"filesrc location={folder}/video.i420 ! rawvideoparse format=i420 width={width} height={height} "
                 "framerate=30/1 ! videoconvert")
    SOURCES[first_id] = ("video", "webcam", "vp8", 96, 90000,
                         raw_video + " ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 mtu=1200")
    SOURCES[first_id + 1] = ("audio", "webcam", "opus", 111, 48000,
                             f"filesrc location={folder}/audio.s16 ! rawaudioparse format=pcm pcm-format=s16le "
                             "sample-rate=48000 num-channels=2 ! audiobuffersplit output-buffer-duration=1/50 "
                             "! opusenc ! rtpopuspay pt=111")
    SOURCES[first_id + 2] = ("video", "webcam", "vp9", 98, 90000,
                             raw_video + " ! vp9enc deadline=1 keyframe-max-dist=30 ! rtpvp9pay pt=98 mtu=1200")
    return first_id, first_id + 1, first_id + 2, folder


def add_webcams(count, first_id=10):
    """Registers `count` more 320x180 VP8 webcams (ids first_id...) for load tests; returns ids."""
    ids = []
    for n in range(count):
        SOURCES[first_id + n] = ("video", "webcam", "vp8", 96, 90000,
                                 f"videotestsrc num-buffers={{frames}} pattern={n % 20} "
                                 "! video/x-raw,width=320,height=180,framerate=30/1 "
                                 "! vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay pt=96 mtu=1200")
        ids.append(first_id + n)
    return ids


_FIXTURES = {}


def encode_rtp(pipeline, raw=None):
    """[(RTP timestamp relative to the first packet, packet)] that a gst-launch pipeline ending
    in a payloader makes (fed `raw` on its stdin, for an fdsrc)."""
    path = tempfile.mktemp(prefix="roomrec-rtp-")
    subprocess.run(["gst-launch-1.0", "-q"] + f"{pipeline} ! rtpstreampay ! filesink location={path}".split(),
                   input=raw, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = open(path, "rb").read()
    os.unlink(path)
    packets, offset, first = [], 0, None
    while offset + 2 <= len(data):  # RFC 4571 framing
        (length,) = struct.unpack("!H", data[offset:offset + 2])
        packet = data[offset + 2:offset + 2 + length]
        offset += 2 + length
        (timestamp,) = struct.unpack("!I", packet[4:8])
        first = timestamp if first is None else first
        packets.append(((timestamp - first) & 0xFFFFFFFF, packet))
    return packets


def fixture(stream, seconds):
    """[(media seconds, packet)] for a stream, encoded once per process."""
    key = (stream, seconds)
    if key not in _FIXTURES:
        pipeline = SOURCES[stream][5].format(frames=int(seconds * 30), blocks=int(seconds * 50))
        packets = [(timestamp / SOURCES[stream][4], packet) for timestamp, packet in encode_rtp(pipeline)]
        _FIXTURES[key] = packets
    return _FIXTURES[key]


def vp8_descriptor_length(payload):
    """Length of the VP8 payload descriptor (RFC 7741) at the start of an RTP payload, and
    whether the payload starts a frame (S=1, partition 0)."""
    descriptor, offset = payload[0], 1
    if descriptor & 0x80:
        extension = payload[offset]
        offset += 1
        if extension & 0x80:
            offset += 2 if payload[offset] & 0x80 else 1
        if extension & 0x40:
            offset += 1
        if extension & 0x30:
            offset += 1
    return offset, bool(descriptor & 0x10) and (descriptor & 0x07) == 0


def vp8_claim_size(payload, width, height):
    """The RTP payload with its keyframe header claiming width x height, or None when it does
    not start a keyframe. The frame data stays what the encoder made."""
    offset, starts_frame = vp8_descriptor_length(payload)
    frame = payload[offset:offset + 10]
    if not starts_frame or len(frame) < 10 or frame[0] & 1 or frame[3:6] != b"\x9d\x01\x2a":
        return None
    payload = bytearray(payload)
    struct.pack_into("<HH", payload, offset + 6, width & 0x3FFF, height & 0x3FFF)
    return bytes(payload)


def rtp_header_length(packet):
    offset = 12 + 4 * (packet[0] & 0x0F)
    if packet[0] & 0x10:
        (words,) = struct.unpack("!H", packet[offset + 2:offset + 4])
        offset += 4 + 4 * words
    return offset


def vp8_resize_keyframes(packets, width, height):
    """The packets with every keyframe header claiming width x height (the frame data stays
    what the encoder made): what a hostile publisher sends to make a decoder allocate."""
    out, rewritten = [], 0
    for when, packet in packets:
        header = rtp_header_length(packet)
        claimed = vp8_claim_size(packet[header:], width, height)
        if claimed is not None:
            packet = packet[:header] + claimed
            rewritten += 1
        out.append((when, packet))
    assert rewritten > 0, "no VP8 keyframe in the fixture"
    return out


def wire(kind, stream, payload):
    return struct.pack("!BH", kind, stream) + payload


class RecorderFeed:
    def __init__(self, recorder_binary, output, streams=(1, 2, 3), config=None, seconds=10, windows=None,
                 rewrite=None):
        """windows: {stream: (from_s, until_s)} for streams that join late and leave early (the
        worker hears AddStream/RemoveStream then, as when a publisher comes and goes).
        rewrite: {stream: function(packets) -> packets} to tamper with a stream's fixture."""
        self.streams = streams
        self.windows = windows or {}
        rewrite = rewrite or {}
        packets = {stream: rewrite.get(stream, lambda p: p)(fixture(stream, seconds)) for stream in streams}
        self.timeline = sorted((when, stream, packet) for stream in streams for when, packet in packets[stream]
                               if self.windows.get(stream, (0, float("inf")))[0] <= when
                               < self.windows.get(stream, (0, float("inf")))[1])
        # (when, message type, stream) control events, sent in time order with the packets.
        self.controls = sorted([(start, ADD_STREAM, stream) for stream, (start, _) in self.windows.items()] +
                               [(end, REMOVE_STREAM, stream) for stream, (_, end) in self.windows.items()])
        self.position = 0
        self.plugin_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.worker = subprocess.Popen([recorder_binary, "--fd", str(worker_end.fileno())], pass_fds=[worker_end.fileno()],
                                       stderr=subprocess.PIPE)
        worker_end.close()
        self.events = []
        settings = {"output": output, "width": 1920, "height": 1080, "fps": 30, "fragment_ms": 1000}
        settings.update(config or {})
        self.send(CONFIG, 0, json.dumps(settings).encode())
        for stream in streams:
            if stream not in self.windows:
                self.add_stream(stream)
        self.started = time.monotonic()

    def add_stream(self, stream):
        kind, source, codec, pt, _, _ = SOURCES[stream]
        self.send(ADD_STREAM, stream, json.dumps({"kind": kind, "source": source, "codec": codec,
                                                  "payload_type": pt, "participant": "p1"}).encode())

    def send(self, kind, stream, payload):
        try:
            self.plugin_end.send(wire(kind, stream, payload))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def pump(self, seconds):
        """Replays the fixtures in real time for a while; returns packets sent per stream."""
        counts = {stream: 0 for stream in self.streams}
        until = time.monotonic() + seconds
        while time.monotonic() < until and self.position < len(self.timeline):
            when, stream, packet = self.timeline[self.position]
            while self.controls and self.controls[0][0] <= time.monotonic() - self.started:
                _, kind, controlled = self.controls.pop(0)
                if kind == ADD_STREAM:
                    self.add_stream(controlled)
                else:
                    self.send(REMOVE_STREAM, controlled, b"{}")
            delay = self.started + when - time.monotonic()
            if delay > 0:
                self._read_events(min(delay, until - time.monotonic()))
                continue
            self.send(RTP, stream, packet)
            counts[stream] += 1
            self.position += 1
        remaining = until - time.monotonic()
        if remaining > 0:
            self._read_events(remaining)
        return counts

    def _read_events(self, timeout):
        readable, _, _ = select.select([self.plugin_end], [], [], max(0, timeout))
        if not readable:
            return
        try:
            message = self.plugin_end.recv(65536, socket.MSG_DONTWAIT)
        except (BlockingIOError, ConnectionResetError):
            return
        if len(message) >= 3 and message[0] == EVENT:
            self.events.append(json.loads(message[3:]))

    def event(self, name, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("event") == name:
                    return event
            if time.monotonic() >= deadline:
                return None
            self._read_events(min(0.1, deadline - time.monotonic()))

    def finish(self, timeout=20):
        self.send(STOP, 0, b"")
        finished = self.event("finished", timeout)
        self.worker.wait(timeout=timeout)
        self.plugin_end.close()
        return finished

    def peak_rss_mib(self):
        """The worker's peak resident size so far (VmHWM), MiB; None once it has exited."""
        try:
            with open(f"/proc/{self.worker.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def kill(self):
        self.worker.kill()
        self.worker.wait()
        self.plugin_end.close()


def probe(path):
    """ffprobe's view of a file: streams and duration."""
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr}
    return json.loads(out.stdout)


def audio_holes(path):
    """(pts, duration) of the file's audio packets that last longer than one AAC frame (1024
    samples at 48 kHz): a hole in the audio's timeline, which a decoder that plays samples back
    to back (ffmpeg, editors) closes, putting everything after it early. Where two segments of a
    restarted recording meet, the sound must go on without one."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                          "packet=pts_time,duration_time", "-of", "csv=p=0", path],
                         capture_output=True, text=True, check=True).stdout
    packets = [line.split(",") for line in out.split()]
    if not packets:
        raise AssertionError(f"{path} has no sound to look for holes in")
    frame = 1024 / 48000
    return [(float(pts), float(duration)) for pts, duration in packets if float(duration) > frame * 1.05]


def mean_luma(path, at_seconds):
    """Mean brightness (0-255) of the frame shown at a time, from a 64x36 grey thumbnail."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-ss", str(at_seconds), "-i", path, "-frames:v", "1",
                          "-vf", "scale=64:36,format=gray", "-f", "rawvideo", "-"], capture_output=True, check=True)
    return sum(out.stdout) / max(1, len(out.stdout))


def centre_rgb(path, at_seconds):
    """The (R, G, B) of the frame's centre at a time, averaged over a 16x16 block."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-ss", str(at_seconds), "-i", path, "-frames:v", "1",
                          "-vf", "crop=16:16:952:532,format=rgb24", "-f", "rawvideo", "-"], capture_output=True,
                         check=True).stdout
    pixels = len(out) // 3
    return tuple(round(sum(out[channel::3]) / max(1, pixels)) for channel in range(3))


def onsets(path, stream_filter, tag, threshold):
    """Times (s) at which a per-frame measure of a file first rises above a threshold."""
    out = subprocess.run(["ffprobe", "-v", "error", "-f", "lavfi", "-i", f"{stream_filter}",
                          "-show_entries", f"frame=pts_time:frame_tags={tag}", "-of", "csv=p=0"],
                         capture_output=True, text=True, check=True, cwd=os.path.dirname(path)).stdout
    times, above = [], False
    for line in out.splitlines():
        fields = line.split(",")
        if len(fields) < 2 or fields[1] in ("", "-inf"):
            value = float("-inf")
        else:
            value = float(fields[1])
        if value > threshold and not above:
            times.append(float(fields[0]))
        above = value > threshold
    return times
