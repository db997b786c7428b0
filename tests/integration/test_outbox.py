"""The durable outbox and recording rows (storage/db) on a real Postgres (postgres.py), driven
through roomrec-outbox-driver: each driver process acts as one Janus node sharing the database.
The database is inspected with psql, independently of the code under test.

    ROOMREC_OUTBOX_DRIVER=build/tests/integration/roomrec-outbox-driver \\
        /usr/bin/python3 -W ignore tests/integration/test_outbox.py
"""
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from postgres import DatabasePerTest  # noqa: E402

DRIVER = os.environ.get("ROOMREC_OUTBOX_DRIVER") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../build/tests/integration/roomrec-outbox-driver")

HOSTILE = "x'); DROP TABLE outbox_jobs; --"
NOT_HELD = 3  # the driver's exit status when the node does not hold the job's lease
# (version, name) of every migration this build embeds: analytics/schema/NNN_name.sql.
MIGRATIONS = sorted((int(name[:3]), name[4:-4]) for name in os.listdir(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../analytics/schema")) if name.endswith(".sql"))


def job(id, kind="webhook", room="room-1", affinity=None, payload=None):
    item = {"id": id, "room_id": room, "kind": kind, "payload": payload if payload is not None else {"n": id}}
    if affinity:
        item["affinity_node"] = affinity
    return item


def literal(text):
    """An SQL string literal for psql (the tests' own queries, not the code under test)."""
    return "'" + text.replace("'", "''") + "'"


class OutboxTest(DatabasePerTest):
    driver_path = DRIVER
    database_prefix = "outbox"

    # -- helpers ---------------------------------------------------------------------------

    def driver(self, *args, input=None, status=0, conninfo=None, timeout=60):
        """Runs the driver; asserts its exit status (None: any) and returns the result."""
        env = dict(os.environ, ROOMREC_PG=conninfo or self.conninfo)
        result = subprocess.run([DRIVER, *args], input=input if input is None or isinstance(input, str)
                                else json.dumps(input), env=env, capture_output=True, text=True, timeout=timeout)
        if status is not None:
            self.assertEqual(result.returncode, status, f"driver {args}: {result.stdout}{result.stderr}")
        return result

    def spawn(self, *args, conninfo=None):
        env = dict(os.environ, ROOMREC_PG=conninfo or self.conninfo)
        return subprocess.Popen([DRIVER, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sql(self, query):
        return self.pg.psql(query, database=self.database)

    def migrate(self):
        self.driver("migrate")

    def enqueue(self, *jobs, node="node-a"):
        self.driver("enqueue", "--node", node, input=list(jobs))

    def claim(self, node, lease_ms=30000):
        out = self.driver("claim", "--node", node, "--lease-ms", str(lease_ms)).stdout.strip()
        return None if out == "none" else json.loads(out)

    def state(self, id):
        return self.sql(f"SELECT state, attempts, coalesce(owner, '') FROM outbox_jobs WHERE id = {literal(id)}")

    def wait_for_lease_to_lapse(self, id):
        left = float(self.sql(f"SELECT extract(epoch FROM lease_until - now()) FROM outbox_jobs WHERE id = {literal(id)}"))
        time.sleep(max(0.0, left) + 0.1)

    def record(self, recording_id, room="room-1", node="node-a", **fields):
        recording = {"room_id": room, "recording_id": recording_id, "node_id": node, "started_ms": 1700000000000,
                     "title": "Weekly", "location": f"{room}/Recordings/{recording_id}.mp4"}
        recording.update(fields)
        return recording

    # -- migrations ------------------------------------------------------------------------

    def test_migrations_apply_once(self):
        self.assertEqual(self.driver("migrate").stdout.strip(),
                         "applied " + " ".join(str(version) for version, _ in MIGRATIONS))
        self.assertEqual(self.driver("migrate").stdout.strip(), "applied")  # a no-op the second time
        self.assertEqual(self.sql("SELECT version, name FROM schema_migrations ORDER BY version"),
                         "\n".join(f"{version}|{name}" for version, name in MIGRATIONS))
        self.assertEqual(self.sql("SELECT count(*) FROM recordings") + self.sql("SELECT count(*) FROM outbox_jobs"), "00")

    def test_nodes_starting_together_migrate_once(self):
        nodes = [self.spawn("migrate") for _ in range(4)]
        outputs = [node.communicate(timeout=60) for node in nodes]
        for node, (out, err) in zip(nodes, outputs):
            self.assertEqual(node.returncode, 0, err)
        # Each version is applied by exactly one node (one transaction per version: two nodes
        # may share the work).
        applied = sorted(int(version) for out, _ in outputs for version in out.split()[1:])
        self.assertEqual(applied, [version for version, _ in MIGRATIONS])
        self.assertEqual(self.sql("SELECT count(*) FROM schema_migrations"), str(len(MIGRATIONS)))
        self.assertEqual(self.sql("SELECT count(*) FROM pg_tables WHERE tablename IN ('recordings', 'outbox_jobs')"), "2")

    def test_a_newer_schema_is_refused(self):
        self.migrate()
        self.sql("INSERT INTO schema_migrations VALUES (999, 'future', now())")
        result = self.driver("migrate", status=2)
        self.assertIn(f"the database schema is at version 999, newer than this build knows ({MIGRATIONS[-1][0]})", result.stderr)
        self.assertEqual(self.sql("SELECT count(*) FROM schema_migrations"), str(len(MIGRATIONS) + 1))  # as it was
        self.sql("DELETE FROM schema_migrations WHERE version = 999")
        self.sql("UPDATE schema_migrations SET name = 'something_else' WHERE version = 1")
        renamed = self.driver("migrate", status=2)
        self.assertIn("the database recorded migration 1 as 'something_else' but this build calls it 'delivery'",
                      renamed.stderr)

    # -- claiming --------------------------------------------------------------------------

    def test_three_nodes_drain_500_jobs_each_exactly_once(self):
        self.migrate()
        ids = [f"rec{n:03d}:webhook:recording.available:crm" for n in range(500)]
        self.enqueue(*[job(id) for id in ids])
        nodes = [self.spawn("claim-loop", "--node", f"node-{n}", "--work-ms", "3", "--idle-exit-ms", "300")
                 for n in range(3)]
        done = []
        for node in nodes:
            out, err = node.communicate(timeout=120)
            self.assertEqual(node.returncode, 0, err)
            lines = out.split()
            self.assertTrue(lines, "every node got work")
            done.append([id for word, id in zip(lines[::2], lines[1::2]) if word == "done"])
        every = [id for node_done in done for id in node_done]
        self.assertEqual(len(every), 500)
        self.assertEqual(sorted(every), sorted(ids))  # none done twice, none missing
        self.assertEqual(self.sql("SELECT state, min(attempts), max(attempts), count(*), count(owner), "
                                  "count(completed_at) FROM outbox_jobs GROUP BY state"), "done|1|1|500|0|500")

    def test_an_upload_runs_only_on_the_node_that_has_the_file(self):
        self.migrate()
        self.enqueue(job("r1:upload", kind="upload", affinity="node-a"), job("r1:webhook"))
        out = self.driver("claim-loop", "--node", "node-b").stdout.split()
        self.assertEqual(out, ["done", "r1:webhook"])
        self.assertIsNone(self.claim("node-b"))
        self.assertEqual(self.driver("next-due", "--node", "node-b").stdout.strip(), "-1")
        self.assertEqual(self.driver("next-due", "--node", "node-a").stdout.strip(), "0")
        self.assertEqual(self.state("r1:upload"), "pending|0|")
        self.assertEqual(self.claim("node-a")["id"], "r1:upload")

    def test_a_dead_nodes_job_is_taken_over_after_its_lease(self):
        self.migrate()
        self.enqueue(job("j1"))
        claimed = self.claim("dead", lease_ms=3000)  # room for a slow (sanitizer) driver start
        self.assertEqual((claimed["id"], claimed["attempts"]), ("j1", 1))
        self.assertIsNone(self.claim("live"))  # leased: no double work
        self.wait_for_lease_to_lapse("j1")
        taken = self.claim("live")
        self.assertEqual((taken["id"], taken["attempts"]), ("j1", 2))
        late = self.driver("complete", "--node", "dead", "--id", "j1", status=NOT_HELD)
        self.assertIn("job j1 is not held by this node", late.stderr)
        self.assertEqual(self.state("j1"), "running|2|live")
        self.driver("complete", "--node", "live", "--id", "j1")
        self.assertEqual(self.state("j1"), "done|2|")

    def test_a_renewed_lease_keeps_the_job(self):
        self.migrate()
        self.enqueue(job("long-upload", kind="upload"))
        self.claim("node-a", lease_ms=4000)
        self.driver("renew", "--node", "node-b", "--id", "long-upload", "--lease-ms", "4000", status=NOT_HELD)
        # 4.5 s in all, beyond the first lease; each renewal comes well inside the last one, also
        # with the two driver runs between them on a slow machine.
        for _ in range(3):
            time.sleep(1.5)
            self.driver("renew", "--node", "node-a", "--id", "long-upload", "--lease-ms", "4000")
            self.assertIsNone(self.claim("node-b"))
        self.driver("complete", "--node", "node-a", "--id", "long-upload")
        self.assertEqual(self.state("long-upload"), "done|1|")

    # -- failures and progress -------------------------------------------------------------

    def test_a_retryable_failure_backs_off_then_runs_again(self):
        self.migrate()
        self.enqueue(job("w1"))
        self.claim("node-a")
        self.driver("fail", "--node", "node-b", "--id", "w1", "--error", "x", status=NOT_HELD)
        self.driver("fail", "--node", "node-a", "--id", "w1", "--error", "HTTP 503\x1b body", "--first-delay-ms", "6000")
        # Backoff 6 s with equal jitter: due 3 to 6 s after the failure (the checks below take
        # four driver runs first).
        self.assertEqual(self.sql("SELECT state, attempts, owner IS NULL, last_error, next_attempt_at > now(), "
                                  "next_attempt_at <= now() + interval '6 s' FROM outbox_jobs"),
                         "pending|1|t|HTTP 503? body|t|t")
        self.assertIsNone(self.claim("node-b"))
        wait = int(self.driver("next-due", "--node", "node-b").stdout)
        self.assertTrue(0 < wait <= 6000, wait)
        time.sleep(wait / 1000 + 0.05)
        again = self.claim("node-b")
        self.assertEqual((again["id"], again["attempts"]), ("w1", 2))

    def test_permanent_and_too_old_failures_are_final(self):
        self.migrate()
        self.enqueue(job("refused"), job("old"))
        self.claim("node-a")
        self.driver("fail", "--node", "node-a", "--id", "refused", "--error", "SignatureDoesNotMatch", "--permanent")
        self.assertEqual(self.sql("SELECT state, last_error, completed_at IS NOT NULL FROM outbox_jobs "
                                  "WHERE id = 'refused'"), "failed|SignatureDoesNotMatch|t")
        time.sleep(1.1)
        self.assertEqual(self.claim("node-a")["id"], "old")
        self.driver("fail", "--node", "node-a", "--id", "old", "--error", "HTTP 500", "--give-up-ms", "1000")
        self.assertEqual(self.state("old"), "failed|1|")  # failing for longer than the policy allows
        self.assertIsNone(self.claim("node-a"))
        self.assertEqual(self.driver("next-due").stdout.strip(), "-1")
        self.assertEqual(json.loads(self.driver("counts").stdout), {"pending": 0, "running": 0, "done": 0, "failed": 2})

    def test_saved_progress_comes_back_with_the_next_claim(self):
        self.migrate()
        self.enqueue(job("r9:upload", kind="upload"))
        self.claim("node-a", lease_ms=2000)
        progress = {"upload_id": "2~abc", "parts": [{"n": 1, "etag": "\"e1\""}, {"n": 2, "etag": "\"e2\""}]}
        self.driver("progress", "--node", "node-a", "--id", "r9:upload", "--json", json.dumps(progress))
        self.driver("progress", "--node", "node-b", "--id", "r9:upload", "--json", "{}", status=NOT_HELD)
        bad = self.driver("progress", "--node", "node-a", "--id", "r9:upload", "--json", "{\"parts\": [", status=2)
        self.assertIn("job progress: not valid JSON", bad.stderr)
        self.wait_for_lease_to_lapse("r9:upload")  # node-a died mid-upload; node-b resumes it
        resumed = self.claim("node-b")
        self.assertEqual(json.loads(resumed["progress"]), progress)
        self.assertEqual(resumed["attempts"], 2)

    # -- atomicity and recording rows ------------------------------------------------------

    def test_completion_with_followups_and_update_is_all_or_nothing(self):
        self.migrate()
        self.driver("record", input={"recording": self.record("rec1"),
                                     "jobs": [job("rec1:upload", kind="upload", affinity="node-a")]})
        self.claim("node-a")
        self.sql("ALTER TABLE outbox_jobs ADD CONSTRAINT no_poison CHECK (payload->>'poison' IS NULL)")
        update = {"recording_id": "rec1", "state": "available", "storage": "s3", "location": "rooms/rec1.mp4",
                  "size_bytes": 1234}
        failed = self.driver("complete", "--node", "node-a", "--id", "rec1:upload", status=2, input={
            "followups": [job("rec1:webhook:a"), job("rec1:webhook:b", payload={"poison": 1})], "update": update})
        self.assertIn("no_poison", failed.stderr)
        self.assertEqual(self.state("rec1:upload"), "running|1|node-a")
        self.assertEqual(self.sql("SELECT count(*) FROM outbox_jobs"), "1")
        self.assertEqual(self.sql("SELECT state, storage, size_bytes IS NULL FROM recordings"), "stored|local|t")
        missing = self.driver("complete", "--node", "node-a", "--id", "rec1:upload", status=2, input={
            "followups": [job("rec1:webhook:a")], "update": dict(update, recording_id="nope")})
        self.assertIn("updating recording nope: no such recording", missing.stderr)
        self.assertEqual(self.state("rec1:upload"), "running|1|node-a")
        self.driver("complete", "--node", "node-a", "--id", "rec1:upload",
                    input={"followups": [job("rec1:webhook:a")], "update": update})
        self.assertEqual(self.state("rec1:upload"), "done|1|")
        self.assertEqual(self.sql("SELECT state, node_id FROM outbox_jobs WHERE id = 'rec1:webhook:a'"), "pending|node-a")
        self.assertEqual(self.sql("SELECT state, storage, location, size_bytes FROM recordings"),
                         "available|s3|rooms/rec1.mp4|1234")

    def test_a_recording_and_its_jobs_are_stored_together(self):
        self.migrate()
        self.sql("ALTER TABLE outbox_jobs ADD CONSTRAINT no_poison CHECK (payload->>'poison' IS NULL)")
        failed = self.driver("record", status=2, input={"recording": self.record("rec2"),
                                                        "jobs": [job("rec2:upload", payload={"poison": 1})]})
        self.assertIn("no_poison", failed.stderr)
        self.assertEqual(self.sql("SELECT count(*) FROM recordings") + self.sql("SELECT count(*) FROM outbox_jobs"), "00")
        self.driver("record", input={"recording": self.record("rec2"), "jobs": [job("rec2:upload", kind="upload")]})
        self.driver("record", input={"recording": self.record("rec2"), "jobs": [job("rec2:upload", kind="upload")]})
        self.assertEqual(self.sql("SELECT count(*) FROM recordings") + self.sql("SELECT count(*) FROM outbox_jobs"), "11")

    def test_redoing_a_recording_row_keeps_its_delivery_state(self):
        self.migrate()
        self.driver("record", input={"recording": self.record("rec3", title="First"), "jobs": [job("rec3:upload")]})
        self.claim("node-a")
        self.driver("complete", "--node", "node-a", "--id", "rec3:upload", input={"update": {
            "recording_id": "rec3", "state": "available", "storage": "s3", "location": "k/rec3.mp4"}})
        # Crash recovery redoes the upsert as the recorder saw it: metadata is updated, the
        # delivery columns stay as the upload left them.
        self.driver("record", input={"recording": self.record("rec3", title="Second", size_bytes=99), "jobs": []})
        row = json.loads(self.driver("find-recording", "--id", "rec3").stdout)
        self.assertEqual((row["title"], row["size_bytes"], row["state"], row["storage"], row["location"]),
                         ("Second", 99, "available", "s3", "k/rec3.mp4"))
        self.assertEqual(row["started_ms"], 1700000000000)
        other_room = self.driver("record", status=2, input={"recording": self.record("rec3", room="room-2"), "jobs": []})
        self.assertIn("recording rec3 exists already in another room", other_room.stderr)
        self.assertEqual(self.driver("find-recording", "--id", "missing").stdout.strip(), "none")

    # -- outages, hostile input, secrets ---------------------------------------------------

    def test_an_outage_is_reported_and_survived(self):
        self.migrate()
        ids = [f"o{n:02d}" for n in range(40)]
        self.enqueue(*[job(id) for id in ids])
        conninfo = self.pg.tcp_conninfo(self.database)  # with a password, which no message may show
        loop = self.spawn("claim-loop", "--node", "node-a", "--work-ms", "25", "--lease-ms", "1500",
                          "--idle-exit-ms", "2500", conninfo=conninfo)
        try:
            deadline = time.monotonic() + 30
            while int(self.sql("SELECT count(*) FROM outbox_jobs WHERE state = 'done'")) < 10:
                self.assertLess(time.monotonic(), deadline, "no progress before the outage")
                time.sleep(0.05)
            self.pg.stop()
            down = self.driver("counts", status=2, conninfo=conninfo)
            self.assertIn("error: counting jobs: cannot connect to Postgres: connection to server at", down.stderr)
            self.assertIn("Connection refused", down.stderr)
            time.sleep(1.5)
            self.pg.start()
            out, err = loop.communicate(timeout=90)
        finally:
            if loop.poll() is None:
                loop.kill()
                loop.communicate()
        self.assertEqual(loop.returncode, 0, err)
        self.assertIn("cannot connect to Postgres", err)
        self.assertIn("recovered", err)
        self.assertNotIn(self.pg.password, err + out + down.stderr)
        done = out.split()[1::2]
        self.assertTrue(set(done) <= set(ids))
        # Nothing lost: every job done once in the database (a completion cut by the outage is
        # redone after its lease: at least once).
        self.assertEqual(self.sql("SELECT state, count(*) FROM outbox_jobs GROUP BY state"), "done|40")
        self.assertGreaterEqual(len(set(done)), 39)

    def test_hostile_text_is_stored_verbatim_and_bad_input_refused(self):
        self.migrate()
        payload = {"q": "'); DROP TABLE recordings; --", "unicode": "caf\u00e9 \U0001f3a5"}
        self.enqueue(job(HOSTILE, room="r\"; DELETE FROM recordings; --", payload=payload))
        self.driver("record", input={"recording": self.record("rec'; DROP TABLE recordings; --",
                                                              title="Robert'); DROP TABLE outbox_jobs;--"), "jobs": []})
        claimed = self.claim("node-a")
        self.assertEqual(claimed["id"], HOSTILE)
        self.assertEqual(json.loads(claimed["payload"]), payload)
        self.assertEqual(self.sql(f"SELECT room_id FROM outbox_jobs WHERE id = {literal(HOSTILE)}"),
                         "r\"; DELETE FROM recordings; --")
        self.assertEqual(self.sql("SELECT title FROM recordings"), "Robert'); DROP TABLE outbox_jobs;--")
        self.driver("complete", "--node", "node-a", "--id", HOSTILE)
        refused = {
            "job id: contains a control character": job("a\nb"),
            "job id: empty": job(""),
            "job id: too long (at most 256 bytes)": job("x" * 300),
            "job kind: must be one of upload, webhook, export, email": job("k", kind="sms"),
            "job payload: not valid JSON": job("p", payload="{\"a\": 1"),
            "job payload: not a JSON object": job("p", payload="[1, 2]"),
            "job room id: empty": job("r", room=""),
        }
        for message, bad in refused.items():
            result = self.driver("enqueue", input=[job("fine"), bad], status=2)
            self.assertIn(message, result.stderr)
        self.assertEqual(self.sql("SELECT count(*) FROM outbox_jobs WHERE id = 'fine'"), "0")  # all or nothing
        self.assertIn("recording sha256: must be 64 lowercase hex digits", self.driver(
            "record", status=2, input={"recording": self.record("r5", sha256="ABC"), "jobs": []}).stderr)
        self.assertIn("recording state: must be one of", self.driver(
            "record", status=2, input={"recording": self.record("r5", state="lost"), "jobs": []}).stderr)
        self.assertIn("node id: empty", self.driver("claim", "--node", "", status=2).stderr)
        self.assertIn("node id: contains a control character",
                      self.driver("claim", "--node", "a\tb", status=2).stderr)
        self.assertEqual(self.sql("SELECT count(*) FROM pg_tables WHERE tablename IN ('recordings', 'outbox_jobs')"), "2")

    def test_no_password_in_any_message(self):
        secret = "hunter2-" + self.database
        wrong = self.driver("counts", status=2, conninfo=self.pg.tcp_conninfo(self.database, password=secret))
        self.assertIn("password authentication failed", wrong.stderr)
        self.assertNotIn(secret, wrong.stderr)
        malformed = self.driver("counts", status=2, conninfo=f"host=127.0.0.1 password={secret} dbname")
        self.assertIn("the Postgres conninfo is malformed (not shown: it may hold a password)", malformed.stderr)
        self.assertNotIn(secret, malformed.stderr)
        uri = self.driver("counts", status=2, conninfo=f"postgresql://u:{secret}@127.0.0.1:1/db?bogus=1")
        self.assertNotIn(secret, uri.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
