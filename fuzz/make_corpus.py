#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*) from real inputs:
the request bodies of docs/API.md, tokens as scripts/mint_token.py mints them, the frames and
control payloads the plugin and the worker exchange, spool files in the formats the writers
produce, and S3 answers as radosgw sends them. Reproducers of fixed bugs (crash-*) are kept
beside the seeds by hand and never rewritten here.

    fuzz/make_corpus.py          # rewrites every seed-* file
"""
import hashlib
import json
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from mint_token import mint  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, seeds):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.startswith("seed-"):
            os.remove(os.path.join(folder, name))
    for seed in seeds:
        data = seed if isinstance(seed, bytes) else seed.encode()
        with open(os.path.join(folder, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
            f.write(data)


def requests():
    token = mint("s3cret", "weekly", "alice", "host", expiry=1767225600)
    bodies = [
        {"request": "create", "admin_secret": "change-me-admin", "room": "weekly", "title": "Weekly sync",
         "type": "single", "media_owner": "alice", "host_secret": "h0st", "viewer_secret": "v1ew"},
        {"request": "create", "admin_secret": "a", "room": "town-hall", "title": "Town hall", "type": "channel",
         "channel_owner": "bob", "max_participants": 500, "max_session_duration": 7200},
        {"request": "create", "room": "breakout-1", "type": "gallery", "parent": "weekly", "gallery_owner": "eve"},
        {"request": "destroy", "room": "weekly", "admin_secret": "change-me-admin"},
        {"request": "list"},
        {"request": "exists", "room": "weekly"},
        {"request": "listparticipants", "room": "weekly", "admin_secret": "x"},
        {"request": "join", "room": "weekly", "token": token,
         "user": {"display": "Alice", "email": "alice@example.org", "country": "DE", "client": "desktop"}},
        {"request": "join", "room": "weekly", "role": "viewer", "secret": "v1ew",
         "user": {"id": "u-7", "display": "Zoë 🎧", "company": "ACME", "industry": "Retail",
                  "user_agent": "Mozilla/5.0 (iPhone)", "client": "mobile"}},
        {"request": "join", "ptype": "subscriber", "room": "weekly", "private_id": "9a0e01",
         "streams": [{"feed": "3f9c0a71d2e4b8150c1d9e77a4b2f610"}, {"feed": "ab", "mid": "1"}]},
        {"request": "start"},
        {"request": "publish", "descriptions": [{"mid": "1", "description": "webcam"}, {"mid": "2", "description": "stage"}]},
        {"request": "unpublish"}, {"request": "leave"},
        {"request": "kick", "participant": "3f9c0a71", "room": "weekly"},
        {"request": "close", "room": "weekly"},
        {"request": "stage", "participant": "3f9c0a71", "on_stage": True},
        {"request": "subscribe", "streams": [{"feed": "3f9c0a71", "mid": "0"}]},
        {"request": "unsubscribe", "streams": [{"feed": "3f9c0a71"}]},
        {"request": "start_recording"}, {"request": "stop_recording"},
        {"request": "react", "reaction": "clap"},
        {"request": "hand", "raised": False},
        {"request": "chat", "action": "send", "text": "Hello 👋 everyone", "context": "main"},
        {"request": "chat", "action": "send", "text": "agreed", "reply_to": "m-12"},
        {"request": "chat", "action": "like", "message": "m-12"},
        {"request": "moderate", "action": "claim", "message": "m-12"},
        {"request": "poll", "action": "create", "question": "Lunch?", "options": ["pizza", "sushi"]},
        {"request": "poll", "action": "answer", "poll": "p-1", "choice": 1},
        {"request": "qa", "action": "ask", "text": "When is the release?"},
        {"request": "qa", "action": "answer", "question": "q-1", "text": "Friday"},
        {"request": "heartbeat", "focused": True, "fullscreen": False, "sound": True, "camera": True},
        {"request": "download", "attachment": "rec-2026-11-24", "name": "Weekly sync.mp4"},
        {"request": "playback", "recording": "r-1", "event": "progress", "play": "pl-1",
         "position_ms": 120000, "duration_ms": 3600000},
        {"request": "playback", "recording": "r-1", "event": "seek", "play": "pl-1",
         "from_ms": 130000, "position_ms": 3240000, "duration_ms": 3600000},
        {"request": "attachment", "action": "share", "attachment": "slides-1", "title": "Slides"},
        {"request": "poll", "action": "close", "poll": "p1-3f9a0c1d2e4b"},
        {"request": "hand", "raised": False, "participant": "3f9c0a71"},
        {"request": "erase_user", "user": "alice"},
        {"request": "status"},
    ]
    return [json.dumps(body, ensure_ascii=False) for body in bodies]


def tokens():
    return [
        mint("s3cret", "weekly", "alice", "host", expiry=1767225600),
        mint("s3cret", "town-hall", "u-7", "viewer", expiry=4102444800),
        mint("s3cret", "r", "u", "moderator", expiry=1767225600, descriptors=["room=r", "user=u", "role=speaker", "x=1"]),
        mint("s3cret", "", "", "", expiry=1, realm="janus.plugin.videoroom", descriptors=[]),
        "4102444800,janus.plugin.roomrec,room=weekly,user=alice,role=host",
    ]


def frame(kind, stream, payload):
    return bytes([kind]) + struct.pack(">H", stream) + (payload.encode() if isinstance(payload, str) else payload)


def wire_frames():
    rtp = bytes.fromhex("80e0 0001 00000000 12345678".replace(" ", "")) + b"\x90\x90" + bytes(20)
    rtcp_sr = bytes.fromhex("80c8 0006 12345678 e5a1b2c3 00000000 00000000 00000010 00000400".replace(" ", ""))
    config = {"output": "/var/lib/roomrec/weekly/Recordings/Rec - 2026-11-24 10-00-00 - Weekly sync.mp4",
              "width": 1920, "height": 1080, "fps": 30, "video_bitrate_kbps": 4000, "audio_bitrate_bps": 128000,
              "fragment_ms": 1000, "x264_preset": "ultrafast"}
    return [
        frame(1, 0, json.dumps(config)),
        frame(1, 0, '{"output": "/tmp/a.mp4", "fps": 15}'),
        frame(2, 1, '{"kind": "video", "source": "webcam", "codec": "vp8", "payload_type": 96, "participant": "3f9c"}'),
        frame(2, 2, '{"kind": "audio", "codec": "opus", "payload_type": 111}'),
        frame(2, 3, '{"kind": "video", "source": "stage", "codec": "h264", "payload_type": 102}'),
        frame(3, 1, "{}"),
        frame(4, 1, rtp),
        frame(5, 2, rtcp_sr),
        frame(6, 0, "{}"),
        frame(16, 0, '{"event": "first_frame", "path": "/tmp/a.mp4"}'),
        frame(16, 0, '{"event": "finished", "wall_seconds": 3605.25, "dropped_packets": 0}'),
        frame(16, 0, '{"event": "error", "message": "x264enc: cannot allocate"}'),
    ]


def delivery_events():
    recording = {"recording_id": "rec-5f2a", "title": "Weekly sync", "owner": "alice", "initiator": "bob",
                 "started_ms": 1795575845000, "ended_ms": 1795579445000, "duration_ms": 3600000,
                 "size_bytes": 734003200, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                 "file_path": "/var/lib/roomrec/weekly/Recordings/Rec - 2025-11-25 03-04-05 - Weekly sync.mp4",
                 "location": "weekly/Recordings/Rec - 2025-11-25 03-04-05 - Weekly sync.mp4",
                 "gaps": 1, "gap_seconds": 2.5, "recovered": False}
    base = {"id": "ev-0c1d9e77a4b2f610", "room": "weekly", "node": "node-a", "created_ms": 1795575845123}
    events = [
        dict(base, type="recording.started", recording=dict(recording, ended_ms=0, duration_ms=0, size_bytes=0,
                                                            sha256="")),
        dict(base, type="recording.available", recording=dict(recording, incomplete="the worker restarted once")),
        dict(base, type="recording.failed", reason="stopped", recording=dict(recording, error="disk full",
                                                                              recovered=True)),
        dict(base, type="session.ended", reason="last participant left"),
    ]
    return [json.dumps(event, sort_keys=True, separators=(",", ":")) for event in events]


def spool_record(batch_id, payload):
    body = struct.pack("<H", len(batch_id)) + batch_id + payload
    length = struct.pack("<I", len(body))
    return b"RRTS" + length + struct.pack("<I", zlib.crc32(body, zlib.crc32(length))) + body


def batch_payload(rows, first, last, days, minutes, copy_text):
    out = b"TB1\n" + struct.pack("<Iqq", rows, first, last)
    out += struct.pack("<I", len(days)) + b"".join(struct.pack("<i", d) for d in days)
    out += struct.pack("<I", len(minutes)) + b"".join(struct.pack("<q", m) for m in minutes)
    return out + copy_text


def telemetry_spools():
    rows = (b"1795575845123000\tnode-a\tweekly\talice\theartbeat\t{\"focused\":true}\n"
            b"1795575846123000\tnode-a\tweekly\tbob\tchat\t{\"length\":12}\n")
    first = spool_record(b"node-a/7f3e/000000000001",
                         batch_payload(2, 1795575845123000, 1795575846123000, [20782], [29926264], rows))
    second = spool_record(b"node-a/7f3e/000000000002", batch_payload(0, 0, 0, [], [], b""))
    return [first, first + second, first + second[:20], b"junk" + first + b"\x00" * 7 + second]


def s3_answers():
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    ns = ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    return [
        head + f"<InitiateMultipartUploadResult{ns}><Bucket>recordings</Bucket><Key>weekly/Recordings/Rec.mp4</Key>"
        "<UploadId>2~Qx8hYv1aTq0mJ9sX4b7nR3cLwZ2pK5e</UploadId></InitiateMultipartUploadResult>",
        head + f"<ListPartsResult{ns}><Bucket>recordings</Bucket><Key>k</Key><UploadId>2~Qx8h</UploadId>"
        "<StorageClass>STANDARD</StorageClass><PartNumberMarker>0</PartNumberMarker>"
        "<NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>"
        "<Part><LastModified>2026-11-24T10:00:00.000Z</LastModified><PartNumber>1</PartNumber>"
        "<ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>8388608</Size></Part>"
        "<Part><LastModified>2026-11-24T10:00:01.000Z</LastModified><PartNumber>2</PartNumber>"
        "<ETag>\"92eb5ffee6ae2fec3ad71c777531578f\"</ETag><Size>17</Size></Part>"
        "<Initiator><ID>roomrec</ID><DisplayName>roomrec</DisplayName></Initiator></ListPartsResult>",
        head + f"<ListPartsResult{ns}><IsTruncated>false</IsTruncated></ListPartsResult>",
        head + "<Error><Code>NoSuchUpload</Code><Message>The upload &lt;2~Qx8h&gt; does not exist</Message>"
        "<Resource>/recordings/k</Resource><RequestId>tx000001-0066-default</RequestId>"
        "<HostId>1a2b-default-default</HostId></Error>",
        head + "<Error><Code>SignatureDoesNotMatch</Code><RequestId>tx2</RequestId></Error>",
        "<Error><Code>SlowDown</Code><Message>Please reduce your request rate&#46; &#x263A;</Message></Error>",
        "<!-- a comment --><ListPartsResult><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>\n 1 \n</Size>"
        "</Part></ListPartsResult>",
    ]


def titles():
    return ["Weekly sync", "../../etc/passwd", "Q&A: what? <yes> | \"no\" *", "...hidden", "Zoë's café ☕ — Tuesday",
            "line\nbreak\ttab", "\u2028separator\u0085next", "漢字の会議", "a" * 130, "  spaced   out  .",
            "😀" * 40, "CON", "x\u00ad\u200bhidden"]


def utf8_texts():
    return [b"plain ascii", "Zoë 漢字 😀".encode(), b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
            b"\xe2\x82", b"\xf0\x9f\x98", b"\xef\xbf\xbd\xf4\x8f\xbf\xbf", b"\x00\x7f\x80"]


def frames():
    """Real encoded frames (the unit tests' fixtures, made with vp8enc, vp9enc and x264enc), each
    behind the target's codec byte (0 VP8, 1 VP9, 2 H.264), and the probe's 16383x16383 VP8 header."""
    import re
    fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "unit", "recorder", "core",
                            "frame_fixtures.hpp")
    arrays = {m.group(1): bytes(int(x, 0) for x in re.findall(r"0x[0-9a-fA-F]+|\b\d+\b", m.group(2)))
              for m in re.finditer(r"inline constexpr uint8_t (\w+)\[\] = \{(.*?)\};", open(fixtures).read(), re.S)}
    codec = {"Vp8": 0, "Vp9": 1, "H264": 2}
    seeds = [bytes([next(v for k, v in codec.items() if name[1:].startswith(k))]) + data for name, data in arrays.items()]
    hostile = bytearray(arrays["kVp8Key64x48"])
    hostile[6:10] = bytes([0xFF, 0x3F, 0xFF, 0x3F])
    return seeds + [bytes([0]) + bytes(hostile)]


def csv_cells():
    """Option byte (bits 0-3 user-text columns, 4 BOM, 5 descriptive headers, 6 one-byte
    buffer), then cells split by NUL and rows by 0x01: the hostile text of the custom reports."""
    rows = [["main-1", "=cmd|' /C calc'!A0", "+1", "-42"], ["@x", "Doe, \"Jane\"", "Line\nbreak\r\nname", ""],
            ["\tTabbed", "\u200f\u0645\u0631\u062d\u0628\u0627\u200e", "Emoji \U0001f389", "0.5000"]]
    text = "\x01".join("\x00".join(row) for row in rows).encode()
    return [bytes([0x0e]) + text, bytes([0x3f]) + text, bytes([0x4f]) + text + b"\xc3(\xff\xed\xa0\x80",
            bytes([0x00]) + b"a"]


def report_requests():
    """JSON requests and NUL-separated command lines of roomrec-report custom."""
    bodies = [
        {"report": "room_data", "range": "last_7_days"},
        {"report": "attendees_data", "fromDate": "2024-02-28", "toDate": "2024-03-01", "bom": True,
         "descriptive_headers": True, "filters": {"entry_ids": ["main-1", "bo-1"], "user_ids": ["u1"],
                                                  "cue_point_ids": ["sessA"], "virtual_event_ids": [],
                                                  "parentEntryIds": ["main-1"]}},
        {"report": "chat_moderation", "filters": {"fromDate": "2024-01-01", "toDate": "2024-12-31"}},
        {"report": "rooms", "range": "last_8_days", "filters": {"room_ids": ["x'; DROP TABLE t;--"]}},
    ]
    lines = [["breakout_sessions", "--range", "30d", "--entry-ids", "a,b", "--bom", "--descriptive-headers"],
             ["chat_transcripts", "--from", "2024-03-10", "--to", "2024-03-01", "--user-ids", "a,,b"]]
    return [json.dumps(body) for body in bodies] + ["\x00".join(line) for line in lines]
def summaries():
    """PDF summaries as roomrec-summary-pdf reads them (docs/ANALYTICS.md, "PDF session summary"): a full one, one
    whose timeline names UTC times, an empty session, names in many scripts, and near misses."""
    full = {
        "room": "weekly", "title": "Weekly sync", "session": "s-1",
        "started_at": "2026-11-24T09:00:00Z", "ended_at": "2026-11-24T09:40:00Z",
        "overview": {"live_unique_viewers": 12, "recording_unique_viewers": 3, "average_minutes_viewed": 26.3,
                     "average_engagement_rate": 71.4, "reactions": {"users_percent": 58.3, "count": 41},
                     "chat_messages": 23, "polls": 2, "qa_threads": 3, "downloads": 5, "recording_plays": 4},
        "timeline": [{"minute": m, "live_viewers": min(12, 3 + m), "engagement_rate": 60 + m} for m in range(40)],
        "top_attendees": [{"name": name, "role": role, "minutes_viewed": 40 - i, "engagement_rate": 90 - i,
                           "reactions": i, "chat_messages": 2 * i}
                          for i, (name, role) in enumerate([("Alice", "host"), ("Zoë 🎧", "viewer"),
                                                            ("محمد علي", "speaker"), ("王小明", "moderator"),
                                                            ("\u202eevil\ttab", "viewer")])],
        "recordings": [{"id": "r-1", "title": "Weekly sync", "impressions": 6, "plays": 4, "minutes_viewed": 52.5,
                        "average_completion": 61.3}, {"id": "r-2", "impressions": 0, "plays": 0,
                                                      "minutes_viewed": 0, "average_completion": 0}],
    }
    at_times = json.loads(json.dumps(full))
    at_times["timeline"] = [{"at": "2026-11-24T09:%02d:30Z" % m, "live_viewers": 1, "engagement_rate": 100}
                            for m in range(0, 40, 7)]
    empty = json.loads(json.dumps(full))
    empty.update(timeline=[], top_attendees=[], recordings=[], ended_at=empty["started_at"])
    day = json.loads(json.dumps(full))
    day.update(ended_at="2026-11-25T09:00:00Z",
               timeline=[{"minute": m, "live_viewers": m % 13, "engagement_rate": m % 101} for m in range(0, 1440, 9)])
    negative = json.loads(json.dumps(full))
    negative["overview"]["polls"] = -1
    seeds = [json.dumps(doc, ensure_ascii=False) for doc in (full, at_times, empty, day, negative)]
    text = seeds[0]
    return seeds + [text[:len(text) // 2], text.replace('"minute": 1,', '"minute": 0,'),
                    text.replace("Alice", "Al\\udc00ce"), text.encode().replace(b"Alice", b"Al\xffce")]


def links():
    """Link endpoint requests ("<path>\\n<expires>\\n<sig>\\n<recording>"), signed with
    fuzz_signed_link's secret as the plugin signs them, and tampered with."""
    import hmac
    secret = b"fuzz-link-secret-fuzz-link-secret"

    def signed(room, kind, file, expires, recording=""):
        text = f"v1\n{room}\n{kind}\n{file}\n{expires}" + (f"\n{recording}" if recording else "")
        sig = hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()
        return f"/v1/files/{room}/{kind}/{file}\n{expires}\n{sig}\n{recording}"

    seeds = [signed("room-1", "exports", "report.csv", 1900000000),
             signed("r1", "recordings", "Rec - 2026-11-02 10-00-00 - Caf\u00e9 weekly.mp4", 1900000000, "rec-cafe"),
             signed("r1", "tracks", "Rec - 2026-11-02 10-00-00 - Weekly tracks/alice - webcam video.mkv", 1900000000),
             signed("r1", "tracks", "Rec tracks/manifest.json", 1700000000),
             signed("r1", "s3-recordings", "Rec.mp4", 1900000000, "rec-1")]
    return seeds + [seeds[2].replace("alice", "bob"), seeds[2].replace("/tracks/", "/recordings/"),
                    "/v1/files/r1/tracks/../x tracks/a.mkv\n1900000000\n" + "0" * 64 + "\n",
                    "/v1/files/r1/tracks/a tracks/b/c.mkv\n1900000000\n" + "0" * 64 + "\n",
                    "/v1/files/r1/exports/a/b.csv\n+1\nzz\n"]


def segment_probes():
    """ffprobe's JSON of worker segments (format=start_time,duration:stream=codec_type,start_time,
    duration): a killed worker's, a clean one's, video only, and what ffprobe prints for unknowns."""
    def probe(streams, start="0.000000", duration="4.000000"):
        return json.dumps({"programs": [], "streams": streams, "format": {"start_time": start, "duration": duration}},
                          indent=4)
    video = {"codec_type": "video", "start_time": "0.000000", "duration": "4.000000"}
    return [probe([video, {"codec_type": "audio", "start_time": "0.000021", "duration": "3.925333"}]),
            probe([video, {"codec_type": "audio", "start_time": "0.000000", "duration": "4.010667"}], "0.000000",
                  "4.010667"),
            probe([video]),
            probe([video, {"codec_type": "audio", "start_time": "N/A", "duration": "N/A"}]),
            probe([], "N/A", "N/A"),
            probe([{"codec_type": "audio", "start_time": "86399.5", "duration": "0.5"}], "86399.000000", "1.0")]


def main():
    write("request_schema", requests())
    write("signed_token", tokens())
    write("wire_protocol", wire_frames())
    write("delivery_spool", delivery_events())
    write("telemetry_spool", telemetry_spools())
    write("s3_xml", s3_answers())
    write("recording_name", titles())
    write("utf8", utf8_texts())
    write("frame_header", frames())
    write("csv_writer", csv_cells())
    write("report_filters", report_requests())
    write("summary_json", summaries())
    write("signed_link", links())
    write("segment_end", segment_probes())


if __name__ == "__main__":
    main()
