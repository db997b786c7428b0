"""The node's /metrics (issue 15) after a scripted minute through the real Janus, Postgres and a
webhook receiver: a host publishes (aiortc), a viewer subscribes, three people join, chat, a
reaction flood is limited, a recording is made and stored, a report is asked for. The endpoint's
text parses with the Prometheus client's parser and holds those figures; it is refused without
the token when one is configured, and to nobody else."""
import asyncio
import time
import unittest
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

import harness
from peers import Subscriber, close_now, publish_now
from postgres import Postgres, free_port
from webhook_receiver import WebhookReceiver

LINK_SECRET = "metrics-link-secret-metrics-link-secret-01"
METRICS_TOKEN = "metrics-token-metrics-token-metrics-token-7"
HOOK_SECRET = "metrics-webhook-secret"


def scrape(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type"), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read().decode()


def samples(text):
    """{(name, frozenset(labels)): value} of every sample, through the Prometheus parser."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found, name, **labels):
    key = (name, frozenset(labels.items()))
    if key not in found:
        raise AssertionError(f"no sample {name}{labels}; the scrape has: {sorted(found)}")
    return found[key]


class MetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Postgres()
        cls.pg.start()
        cls.hooks = WebhookReceiver(HOOK_SECRET)
        cls.link_port = free_port()
        cls.janus = harness.Janus(http_port=18741, admin_port=17741, categories={
            "delivery": {"postgres": cls.pg.conninfo},
            "limits": {"reactions_burst": 3, "reactions_per_minute": 6},
            "links": {"port": cls.link_port, "secret": LINK_SECRET, "public_url": f"http://127.0.0.1:{cls.link_port}",
                      "metrics_token": METRICS_TOKEN},
            "webhook-ops": {"url": cls.hooks.url, "secret": HOOK_SECRET}})
        harness.wait_until_migrated(cls.pg, "to_regclass('recording_notices_dismissed') IS NOT NULL", cls.janus)
        cls.url = f"http://127.0.0.1:{cls.link_port}/metrics"

    @classmethod
    def tearDownClass(cls):
        harness.stop_janus(cls.janus, cls.hooks.stop, cls.pg.close)

    def join(self, room, user, role):
        session = harness.Session(self.janus)
        self.addCleanup(session.destroy)
        handle = session.attach()
        data = handle.send({"request": "join", "room": room, "token": harness.token(room, user, role),
                            "user": {"display": user.title()}})
        self.assertEqual(data.get("roomrec"), "joined", data)
        return handle, data

    def packets_out(self, handle):
        info = self.janus.admin({"janus": "handle_info", "session_id": handle.session.id, "handle_id": handle.id})
        return sum(s["packets_out"] for s in info["info"]["plugin_specific"]["subscribed"])

    def test_a_scripted_minute_shows_in_the_metrics(self):
        admin = harness.Session(self.janus)
        self.addCleanup(admin.destroy)
        harness.create_room(admin.attach(), "m1")
        host, host_data = self.join("m1", "hana", "host")
        viewer, viewer_data = self.join("m1", "vera", "viewer")
        self.join("m1", "otto", "viewer")
        publisher = publish_now(host)
        self.addCleanup(close_now, publisher)
        feed = viewer.session.attach()
        attached, offer = feed.request({"request": "join", "ptype": "subscriber", "room": "m1",
                                        "private_id": viewer_data["private_id"], "streams": [{"feed": host_data["id"]}]})
        self.assertEqual(attached.get("roomrec"), "attached", attached)

        async def watch():
            subscriber = Subscriber(feed)
            await subscriber.answer(offer)
            await subscriber.wait_frames({s["mid"]: 10 for s in attached["streams"] if s["type"] == "video"}, timeout=25)
            return subscriber
        subscriber = asyncio.run_coroutine_threadsafe(watch(), _media_loop()).result(40)
        for text in ("hello", "agenda?", "thanks"):
            self.assertNotIn("error_code", viewer.send({"request": "chat", "action": "send", "text": text}))
        refused = sum(viewer.send({"request": "react", "reaction": "clap"}).get("error_code") == 457 for _ in range(6))
        self.assertGreater(refused, 0)
        self.assertEqual(host.send({"request": "start_recording"})["state"], "starting")
        host.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("state") == "started", timeout=20)
        time.sleep(3)
        host.send({"request": "stop_recording"})
        host.wait_event(lambda e: e.get("plugindata", {}).get("data", {}).get("state") == "available", timeout=30)
        self.hooks.wait_for(lambda body: body.get("type") == "recording.available")
        # The receiver has a webhook before its job is recorded done (and counted): wait for both.
        deadline = time.time() + 15
        while (value(samples(scrape(self.url, METRICS_TOKEN)[2]), "roomrec_delivery_jobs_completed_total",
                     kind="webhooks") < 2 and time.time() < deadline):
            time.sleep(0.2)
        # Answered either way (the minute rollup may not have run yet: 445); timed either way.
        report = self.janus.admin({"janus": "message_plugin", "plugin": harness.PLUGIN, "request": {
            "request": "report", "room": "m1", "report": "overview"}})["response"]
        report_failed = 0 if report.get("roomrec") == "report" else 1
        self.assertIn(report.get("error_code"), (None, 445), report)

        before = self.packets_out(feed)
        status, content_type, text = scrape(self.url, METRICS_TOKEN)
        after = self.packets_out(feed)
        self.assertEqual(status, 200, text)
        self.assertTrue(content_type.startswith("text/plain; version=0.0.4"), content_type)
        found = samples(text)
        self.assertEqual(value(found, "roomrec_node_info", node="test-node"), 1)
        self.assertEqual(value(found, "roomrec_signalling_responsive"), 1)
        self.assertEqual(value(found, "roomrec_participants"), 3)
        self.assertEqual(value(found, "roomrec_room_sessions_live"), 1)
        self.assertEqual(value(found, "roomrec_published_streams", kind="video"), 2)  # webcam + stage
        self.assertEqual(value(found, "roomrec_published_streams", kind="audio"), 1)
        self.assertEqual(value(found, "roomrec_subscriber_handles"), 1)
        forwarded = value(found, "roomrec_rtp_packets_forwarded_total")
        self.assertTrue(before <= forwarded <= after, (before, forwarded, after))
        self.assertGreater(value(found, "roomrec_rtp_packets_received_total"), forwarded / 2)
        self.assertEqual(value(found, "roomrec_signals_rate_limited_total", kind="reactions"), refused)
        self.assertEqual(value(found, "roomrec_recordings_running"), 0)
        self.assertEqual(value(found, "roomrec_recordings_stored_total"), 1)
        self.assertEqual(value(found, "roomrec_recordings_failed_total"), 0)
        self.assertEqual(value(found, "roomrec_recorder_restarts_total"), 0)
        self.assertEqual(value(found, "roomrec_recording_tap_dropped_packets_total"), 0)
        self.assertEqual(value(found, "roomrec_delivery_database_up"), 1)
        self.assertGreaterEqual(value(found, "roomrec_delivery_jobs_completed_total", kind="webhooks"), 2)
        self.assertEqual(value(found, "roomrec_delivery_failed_total"), 0)
        self.assertEqual(value(found, "roomrec_outbox_readable"), 1)
        self.assertTrue(all(name != "roomrec_outbox_jobs" or labels for name, labels in found))
        self.assertEqual(value(found, "roomrec_report_duration_seconds_count", report="overview"), 1)
        self.assertEqual(value(found, "roomrec_report_duration_seconds_bucket", report="overview", le="+Inf"), 1)
        self.assertEqual(value(found, "roomrec_reports_failed_total", report="overview"), report_failed)
        # Joins, three chat messages, the reactions let through, the stage: all enqueued.
        self.assertGreaterEqual(value(found, "roomrec_telemetry_events_total", outcome="enqueued"), 3 + 3)
        self.assertEqual(value(found, "roomrec_telemetry_database_up"), 1)
        self.assertLess(value(found, "roomrec_telemetry_lag_seconds"), 10)  # written within a flush or two
        asyncio.run_coroutine_threadsafe(subscriber.close(), _media_loop()).result(10)

    def test_an_outbox_backlog_is_measured(self):
        # Another node's backlog (only that node may run its jobs): two webhooks due a while ago,
        # an upload not due yet.
        self.pg.psql("INSERT INTO outbox_jobs (id, room_id, node_id, kind, affinity_node, payload, created_at, "
                     "next_attempt_at) VALUES "
                     "('late-1', 'r', 'node-b', 'webhook', 'node-b', '{}', now(), now() - interval '90 seconds'), "
                     "('late-2', 'r', 'node-b', 'webhook', 'node-b', '{}', now(), now() - interval '30 seconds'), "
                     "('later', 'r', 'node-b', 'upload', 'node-b', '{}', now(), now() + interval '1 hour')")
        try:
            found = samples(scrape(self.url, METRICS_TOKEN)[2])
        finally:
            self.pg.psql("DELETE FROM outbox_jobs WHERE id IN ('late-1', 'late-2', 'later')")
        self.assertEqual(value(found, "roomrec_outbox_readable"), 1)
        self.assertGreaterEqual(value(found, "roomrec_outbox_jobs", kind="webhook", state="pending"), 2)
        self.assertGreaterEqual(value(found, "roomrec_outbox_oldest_due_seconds", kind="webhook", state="pending"), 89)
        self.assertEqual(value(found, "roomrec_outbox_jobs", kind="upload", state="pending"), 1)
        self.assertEqual(value(found, "roomrec_outbox_oldest_due_seconds", kind="upload", state="pending"), 0)

    def test_without_the_token_metrics_are_refused(self):
        for token in (None, "wrong", METRICS_TOKEN + "x"):
            status, _, body = scrape(self.url, token)
            self.assertEqual(status, 401, body)
            self.assertNotIn("roomrec_", body)
        request = urllib.request.Request(self.url, method="POST", data=b"",
                                         headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        self.assertEqual(refused.exception.code, 405)


def _media_loop():
    """The shared aiortc loop of peers.py (publish_now started it)."""
    import peers
    return peers._media_loop


if __name__ == "__main__":
    unittest.main(verbosity=2)
