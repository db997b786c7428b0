"""Starting and stopping the product cleanly (issue 15, SPEC O2): Janus with the plugin started
on an empty Postgres logs no error (the retention thread no longer runs before the schema
exists) and one line that says what is configured, without a secret; stopped with SIGINT (Ctrl-C)
or SIGTERM while a host is in a room with a recording running, it logs no GLib-CRITICAL and no
[ERR] (Janus frees its sessions before it destroys the plugin), and the recording is stored."""
import glob
import os
import re
import signal
import time
import unittest

import harness
from postgres import Postgres

# What must never appear in Janus's log on a normal start or stop.
BAD_LINE = re.compile(r"GLib-CRITICAL|GLib-WARNING|\[ERR\]|\bERROR\b|\[FATAL\]", re.IGNORECASE)


class LifecycleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        # Over TCP with a password, so the start-up line can be checked for it.
        cls.conninfo = cls.pg.tcp_conninfo()

    @classmethod
    def tearDownClass(cls):
        cls.pg.close()

    def start_janus(self, port):
        janus = harness.Janus(http_port=port, admin_port=port - 1000, categories={
            "delivery": {"postgres": self.conninfo},
            "telemetry": {"retention_days": 30},
            "webhook-ops": {"url": "http://127.0.0.1:9/hook?key=webhook-query-secret", "secret": "webhook-secret-1"}})
        self.addCleanup(janus.stop, False)
        return janus

    def record_then_stop(self, port, stop_signal):
        janus = self.start_janus(port)
        harness.wait_until_migrated(self.pg, "to_regclass('recording_notices_dismissed') IS NOT NULL", janus)
        session = harness.Session(janus)
        handle = session.attach()
        harness.create_room(handle, f"life-{port}")
        host = harness.Session(janus).attach()
        joined = host.send({"request": "join", "room": f"life-{port}",
                            "token": harness.token(f"life-{port}", "hana", "host"), "user": {"display": "Hana"}})
        self.assertEqual(joined.get("roomrec"), "joined", joined)
        self.assertEqual(host.send({"request": "start_recording"})["state"], "starting")
        host.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("state") == "started", timeout=20)
        self.assertNotIn("error_code", host.send({"request": "chat", "action": "send", "text": "before the stop"}))
        time.sleep(1)
        janus.process.send_signal(stop_signal)
        janus.process.wait(timeout=30)
        log = janus.log_text()
        return janus, log

    def assert_clean(self, log):
        bad = [line for line in log.splitlines() if BAD_LINE.search(line)]
        self.assertEqual(bad, [], "\n".join(log.splitlines()[-40:]))

    def test_a_fresh_database_starts_without_errors_and_the_configuration_is_told(self):
        janus, log = self.record_then_stop(18731, signal.SIGINT)
        self.assert_clean(log)
        summary = [line for line in log.splitlines() if "node test-node (single node): recordings in" in line]
        self.assertEqual(len(summary), 1, log[-3000:])
        line = summary[0]
        for part in (f"delivery Postgres {self.pg.user}@127.0.0.1:{self.pg.port}/roomrec", "kept 30 days",
                     "1 webhook(s): ops -> http://127.0.0.1:9/hook", "no link endpoint", "no SMTP"):
            self.assertIn(part, line)
        for secret in (self.pg.password, "webhook-query-secret", "webhook-secret-1", harness.ADMIN_SECRET,
                       harness.TOKEN_SECRET):
            self.assertNotIn(secret, log)
        # Ctrl-C stored the running recording.
        stored = glob.glob(os.path.join(janus.recordings_root, "life-18731", "Recordings", "*.mp4"))
        self.assertEqual(len(stored), 1, stored)

    def test_sigterm_on_a_migrated_database_stops_cleanly(self):
        janus, log = self.record_then_stop(18732, signal.SIGTERM)
        self.assert_clean(log)
        self.assertIn("room life-18732 closed (shutdown)", log)
        self.assertEqual(len(glob.glob(os.path.join(janus.recordings_root, "life-18732", "Recordings", "*.mp4"))), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
