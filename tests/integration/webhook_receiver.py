"""Test fixture: a webhook receiver (on 127.0.0.1 unless told otherwise) that records every POST and checks its
signature the way a real receiver would (X-Roomrec-Signature: t=<unix>,v1=<HMAC-SHA256 of
"<t>.<body>">), and can be told to fail (answer 500) for a while.

    with WebhookReceiver(secret) as hooks:
        hooks.url                       # configure this as the endpoint
        hooks.fail_for(10)              # answer 500 for the next 10 s
        hooks.wait_for(lambda d: d["type"] == "recording.available", timeout=60)
        hooks.deliveries                # every POST: dict(type, body, headers, valid, status)
"""
import hashlib
import hmac
import http.server
import json
import threading
import time


def verify(secret, header, body, now=None, tolerance=300):
    """True if the signature header is valid for this body and recent."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        stamp = int(fields["t"])
    except (ValueError, KeyError, AttributeError):
        return False
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", "")) and abs((now or time.time()) - stamp) <= tolerance


class WebhookReceiver:
    def __init__(self, secret, port=0, status=200, host="127.0.0.1"):
        """status: what it answers when not failing (another 2xx, or a refusal such as 410);
        host: the address it listens on (a test cluster's bridge, for nodes in other namespaces)."""
        self.secret = secret
        self.status = status
        self.deliveries = []
        self.failing_until = 0.0
        self.lock = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = 500 if time.time() < receiver.failing_until else receiver.status
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
                with receiver.lock:
                    receiver.deliveries.append({
                        "type": self.headers.get("X-Roomrec-Event"),
                        "key": self.headers.get("X-Roomrec-Idempotency-Key"),
                        "valid": verify(receiver.secret, self.headers.get("X-Roomrec-Signature", ""), body),
                        "body": parsed, "raw": body, "status": status, "at": time.time()})
                    receiver.lock.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/hooks/roomrec"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail_for(self, seconds):
        self.failing_until = time.time() + seconds

    def wait_for(self, match, timeout=60, accepted=True):
        """The first delivery matching (and, by default, answered 200); raises on timeout."""
        deadline = time.time() + timeout
        with self.lock:
            while True:
                for delivery in self.deliveries:
                    if (not accepted or delivery["status"] < 300) and delivery["body"] and match(delivery["body"]):
                        return delivery
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"no matching webhook within {timeout} s; got: "
                                         f"{[(d['type'], d['status']) for d in self.deliveries]}")
                self.lock.wait(left)

    def matching(self, match):
        with self.lock:
            return [d for d in self.deliveries if d["body"] and match(d["body"])]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
