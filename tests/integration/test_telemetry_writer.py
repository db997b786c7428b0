"""The telemetry writer (analytics/telemetry) on a real Postgres (postgres.py), driven through
roomrec-telemetry-driver, which plays the plugin: it enqueues synthetic events whose every
field is a function of their index (expected_row below mirrors the driver's make_event), so
the database can be checked row by row. The database is read with psql and the spool files
with this file's own parser, independently of the code under test.

    ROOMREC_TELEMETRY_DRIVER=build/tests/integration/roomrec-telemetry-driver \\
        /usr/bin/python3 -W ignore tests/integration/test_telemetry_writer.py
"""
import collections
import datetime
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from postgres import DatabasePerTest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.environ.get("ROOMREC_TELEMETRY_DRIVER") or os.path.join(
    HERE, "../../build/tests/integration/roomrec-telemetry-driver")
ASAN = "asan" in DRIVER  # the sanitizer build is several times slower

# The kinds, read from the one place they are declared.
with open(os.path.join(HERE, "../../analytics/core/telemetry_event.hpp")) as header:
    KINDS = re.findall(r'X\(\w+, "([^"]+)"\)', header.read())

NASTY_ROOM = "r\t\"nasty\"\\'; DROP TABLE telemetry_events;--\n\\N"
NASTY_TEXT = "tab\there \"q\" back\\slash new\nline caf\u00e9 \U0001f3a5 \\N"
DAY_US = 86400 * 1000000


def is_bad(i, bad_every):
    return bad_every > 0 and i % bad_every == bad_every - 1


def expected_row(i, base_us, node="node-a"):
    """Event i as the database must hold it (driver: make_event)."""
    return [NASTY_ROOM if i % 97 == 0 else f"room-{i % 5}", node, base_us + i * 1000, f"sess-{i % 3}",
            KINDS[i % len(KINDS)], f"p{i % 40}", None if i % 10 == 0 else f"u{i % 25}", f"s{i}", i * 7 - 500,
            {"i": i, "text": NASTY_TEXT} if i % 3 == 0 else None]


def noon_today_us(days_ago=0):
    today = datetime.datetime.now(datetime.timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
    return int((today - datetime.timedelta(days=days_ago)).timestamp()) * 1000000


def read_spool(path):
    """(records, torn bytes) of one spool segment: records are (batch id, rows, subjects)."""
    with open(path, "rb") as f:
        data = f.read()
    records, at = [], 0
    while at < len(data):
        if len(data) - at < 12:
            break
        assert data[at:at + 4] == b"RRTS", f"{path}: no record at {at}"
        length, crc = struct.unpack_from("<II", data, at + 4)
        body = data[at + 12:at + 12 + length]
        if len(body) < length:
            break  # torn tail
        assert zlib.crc32(body, zlib.crc32(data[at + 4:at + 8])) == crc, f"{path}: bad CRC at {at}"
        id_length = struct.unpack_from("<H", body)[0]
        batch_id, payload = body[2:2 + id_length].decode(), body[2 + id_length:]
        assert payload[:4] == b"TB1\n"
        rows = struct.unpack_from("<I", payload, 4)[0]
        days, = struct.unpack_from("<I", payload, 24)
        minutes, = struct.unpack_from("<I", payload, 28 + 4 * days)
        copy_text = payload[32 + 4 * days + 8 * minutes:].decode()
        subjects = [line.split("\t")[7] for line in copy_text.splitlines()]
        assert len(subjects) == rows
        records.append({"offset": at, "end": at + 12 + length, "id": batch_id, "rows": rows, "subjects": subjects})
        at += 12 + length
    return records, len(data) - at


def spool_segments(folder):
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.startswith("batches-"))


class TelemetryWriterTest(DatabasePerTest):
    driver_path = DRIVER
    database_prefix = "telemetry"

    def setUp(self):
        super().setUp()
        self.spool = tempfile.mkdtemp(prefix="rrt-tspool-")
        self.addCleanup(shutil.rmtree, self.spool, True)

    # -- helpers ---------------------------------------------------------------------------

    def driver(self, *args, status=0, conninfo=None, timeout=300):
        env = dict(os.environ, ROOMREC_PG=conninfo or self.conninfo)
        result = subprocess.run([DRIVER, *map(str, args)], env=env, capture_output=True, text=True, timeout=timeout)
        if status is not None:
            self.assertEqual(result.returncode, status, f"driver {args}: {result.stdout}{result.stderr[-3000:]}")
        return result

    def write(self, *args, conninfo=None, status=0, spool=None):
        result = self.driver("write", "--spool", spool or self.spool, *map(str, args), conninfo=conninfo, status=status)
        return (json.loads(result.stdout) if status == 0 else None), result.stderr

    def spawn(self, *args):
        env = dict(os.environ, ROOMREC_PG=self.conninfo)
        return subprocess.Popen([DRIVER, "write", "--spool", self.spool, *map(str, args)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sql(self, query):
        return self.pg.psql(query, database=self.database)

    def rows(self, where="true"):
        """Every stored row as the list expected_row() makes, by subject id."""
        out = self.sql("SELECT json_build_array(room_id, node_id, (extract(epoch FROM at) * 1000000)::bigint, "
                       "session_id, kind, participant_id, user_id, subject_id, value, body) "
                       f"FROM telemetry_events WHERE {where}")
        rows = [json.loads(line) for line in out.splitlines() if line]
        return {row[7]: row for row in rows}

    def count(self, where="true"):
        return int(self.sql(f"SELECT count(*) FROM telemetry_events WHERE {where}"))

    def assert_each_subject_once(self, expected_subjects):
        self.assertEqual(self.sql("SELECT count(*) = count(DISTINCT subject_id) FROM telemetry_events"), "t")
        stored = set(self.sql("SELECT subject_id FROM telemetry_events").split())
        self.assertEqual(len(stored), len(expected_subjects))
        self.assertEqual(stored, set(expected_subjects))

    def assert_rollups_match_the_raw_rows(self):
        fresh = ("SELECT room_id, session_id, date_trunc('minute', at, 'UTC') AS minute, kind, count(*) AS events, "
                 "count(DISTINCT coalesce(user_id, participant_id)) AS users FROM telemetry_events GROUP BY 1, 2, 3, 4")
        stored = "SELECT room_id, session_id, minute, kind, events, users FROM telemetry_minute"
        self.assertEqual(self.sql(f"SELECT count(*) FROM (({fresh}) EXCEPT ({stored})) AS missing"), "0")
        self.assertEqual(self.sql(f"SELECT count(*) FROM (({stored}) EXCEPT ({fresh})) AS extra"), "0")

    # -- writing ---------------------------------------------------------------------------

    def test_every_event_arrives_once_with_its_values(self):
        n, bad_every, base = 20000, 500, noon_today_us()
        counters, log = self.write("--count", n, "--threads", 3, "--bad-every", bad_every, "--base-us", base)
        good = [i for i in range(n) if not is_bad(i, bad_every)]
        self.assertEqual((counters["enqueued"], counters["written"], counters["rejected"]), (n, len(good), n - len(good)))
        self.assertEqual(counters["spooled"] + counters["dropped_full"] + counters["lost"], 0)
        self.assertTrue(counters["db_up"])
        for why in ("room id: contains a NUL byte", "user id: not valid UTF-8", "body: not valid JSON",
                    "body: \\u0000 in a string (jsonb cannot store it)"):
            self.assertIn(why, log)
        rows = self.rows()
        self.assertEqual(len(rows), len(good))
        for i in good:
            self.assertEqual(rows[f"s{i}"], expected_row(i, base), f"event {i}")
        self.assertEqual(int(self.sql("SELECT sum(value) FROM telemetry_events")), sum(i * 7 - 500 for i in good))
        self.assertEqual(self.sql("SELECT count(*), sum(rows) FROM telemetry_batches"),
                         f"{self.sql('SELECT count(*) FROM telemetry_batches')}|{len(good)}")
        day = datetime.datetime.fromtimestamp(base / 1e6, datetime.timezone.utc).strftime("%Y%m%d")
        self.assertEqual(self.sql("SELECT DISTINCT tableoid::regclass FROM telemetry_events"), f"telemetry_events_p{day}")
        self.assertEqual(self.sql("SELECT count(*) FROM telemetry_events_default"), "0")
        self.assertEqual(set(self.sql("SELECT DISTINCT kind FROM telemetry_events").split()), set(KINDS))
        self.assert_rollups_match_the_raw_rows()
        self.assertEqual(spool_segments(self.spool), [])

    def test_a_day_without_partition_is_created_on_demand(self):
        self.driver("migrate")
        later = noon_today_us(days_ago=-20)  # beyond the days made ahead of time
        day = datetime.datetime.fromtimestamp(later / 1e6, datetime.timezone.utc).strftime("%Y%m%d")
        self.sql(f"INSERT INTO telemetry_events (room_id, node_id, at, session_id, kind, subject_id) VALUES "
                 f"('r', 'psql', to_timestamp({later // 1000000}), '', 'join', 'by-hand')")
        self.assertEqual(self.sql("SELECT count(*) FROM telemetry_events_default"), "1")  # the safety net
        counters, _ = self.write("--count", 500, "--base-us", later)
        self.assertEqual(counters["written"], 500)
        self.assertEqual(self.sql("SELECT count(*) FROM telemetry_events_default"), "0")
        self.assertEqual(self.sql(f"SELECT count(*) FROM telemetry_events_p{day}"), "501")
        self.assertEqual(self.sql("SELECT count(*) FROM pg_class WHERE relname LIKE 'telemetry_events_p%' "
                                  "AND relkind = 'r'"), "5")  # yesterday .. 2 days ahead, and that day

    def test_a_full_queue_refuses_and_counts(self):
        n = 100000
        counters, _ = self.write("--count", n, "--threads", 2, "--queue", 64)
        self.assertGreater(counters["dropped_full"], 0)
        self.assertEqual(counters["enqueued"] + counters["dropped_full"], n)
        self.assertEqual(counters["enqueue_refused"], counters["dropped_full"])
        self.assertEqual(counters["written"], counters["enqueued"])
        self.assertEqual(self.count(), counters["enqueued"])
        self.assertEqual(sum(counters["dropped_by_kind"].values()), counters["dropped_full"])

    def test_periodic_events_are_refused_first(self):
        # One producer fills a 64-event queue before the writer starts: the first 56 events
        # get in whatever their kind; then heartbeats and playback progress are refused while
        # the others take the last 8 places; then everything is refused.
        n, capacity = 200, 64
        counters, _ = self.write("--count", n, "--queue", capacity, "--before-start", 1)
        accepted, dropped = [], collections.Counter()
        for i in range(n):
            kind = KINDS[i % len(KINDS)]
            room = capacity - capacity // 8 if kind in ("heartbeat", "playback.progress") else capacity
            if len(accepted) < room:
                accepted.append(i)
            else:
                dropped[kind] += 1
        self.assertEqual(counters["dropped_by_kind"], {kind: dropped[kind] for kind in KINDS})
        self.assertEqual(counters["written"], capacity)
        self.assert_each_subject_once([f"s{i}" for i in accepted])

    # -- outages, crashes, damage ----------------------------------------------------------

    def test_an_outage_loses_nothing_and_writes_nothing_twice(self):
        n, rate = 80000, 2000  # a steady 40 s stream
        self.driver("migrate")
        writer = self.spawn("--count", n, "--rate", rate, "--threads", 2, "--progress-ms", 250, "--retry-ms", 500)
        try:
            deadline = time.monotonic() + 60
            while self.count() < 4000:
                self.assertLess(time.monotonic(), deadline, "no progress before the outage")
                time.sleep(0.2)
            self.pg.stop()
            time.sleep(30)
            self.pg.start()
            out, err = writer.communicate(timeout=180)
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.communicate()
        self.assertEqual(writer.returncode, 0, err[-3000:])
        counters = json.loads(out)
        self.assertGreater(counters["spooled"], 30 * rate * 0.8, "the outage was spooled")
        self.assertEqual(counters["replayed"], counters["spooled"])
        self.assertEqual(counters["written"] + counters["replayed"], n)
        self.assertEqual(counters["dropped_full"] + counters["lost"] + counters["rejected"], 0)
        self.assertIn("Postgres unavailable", err)
        self.assertIn("Postgres is reachable: replayed", err)
        self.assert_each_subject_once([f"s{i}" for i in range(n)])
        self.assertEqual(spool_segments(self.spool), [])
        self.assert_rollups_match_the_raw_rows()

    def test_kill_9_while_spooling_then_restart(self):
        self.driver("migrate")
        self.pg.stop()
        writer = self.spawn("--count", 40000, "--rate", 4000, "--batch-rows", 1000, "--progress-ms", 100)
        try:
            deadline = time.monotonic() + 60
            spooled = 0
            while spooled < 10000:
                line = writer.stderr.readline()
                self.assertTrue(line, "the writer ended early")
                self.assertLess(time.monotonic(), deadline, "nothing spooled")
                if line.startswith("progress "):
                    spooled = json.loads(line[len("progress "):])["spooled"]
            writer.send_signal(signal.SIGKILL)
            writer.communicate()
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.communicate()
        records = []
        for segment in spool_segments(self.spool):
            records += read_spool(segment)[0]
        subjects = [subject for record in records for subject in record["subjects"]]
        self.assertGreaterEqual(len(subjects), 10000)
        self.pg.start()
        # A second crash, right after the second replayed batch committed and before the spool
        # knew: those two batches are in the ledger and must not be written again.
        _, log = self.write("--count", 0, "--crash-after-replayed", 2, status=9)
        self.assertIn("crashing after 2 replayed batches", log)
        self.assertEqual(self.count(), records[0]["rows"] + records[1]["rows"])
        counters, _ = self.write("--count", 0)
        self.assertEqual(counters["replay_skipped"], records[0]["rows"] + records[1]["rows"])
        self.assertEqual(counters["replayed"] + counters["replay_skipped"], len(subjects))
        self.assert_each_subject_once(subjects)
        self.assertEqual(self.sql("SELECT count(*) FROM telemetry_batches"), str(len(records)))
        self.assertEqual(spool_segments(self.spool), [])

    def test_a_lost_commit_answer_is_not_written_twice(self):
        n = 20000
        counters, log = self.write("--count", n, "--batch-rows", 1000, "--lose-commit-every", 3, "--threads", 2)
        # Every third batch was committed but looked lost: spooled, then found in the ledger.
        self.assertGreater(counters["replay_skipped"], 0)
        # The batches behind it went to the spool too (in order) and were replayed.
        self.assertEqual(counters["written"] + counters["replay_skipped"] + counters["replayed"], n)
        self.assertIn("the answer to COMMIT was lost (injected)", log)
        self.assert_each_subject_once([f"s{i}" for i in range(n)])

    def test_a_damaged_spool_skips_only_the_bad_record(self):
        nowhere = f"host={self.spool}/no-server port=1 dbname=x"  # Postgres away: refused at once
        counters, log = self.write("--count", 5000, "--batch-rows", 500, conninfo=nowhere)
        self.assertEqual(counters["spooled"], 5000)
        self.assertIn("Postgres unavailable: cannot connect to Postgres", log)
        segment, = spool_segments(self.spool)
        records, torn = read_spool(segment)
        self.assertEqual((len(records), torn), (10, 0))
        with open(segment, "rb") as f:
            data = bytearray(f.read())
        bad = records[4]
        data[(bad["offset"] + bad["end"]) // 2] ^= 0x10  # a flipped bit in the fifth batch
        cut = 100  # and a torn last record
        with open(segment, "wb") as f:
            f.write(data[:-cut])
        counters, log = self.write("--count", 0)
        self.assertEqual(counters["spool_corrupt"], 1)
        self.assertEqual(counters["spool_torn_bytes"], records[9]["end"] - records[9]["offset"] - cut)
        kept = [record for n, record in enumerate(records) if n not in (4, 9)]
        self.assertEqual(counters["replayed"], sum(record["rows"] for record in kept))
        self.assertIn("skipped 1 damaged region(s)", log)
        self.assert_each_subject_once([subject for record in kept for subject in record["subjects"]])
        self.assertEqual(spool_segments(self.spool), [])
        self.assertEqual(os.listdir(os.path.join(self.spool, "rejected")), [os.path.basename(segment)])

    # -- erasure, retention, secrets -------------------------------------------------------

    def test_erasure_and_retention_do_what_they_say(self):
        n = 3000
        bases = {10: noon_today_us(10), 3: noon_today_us(3), 0: noon_today_us(0)}
        for start, (days_ago, base) in enumerate(bases.items()):
            self.write("--count", n, "--start", start * n, "--base-us", base)
        self.assertEqual(self.count(), 3 * n)
        self.assert_rollups_match_the_raw_rows()
        erased = [i for i in range(3 * n) if i % 10 != 0 and i % 25 == 7]
        minutes = int(self.sql("SELECT count(DISTINCT date_trunc('minute', at, 'UTC')) FROM telemetry_events "
                               "WHERE user_id = 'u7'"))
        result = json.loads(self.driver("erase", "--user", "u7").stdout)
        self.assertEqual(result, {"events": len(erased), "minutes": minutes})
        self.assertEqual(self.count("user_id = 'u7'"), 0)
        self.assertEqual(self.count(), 3 * n - len(erased))
        self.assert_rollups_match_the_raw_rows()  # the users counts no longer count u7
        hostile = json.loads(self.driver("erase", "--user", "u1'; DROP TABLE telemetry_events; --").stdout)
        self.assertEqual(hostile, {"events": 0, "minutes": 0})
        self.assertIn("erasure: the user id is empty", self.driver("erase", "--user", "", status=2).stderr)

        old_day = datetime.datetime.fromtimestamp(bases[10] / 1e6, datetime.timezone.utc).strftime("%Y%m%d")
        partitions = set(self.sql("SELECT relname FROM pg_class WHERE relname ~ '^telemetry_events_p' "
                                  "AND relkind = 'r'").split())
        self.assertIn(f"telemetry_events_p{old_day}", partitions)
        dropped = json.loads(self.driver("retention", "--days", 5).stdout)
        self.assertEqual(dropped["partitions"], 1)
        self.assertGreater(dropped["minute_rows"], 0)
        self.assertEqual(self.count(f"at < to_timestamp({bases[3] // 1000000}) - interval '1 day'"), 0)
        self.assertEqual(self.count(), 2 * n - len([i for i in erased if i >= n]))
        remaining = set(self.sql("SELECT relname FROM pg_class WHERE relname ~ '^telemetry_events_p' "
                                 "AND relkind = 'r'").split())
        self.assertEqual(partitions - remaining, {f"telemetry_events_p{old_day}"})
        self.assertEqual(self.sql("SELECT count(*) FROM telemetry_minute WHERE minute < now() - interval '6 days'"), "0")
        self.assert_rollups_match_the_raw_rows()
        self.assertIn("retention: days must be at least 1", self.driver("retention", "--days", 0, status=2).stderr)

    def test_no_password_in_any_message(self):
        secret = "hunter2-" + self.database
        counters, log = self.write("--count", 100, conninfo=self.pg.tcp_conninfo(self.database, password=secret))
        self.assertEqual(counters["spooled"], 100)
        self.assertIn("password authentication failed", log)
        self.assertNotIn(secret, log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
