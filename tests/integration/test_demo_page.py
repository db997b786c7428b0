"""The demo room page (W1, first part) in real headless Chromium against the real Janus:
a host publishes webcam + stage, a viewer watches both play, may not publish, and is kicked."""
import json
import os
import subprocess
import tempfile
import unittest

import harness

BROWSER_DIR = os.path.join(harness.ROOT, "tests", "browser")


class DemoPageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.janus = harness.Janus()
        cls.www = tempfile.mkdtemp(prefix="roomrec-www-")
        subprocess.run([os.path.join(harness.ROOT, "scripts", "stage-web.sh"), cls.www], check=True)
        cls.web = subprocess.Popen(["python3", "-m", "http.server", "18000", "--bind", "127.0.0.1", "--directory", cls.www],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        cls.web.terminate()
        cls.web.wait()
        cls.janus.stop()  # fails the suite on any sanitizer report

    def test_host_publishes_viewer_watches_and_is_kicked(self):
        shots = os.environ.get("ROOMREC_SCREENSHOTS") or tempfile.mkdtemp(prefix="roomrec-shots-")
        url = f"http://127.0.0.1:18000/index.html?janus=http://127.0.0.1:{self.janus.http_port}/janus"
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "demo_room.mjs"), url, shots],
                             capture_output=True, text=True, timeout=180, cwd=BROWSER_DIR)
        self.assertEqual(run.returncode, 0, run.stderr)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertNotIn("error", result, result)
        self.assertNotIn("page_errors", result, result)
        self.assertIn("H1 (host)", result["viewer_sees_host"])
        # Webcam (fake camera) and stage (canvas) both decode and play at the viewer.
        self.assertGreaterEqual(len(result["viewer_playing"]), 2, result)
        self.assertIn("448", result["viewer_publish_refused"])
        # Recording from the page: the viewer is told, the host has a running counter, the
        # file is stored where the host's log says.
        self.assertIn("This session is being recorded", result["viewer_banner"])
        self.assertTrue(result["viewer_record_button_hidden"])
        self.assertRegex(result["host_banner"], r"being recorded — 00:00:0[1-9]")
        self.assertIn("recording stored: static/Recordings/Rec - ", result["host_stored"])
        self.assertIn("Recording ended", result["viewer_after_stop"])
        location = result["host_stored"].split("recording stored: ")[1]
        self.assertTrue(os.path.exists(os.path.join(self.janus.recordings_root, location)), location)
        # Room signals from the page: a reaction and a chat message reach the host, a like the viewer.
        self.assertTrue(result["host_saw_reaction"])
        self.assertIn("V1: hello from the viewer", result["host_chat"])
        self.assertTrue(result["viewer_saw_like"])
        self.assertTrue(result["viewer_kicked"])
        self.assertTrue(self.janus.alive())


if __name__ == "__main__":
    unittest.main(verbosity=2)
