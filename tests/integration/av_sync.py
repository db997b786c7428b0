"""Flash + beep media for A/V sync tests, and what a recording made of it shows.

The media: every second a white flash of FLASH_FRAMES frames and, at the same instant, a
100 ms 1 kHz beep (lost or inserted audio shows as a beep spacing other than a second), and
each video frame carries its index as BITS black/white bars (a skipped frame shows). Written as
y4m + wav for Chromium's fake capture devices.

Chromium's fake camera plays a y4m a little slower than its frame rate (29.5 of 30 fps on a
loaded machine) while its fake microphone keeps real time, and stamps what it sends as played:
what the browser sends drifts apart by that much, before any recorder. So a flash is compared
with its beep after removing that drift, measured from the frame counter in the file, relative
to the offset the file settles to (see offsets())."""
import struct
import subprocess
import wave

import numpy as np

FPS = 30
RATE = 48000
PERIOD = 1.0  # s between flashes
# Length of the looped files: a whole number of periods and of counter cycles. The counter
# numbers frames across a break in the file only if the break is shorter: a test across a
# recorder restart (~1.5 s lost) writes and reads 4 s files. 2 s by default: with them the file
# settled at -32 to +51 ms (flash minus beep) in 65 runs, and what the browser sent at +5 to
# +38 ms in 45 of them. With 4 s files the file settled at -18 to -66 ms in 3 runs: the fake
# camera's drift since the capture started (offsets() measures from that, the same with either).
SECONDS = 2
FLASH_FRAMES = 3
BEEP = 0.1
BITS = 7      # the frame counter (0..seconds*FPS-1 < 128, up to 4 s files)
WIDTH, HEIGHT = 640, 360
GREY, WHITE, BAR_ON, BAR_OFF = 90, 235, 235, 16


def write_media(y4m_path, wav_path, seconds=SECONDS):
    frames = seconds * FPS
    with open(y4m_path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        chroma = np.full((HEIGHT // 2) * (WIDTH // 2) * 2, 128, np.uint8).tobytes()
        bar = WIDTH // BITS
        for index in range(frames):
            luma = np.full((HEIGHT, WIDTH), WHITE if index % int(PERIOD * FPS) < FLASH_FRAMES else GREY, np.uint8)
            for bit in range(BITS):  # the counter in the top quarter, most significant bit left
                luma[: HEIGHT // 4, bit * bar:(bit + 1) * bar] = BAR_ON if index >> (BITS - 1 - bit) & 1 else BAR_OFF
            out.write(b"FRAME\n" + luma.tobytes() + chroma)
    t = np.arange(seconds * RATE) / RATE
    signal = np.where((t % PERIOD) < BEEP, 0.5 * np.sin(2 * np.pi * 1000 * t), 0.0)
    with wave.open(wav_path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((signal * 32767).astype("<i2").tobytes())


def _video(path):
    """(pts seconds, luma frame at 320x180) for every frame of the file's video track."""
    w, h = 320, 180
    times = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
                            "-of", "csv=p=0", path], capture_output=True, text=True, check=True).stdout.split()
    times = [line.split(",")[0] for line in times]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-vf", f"scale={w}:{h}",
                          "-fps_mode", "passthrough", "-pix_fmt", "gray", "-f", "rawvideo", "-"],
                         capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, h, w)
    return [float(t) for t in times[: len(frames)]], frames[: len(times)]


def _audio(path):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:a:0", "-ac", "1", "-ar", str(RATE),
                          "-f", "s16le", "-"], capture_output=True, check=True).stdout
    start = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=start_time",
                            "-of", "csv=p=0", path], capture_output=True, text=True, check=True).stdout.strip()
    return float(start or 0), np.frombuffer(raw, "<i2").astype(np.float64) / 32768


def _tile(frames):
    """The rows/columns of the composite where the publisher's tile is: not the black background."""
    lit = np.median(frames[len(frames) // 2:], axis=0) > 40
    rows, cols = np.where(lit)
    return rows.min(), rows.max() + 1, cols.min(), cols.max() + 1


def _pictures(path):
    """(times, flashes, counters) of the file's video: each frame's pts (s), the flash onsets,
    and the frame counter read from each frame (None before the picture shows)."""
    times, frames = _video(path)
    top, bottom, left, right = _tile(frames)
    tile = frames[:, top:bottom, left:right].astype(np.float64)
    body = tile[:, (bottom - top) // 2:, :].mean(axis=(1, 2))  # below the counter bars
    flashes = [times[i] for i in range(1, len(body)) if body[i] > 160 >= body[i - 1]]
    bar = (right - left) / BITS
    counters = []
    for frame, level in zip(tile, body):
        if level < 40:  # no picture yet
            counters.append(None)
            continue
        strip = frame[: (bottom - top) // 6]
        bits = [strip[:, int((b + 0.3) * bar):int((b + 0.7) * bar)].mean() > 125 for b in range(BITS)]
        counters.append(sum(bit << (BITS - 1 - i) for i, bit in enumerate(bits)))
    return times, flashes, counters


def analyse(path, seconds=SECONDS):
    """What the recording of `seconds` s media (write_media) shows: flash and beep onsets (s),
    the frame counter read from each video frame, the audio's 5 ms levels."""
    times, flashes, counters = _pictures(path)
    return dict(_beeps(*_audio(path)), times=times, flashes=flashes, counters=counters, cycle=seconds * FPS)


def _beeps(start, pcm):
    """Beep onsets (s) in audio from `start` s, and its 5 ms levels."""
    window = RATE // 200  # 5 ms
    levels = np.sqrt(np.mean(pcm[: len(pcm) // window * window].reshape(-1, window) ** 2, axis=1))
    beeps, above = [], False
    for i, level in enumerate(levels):
        if level > 0.2 and not above:
            beeps.append(start + i * window / RATE)
        above = level > 0.2
    return {"beeps": beeps, "levels": levels, "level_start": start, "level_step": window / RATE}


def analyse_tracks(video_track, video_offset, audio_track, audio_offset, seconds=SECONDS):
    """analyse() of what the browser sent: a recording's isolated camera and microphone tracks,
    each placed at its offset (s) on the composite's timeline (manifest start_offset_ms)."""
    times, flashes, counters = _pictures(video_track)
    start, pcm = _audio(audio_track)
    return dict(_beeps(start + audio_offset, pcm), times=[t + video_offset for t in times],
                flashes=[f + video_offset for f in flashes], counters=counters, cycle=seconds * FPS)


def offset_from_sent(result, sent, settled_after=3.0):
    """How far the recorder moved picture and sound apart (s): the median, over the flashes both
    show from `settled_after` s after the file's first one, of the file's flash minus beep less
    what the sender sent (analyse_tracks) for the same flash. The same flash in both: the
    camera's drift is the same, and each file's own first flash does not matter. None when no
    flash matches."""
    sent_pairs = list(zip(sent["flashes"], raw_offsets(sent)))
    if not result["flashes"] or not sent_pairs:
        return None
    since = result["flashes"][0] + settled_after
    differences = []
    for flash, offset in zip(result["flashes"], raw_offsets(result)):
        sent_flash, sent_offset = min(sent_pairs, key=lambda pair: abs(pair[0] - flash))
        if flash >= since and abs(sent_flash - flash) < PERIOD / 2:
            differences.append(offset - sent_offset)
    return float(np.median(differences)) if differences else None


# A jump of the frame counter this long is a break in the file (a recorder restart joins two
# segments and the file's time does not count what was lost between them), not a sender's skip.
BREAK_FRAMES = 10


def _frame_numbers(result):
    """(time, number) of every frame with a picture: the frame counter unwrapped, so that the
    number counts the camera's frames from the first one pictured, skipped ones too."""
    cycle = result["cycle"]
    seen = [(t, c) for t, c in zip(result["times"], result["counters"]) if c is not None]
    numbered, number = [], 0
    for i, (t, counter) in enumerate(seen):
        if i:
            number += (counter - seen[i - 1][1]) % cycle
        numbered.append((t, number))
    return numbered


def source_fps(result):
    """Frames per second of the publisher's camera as the file shows them (from the counter):
    one rate fitted to every stretch of the file between breaks (BREAK_FRAMES)."""
    numbered = _frame_numbers(result)
    stretches = [[numbered[0]]] if numbered else []
    for before, (t, number) in zip(numbered, numbered[1:]):
        if number - before[1] > BREAK_FRAMES:
            stretches.append([])
        stretches[-1].append((t, number))
    covariance = variance = 0.0
    for stretch in stretches:
        times = np.array([t for t, _ in stretch]) - np.mean([t for t, _ in stretch])
        numbers = np.array([n for _, n in stretch], np.float64) - np.mean([n for _, n in stretch])
        covariance += float(np.sum(times * numbers))
        variance += float(np.sum(times * times))
    return covariance / variance


def raw_offsets(result):
    """Each flash's offset from its nearest beep (s): video minus audio."""
    beeps = result["beeps"]
    return [flash - min(beeps, key=lambda b: abs(b - flash)) for flash in result["flashes"]] if beeps else []


def offsets(result, settled_after=3.0, settled_until=None):
    """Each flash's offset from its beep (s) with the sender's own drift taken out: the camera's
    flash period is PERIOD * FPS / source_fps, so what the browser sent drifts by that much per
    flash (flashes numbered by the frame counter, so those a break lost count too); measured
    from the offset the file settles to after `settled_after` s (and before `settled_until` s
    of the file, when given)."""
    raw = raw_offsets(result)
    if not raw:
        return [], 0.0
    drift = PERIOD * FPS / source_fps(result) - PERIOD  # s per flash
    numbered = _frame_numbers(result)
    times = [t for t, _ in numbered]

    def flash_number(flash):
        index = min(int(np.searchsorted(times, flash)), len(times) - 1)
        return round(numbered[index][1] / (PERIOD * FPS))

    first = flash_number(result["flashes"][0])
    detrended = [o - drift * (flash_number(f) - first) for o, f in zip(raw, result["flashes"])]
    start = result["flashes"][0]
    settled = [d for d, f in zip(detrended, result["flashes"])
               if f >= start + settled_after and (settled_until is None or f < settled_until)]
    centre = float(np.median(settled)) if settled else 0.0
    return [d - centre for d in detrended], centre


def _jumps(times, counters, cycle):
    """(time, counter before, counter after) wherever the frame counter jumped by more than one
    frame of the source, from the first frame with a picture on."""
    seen = [(t, c) for t, c in zip(times, counters) if c is not None]
    return [(t, a, b) for (_, a), (t, b) in zip(seen, seen[1:]) if (b - a) % cycle not in (0, 1)]


def picture_jumps(result):
    """The jumps (_jumps) of an analysed picture: analyse()'s or analyse_tracks()'."""
    return _jumps(result["times"], result["counters"], result["cycle"])


def largest_jump(result):
    """(time, frames) of the picture's largest jump of the frame counter (_jumps): where a
    recorder restart joined its two segments, the frames it did not record between them."""
    cycle = result["cycle"]
    jumps = [(t, (b - a) % cycle) for t, a, b in picture_jumps(result)]
    return max(jumps, key=lambda jump: jump[1]) if jumps else None


def skipped_frames(result, until, since=None):
    """The jumps of the picture (_jumps) in its first `until` s, or in the `until` s after the
    file's time `since` (not counting a jump at `since` itself)."""
    jumps = picture_jumps(result)
    if since is None:
        pictured = [t for t, c in zip(result["times"], result["counters"]) if c is not None]
        first = pictured[0] if pictured else 0
        return [jump for jump in jumps if jump[0] < first + until]
    return [jump for jump in jumps if since < jump[0] < since + until]


def sent_jumps(video_track, offset, seconds=SECONDS):
    """Where the sender itself skipped a frame: the jumps (_jumps) of an isolated video track
    (what the browser sent, untranscoded) placed at `offset` s on the composite's timeline."""
    times, _, counters = _pictures(video_track)
    return _jumps([t + offset for t in times], counters, seconds * FPS)


def skips_of_the_recorder(skips, sent):
    """The composite's skipped frames (skipped_frames()) that the sender did send: those without
    the same jump in what it sent within half a second."""
    return [(t, a, b) for t, a, b in skips if not any((a, b) == (sa, sb) and abs(t - st) < 0.5 for st, sa, sb in sent)]


def beep_spacing(result):
    """Seconds between consecutive beeps: PERIOD, give or take the silence the recorder took out
    or added to follow a move of the audio's timestamps (recorder/core/audio_timeline), unless
    audio was lost or inserted."""
    return [round(b - a, 4) for a, b in zip(result["beeps"], result["beeps"][1:])]


# The largest move of a stream's timestamps the timeline follows in a silence: the jitter
# buffer's, while it learns a browser's clock in the first two seconds, is as large as the first
# packet was late (5-25 ms, recorder/README.md). Whole milliseconds: a spacing of 0.98 s is a
# 20 ms move, though |0.98 - 1.0| is a hair over 0.02 in floating point.
MOVE_MS = 25


def audio_lost_or_inserted(spacing):
    """The spacings (s) that no move of the timeline explains: further from PERIOD than
    MOVE_MS, in whole milliseconds."""
    return [s for s in spacing if abs(round((s - PERIOD) * 1000)) > MOVE_MS]


END_TAIL = 0.05  # s


def beep_lengths(result):
    """(onset, seconds) of each beep in the file, its length in 5 ms steps: BEEP unless some of
    it was cut (one the stop cuts, within END_TAIL of the sound's end, is left out: the encoder's
    last frame may trail off after it)."""
    levels, step, start = result["levels"], result["level_step"], result["level_start"]
    lengths = []
    for onset in result["beeps"]:
        first = round((onset - start) / step)
        count = 0
        while first + count < len(levels) and levels[first + count] > 0.2:
            count += 1
        if first + count < len(levels) - END_TAIL / step:
            lengths.append((onset, round(count * step, 4)))
    return lengths
