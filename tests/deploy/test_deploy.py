"""The compose deployment (issue 15, SPEC O3) stays consistent: docker-compose.yml validates with
Debian's docker-compose (no engine needed), and the plugin jcfg template that
deploy/docker-entrypoint.sh renders has every placeholder filled from variables the compose file
passes to the janus service and deploy/env.example defines."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def read(*parts):
    with open(os.path.join(ROOT, *parts)) as f:
        return f.read()


class DeployTest(unittest.TestCase):
    def test_the_compose_file_validates(self):
        compose = shutil.which("docker-compose")
        self.assertIsNotNone(compose, "docker-compose is missing (scripts/install-deps.sh installs it)")
        env = os.path.join(ROOT, "deploy", "env.example")
        result = subprocess.run([compose, "-f", os.path.join(ROOT, "docker-compose.yml"), "--env-file", env,
                                 "config", "-q"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        # Without the secrets it refuses to start rather than running with empty ones.
        with tempfile.NamedTemporaryFile("w", suffix=".env") as empty:
            bare = subprocess.run([compose, "-f", os.path.join(ROOT, "docker-compose.yml"), "--env-file", empty.name,
                                   "config", "-q"], capture_output=True, text=True,
                                  env={k: v for k, v in os.environ.items() if not k.startswith("ROOMREC_")})
        self.assertNotEqual(bare.returncode, 0)
        self.assertIn("set it in deploy/.env", bare.stderr)

    def test_the_template_is_filled_from_what_compose_passes(self):
        template = read("deploy", "janus.plugin.roomrec.jcfg.in")
        entrypoint = read("deploy", "docker-entrypoint.sh")
        compose = read("docker-compose.yml")
        example = dict(line.split("=", 1) for line in read("deploy", "env.example").splitlines()
                       if line and not line.startswith("#"))
        used = set(re.findall(r"\$\{(ROOMREC_[A-Z0-9_]+)\}", template))
        self.assertTrue(used)
        substituted = set(re.findall(r"\$\{(ROOMREC_[A-Z0-9_]+)\}", entrypoint.split("envsubst", 1)[1].split("<")[0]))
        self.assertEqual(used - substituted, set(), "placeholders the entrypoint does not substitute")
        self.assertEqual(used - set(example), set(), "placeholders deploy/env.example does not define")
        janus_service = compose.split("\n  janus:\n", 1)[1]
        passed = set(re.findall(r"^      (ROOMREC_[A-Z0-9_]+):", janus_service, re.MULTILINE))
        self.assertEqual(used - passed, set(), "placeholders the compose file does not pass to janus")
        # Rendered as the entrypoint does: nothing left unfilled, the secrets in place.
        rendered = subprocess.run(["envsubst", " ".join(f"${{{name}}}" for name in sorted(substituted))],
                                  input=template, capture_output=True, text=True, check=True,
                                  env=dict(os.environ, **example)).stdout
        self.assertNotIn("${", rendered)
        self.assertIn(f'admin_secret = "{example["ROOMREC_ADMIN_SECRET"]}"', rendered)
        for secret in ("ROOMREC_ADMIN_SECRET", "ROOMREC_TOKEN_SECRET", "ROOMREC_LINK_SECRET"):
            self.assertGreaterEqual(len(example[secret]), 32, secret)


if __name__ == "__main__":
    unittest.main(verbosity=2)
