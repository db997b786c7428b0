"""The PDF session summary end to end through roomrec-summary-pdf: a realistic 40-minute session
with 12 attendees and a recording is rendered, its text extracted with pdftotext (poppler-utils)
and checked for the overview numbers, the top attendees and the recording figures; page 1 is
rasterised with pdftoppm and must not be blank; pdfimages and pdffonts prove it is vector with
embedded fonts. Bad input gets exit status 3 and a message naming the field, and no output.

    ROOMREC_SUMMARY_PDF=build/analytics/roomrec-summary-pdf \\
        /usr/bin/python3 -W ignore tests/integration/test_summary_pdf.py
"""
import json
import math
import os
import re
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.environ.get("ROOMREC_SUMMARY_PDF") or os.path.join(HERE, "../../build/analytics/roomrec-summary-pdf")
GENERATED = "2026-11-24T10:00:05Z"

# Twelve attendees, minutes viewed falling by 2.5 from 40: the first ten are the top ten.
PEOPLE = [("Alice Martin", "host"), ("Bao Nguyen", "moderator"), ("Carla D\u00edaz", "speaker"),
          ("Dmitri Ivanov", "viewer"), ("Emeka Okafor", "viewer"), ("Zo\u00eb Lindqvist", "viewer"),
          ("Grace Hopper", "viewer"), ("Hiro Tanaka", "viewer"), ("Ingrid Svensson", "viewer"),
          ("Jonas Weber", "viewer"), ("Kim Leftout", "viewer"), ("Lars Belowtop", "viewer")]


def realistic_summary(minutes=40, attendees=None):
    people = []
    for i, (name, role) in enumerate(attendees or PEOPLE):
        people.append({"name": name, "role": role, "minutes_viewed": max(0.0, 40 - i * 2.5),
                       "engagement_rate": max(0.0, 95 - i * 4.5), "reactions": (i * 7) % 9,
                       "chat_messages": (i * 5) % 7})
    timeline = []
    for m in range(minutes):
        viewers = min(12, 3 + m) if m < minutes - 5 else max(2, 12 - (m - (minutes - 5)) * 2)
        timeline.append({"minute": m, "live_viewers": viewers,
                         "engagement_rate": round(60 + 30 * math.sin(m / 6.0) ** 2, 1)})
    end_minutes = 9 * 60 + minutes
    return {
        "room": "weekly", "title": "Weekly product sync", "session": "s-20261124-0900",
        "started_at": "2026-11-24T09:00:00Z",
        "ended_at": "2026-11-%02dT%02d:%02d:00Z" % (24 + end_minutes // 1440, end_minutes % 1440 // 60, end_minutes % 60),
        "overview": {"live_unique_viewers": 12, "recording_unique_viewers": 3, "average_minutes_viewed": 26.3,
                     "average_engagement_rate": 71.4, "reactions": {"users_percent": 58.3, "count": 41},
                     "chat_messages": 23, "polls": 2, "qa_threads": 3, "downloads": 5, "recording_plays": 4},
        "timeline": timeline,
        "top_attendees": people,
        "recordings": [{"id": "rec-weekly-20261124", "title": "Weekly product sync (recording)", "impressions": 6,
                        "plays": 4, "minutes_viewed": 52.5, "average_completion": 61.3}],
    }


def run(*args, stdin=None):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, timeout=60)


def tool(*args):
    return subprocess.run(list(args), capture_output=True, check=True, timeout=60).stdout


def read_pgm(data):
    """(width, height, maxval, pixels) of a binary PGM (P5) as pdftoppm -gray writes it."""
    fields, at = [], 0
    while len(fields) < 4:
        while data[at:at + 1].isspace():
            at += 1
        if data[at:at + 1] == b"#":
            at = data.index(b"\n", at)
            continue
        end = at
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    assert fields[0] == b"P5", fields[0]
    width, height, maxval = (int(f) for f in fields[1:])
    pixels = data[at + 1:at + 1 + width * height]
    assert len(pixels) == width * height and maxval == 255
    return width, height, maxval, pixels


class SummaryPdfTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def render(self, summary, name="summary"):
        source = self.path(name + ".json")
        with open(source, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False)
        result = run(source, self.path(name + ".pdf"), "--generated-at", GENERATED)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertEqual(result.stderr, b"")
        return self.path(name + ".pdf")

    def test_text_has_the_overview_attendees_and_recording(self):
        pdf = self.render(realistic_summary())
        text = tool("pdftotext", "-layout", pdf, "-").decode()
        lines = text.splitlines()
        self.assertIn("Weekly product sync", lines[0])
        self.assertIn("2026-11-24 09:00 \u2013 09:40 UTC \u00b7 40 min", text.replace("  ", " "))

        def values_under(label):
            """The tile values on the first non-empty line under the line holding label."""
            at = next(i for i, line in enumerate(lines) if label in line)
            return next(line for line in lines[at + 1:] if line.strip()).split()

        # Tiles, left to right: live viewers, recording viewers, avg minutes, avg engagement, reactions.
        self.assertEqual(values_under("Live viewers"), ["12", "3", "26.3", "71.4", "%", "41"])
        self.assertIn("by 58.3 % of users", text)
        # Second row: chat messages, polls, Q&A threads, downloads, recording plays.
        self.assertEqual(values_under("Chat messages"), ["23", "2", "3", "5", "4"])
        for label in ("Recording viewers", "Avg minutes viewed", "Avg live engagement", "Reactions", "Polls",
                      "Q&A threads", "Downloads", "Recording plays"):
            self.assertIn(label, text)

        # Top attendees: the ten with the most minutes, in order, with their figures; not the last two.
        self.assertIn("Top attendees (10 of 12, by minutes viewed)", text)
        rows = [line for line in lines if re.match(r"\s*\d+\s+\S", line) and ("viewer" in line or "host" in line
                                                                               or "moderator" in line
                                                                               or "speaker" in line)]
        self.assertEqual(len(rows), 10, text)
        for rank, (row, (name, role)) in enumerate(zip(rows, PEOPLE), 1):
            i = rank - 1
            expected = [str(rank), *name.split(), role, "%.1f" % (40 - i * 2.5), "%.1f" % (95 - i * 4.5), "%",
                        str((i * 7) % 9), str((i * 5) % 7)]
            self.assertEqual(row.split(), expected)
        self.assertNotIn("Kim Leftout", text)
        self.assertNotIn("Lars Belowtop", text)

        # Recording figures: impressions, plays, minutes viewed, average completion.
        recording = next(line for line in lines if "Weekly product sync (recording)" in line)
        self.assertEqual(recording.split()[-6:], ["(recording)", "6", "4", "52.5", "61.3", "%"])
        for header in ("Impressions", "Plays", "Minutes viewed", "Avg completion"):
            self.assertIn(header, text)

        # Chart: axis labels on round clock times, and the footer.
        for label in ("09:00", "09:10", "09:20", "09:30", "09:40", "100 %"):
            self.assertIn(label, text)
        self.assertIn("Generated 2026-11-24 10:00:05 UTC by roomrec", text)
        self.assertIn("Page 1 of 1", text)
        info = tool("pdfinfo", pdf).decode()
        self.assertRegex(info, r"Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)")
        self.assertRegex(info, r"Title:\s+Weekly product sync \u2013 session summary")

    def test_page_one_is_drawn_vector_with_embedded_fonts(self):
        pdf = self.render(realistic_summary())
        # No raster image anywhere: pdfimages lists only its two header lines.
        self.assertEqual(len(tool("pdfimages", "-list", pdf).decode().strip().splitlines()), 2)
        fonts = tool("pdffonts", pdf).decode()
        self.assertIn("DejaVuSans", fonts)
        for line in fonts.strip().splitlines()[2:]:
            self.assertEqual(line.split()[-5], "yes", line)  # "emb" column
        # Page 1 at 60 dpi in gray: A4 is 497 x 702 pixels; enough ink, not all ink, many gray levels.
        width, height, _, pixels = read_pgm(tool("pdftoppm", "-gray", "-r", "60", "-f", "1", "-l", "1", pdf))
        self.assertEqual((width, height), (497, 702))
        ink = sum(1 for p in pixels if p < 200) / len(pixels)
        self.assertGreater(ink, 0.05)
        self.assertLess(ink, 0.6)
        self.assertGreater(len(set(pixels)), 20)
        # The chart's bars are in the middle of the page: its band has plenty of ink, the
        # margins have none.
        band = pixels[width * 300:width * 380]
        self.assertGreater(sum(1 for p in band if p < 230) / len(band), 0.15)
        margin = [pixels[y * width + x] for y in range(height) for x in range(0, 25)]
        self.assertEqual(min(margin), 255)

    def test_long_sessions_many_attendees_and_any_script_render(self):
        names = [("\u0645\u062d\u0645\u062f \u0639\u0644\u064a", "viewer"), ("\u738b\u5c0f\u660e", "viewer"),
                 ("\U0001f468\u200d\U0001f469\u200d\U0001f467 family", "viewer"), ("\u202eevil\ttab\nline", "viewer"),
                 ("x" * 4000, "viewer")]
        attendees = names + [("Attendee %d" % i, "viewer") for i in range(10000 - len(names))]
        summary = realistic_summary(minutes=1440, attendees=attendees)
        summary["top_attendees"][-1]["minutes_viewed"] = 1000  # the last of 10,000 leads the table
        pdf = self.render(summary, "day")
        text = tool("pdftotext", "-layout", pdf, "-").decode()
        self.assertIn("24 h 00 min", text)
        self.assertIn("Top attendees (10 of 10,000, by minutes viewed)", text)
        self.assertRegex(text, r"1\s+Attendee 9994\s+viewer\s+1,000\.0")
        self.assertIn("Each bar covers 6 minutes", text)
        self.assertIn("evil tab line", text)  # controls become spaces, the bidi override is gone
        self.assertIn("xxx\u2026", text)      # the 4,000-character name ends in an ellipsis
        self.assertIn("Page 1 of 1", text)

    def test_empty_timeline_and_no_recording(self):
        summary = realistic_summary()
        summary.update(timeline=[], recordings=[], top_attendees=[], ended_at=summary["started_at"])
        text = tool("pdftotext", "-layout", self.render(summary, "empty"), "-").decode()
        self.assertIn("No live viewers in this session", text)
        self.assertIn("Nobody attended this session live.", text)
        self.assertIn("No recording of this session.", text)
        self.assertIn("0 min", text)

    def refused(self, data, message, status=3):
        source = self.path("bad.json")
        with open(source, "wb") as f:
            f.write(data if isinstance(data, bytes) else json.dumps(data).encode())
        result = run(source, self.path("bad.pdf"))
        self.assertEqual(result.returncode, status, result.stderr)
        self.assertIn(message, result.stderr.decode())
        self.assertFalse(os.path.exists(self.path("bad.pdf")))
        self.assertEqual(os.listdir(self.dir.name), ["bad.json"])  # no temporary file left either

    def test_bad_input_gets_a_clear_error_and_no_output(self):
        good = realistic_summary()
        self.refused(b"{\"room\": ", "input refused: input is not valid JSON (line 1, column 9)")
        self.refused(b"", "input refused: input is not valid JSON")
        self.refused(json.dumps(good).replace("weekly", "we\\u0000kly").encode(), "\\u0000 is not allowed")
        self.refused(json.dumps(good).encode().replace(b"Alice", b"Al\xffce"), "input refused: input is not valid UTF-8")
        missing = json.loads(json.dumps(good))
        del missing["overview"]["polls"]
        self.refused(missing, "input refused: overview.polls is missing")
        negative = json.loads(json.dumps(good))
        negative["top_attendees"][3]["reactions"] = -2
        self.refused(negative, "input refused: top_attendees[3].reactions must not be negative")
        over = json.loads(json.dumps(good))
        over["recordings"][0]["average_completion"] = 100.5
        self.refused(over, "recordings[0].average_completion is a percentage and must not exceed 100")
        huge = json.loads(json.dumps(good))
        huge["timeline"] = [{"minute": i, "live_viewers": 1, "engagement_rate": 1} for i in range(100001)]
        self.refused(huge, "input refused: timeline has 100001 entries, more than the limit of 100000")
        crowd = json.loads(json.dumps(good))
        crowd["top_attendees"] = crowd["top_attendees"] * 834
        self.refused(crowd, "input refused: top_attendees has 10008 entries, more than the limit of 10000")
        self.refused(b" " * (32 * 1024 * 1024 + 1), "input refused: input is larger than 33554432 bytes")
        self.refused(b"[1, 2]", "input refused: input must be an object")

    def test_usage_and_file_errors(self):
        self.assertEqual(run().returncode, 2)
        self.assertEqual(run("a.json").returncode, 2)
        self.assertEqual(run("a.json", "b.pdf", "--generated-at", "yesterday").returncode, 2)
        self.assertEqual(run("a.json", "b.pdf", "--colour").returncode, 2)
        result = run(self.path("absent.json"), self.path("out.pdf"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot open", result.stderr.decode())
        result = run("-", os.path.join(self.path("no-such-dir"), "out.pdf"), stdin=json.dumps(realistic_summary()).encode())
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot create", result.stderr.decode())
        # Standard input to standard output.
        result = run("-", "-", stdin=json.dumps(realistic_summary()).encode())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(result.stdout.startswith(b"%PDF-1.") and result.stdout.rstrip().endswith(b"%%EOF"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
