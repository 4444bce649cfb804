"""A local webhook receiver: records every delivery and its idempotency key, fails some on purpose.

    with Receiver(seed=3, fail_rate=0.3) as hook:
        config points a ``webhook`` channel at hook.url
        hook.deliveries   # [(idempotency_key, [alert ids])] of every accepted POST, in order
        hook.duplicates() # accepted POSTs whose key had been accepted before
        hook.posts        # [(path, raw body)] of every POST, accepted or not

The first attempt of a key fails with HTTP 500 with probability ``fail_rate`` (decided
by seed and key), so retries and the at-least-once window are exercised too; paths
starting with one of ``broken_paths`` always fail; paths starting with one of ``echo_paths``
are refused with HTTP 400 echoing the request's path and bare ``Authorization`` token (as
careless servers do); ``delay`` slows every answer down.
"""
from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """A threaded HTTP server on 127.0.0.1:<ephemeral> that accepts webhook POSTs."""

    def __init__(self, *, seed: int = 0, fail_rate: float = 0.0, broken_paths: tuple[str, ...] = (),
                 delay: float = 0.0, echo_paths: tuple[str, ...] = ()) -> None:
        self.seed = seed
        self.delay = delay
        self.fail_rate = fail_rate
        self.broken_paths = broken_paths
        self.echo_paths = echo_paths
        self.deliveries: list[tuple[str, list[int]]] = []
        self.posts: list[tuple[str, bytes]] = []
        self.refused = 0
        self._seen_attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.url = f"{self.base_url}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, name="receiver", daemon=True)
        self._thread.start()

    def accept(self, path: str, key: str, body: bytes) -> bool:
        """Record a POST; False when this attempt is one the receiver fails on purpose."""
        with self._lock:
            self.posts.append((path, body))
            if self.broken_paths and path.startswith(self.broken_paths):
                self.refused += 1
                return False
            self._seen_attempts[key] += 1
            first = self._seen_attempts[key] == 1
            rng = random.Random(hashlib.sha256(f"{self.seed}|{key}".encode()).digest())
            if first and rng.random() < self.fail_rate:
                self.refused += 1
                return False
            payload = json.loads(body or b"{}")
            self.deliveries.append((key, [int(a["id"]) for a in payload.get("alerts", []) if "id" in a]))
            return True

    def keys(self) -> Counter[str]:
        """How many times each idempotency key was accepted."""
        with self._lock:
            return Counter(key for key, _ in self.deliveries)

    def duplicates(self) -> int:
        """Accepted deliveries beyond the first of their key (the at-least-once window)."""
        return sum(n - 1 for n in self.keys().values())

    def keys_by_alert(self) -> dict[int, set[str]]:
        """Alert id → every idempotency key it arrived under (more than one would be a bug)."""
        found: dict[int, set[str]] = {}
        with self._lock:
            for key, ids in self.deliveries:
                for alert_id in ids:
                    found.setdefault(alert_id, set()).add(key)
        return found

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(receiver.delay)
            if receiver.echo_paths and self.path.startswith(receiver.echo_paths):
                self._echo(body)
                return
            ok = receiver.accept(self.path, self.headers.get("Idempotency-Key", ""), body)
            answer = b'{"ok":true}' if ok else b'{"error":"chaos"}'
            self.send_response(200 if ok else 500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def _echo(self, body: bytes) -> None:
            """Refuse with 400, echoing the path and the bare token of the Authorization header."""
            receiver.posts.append((self.path, body))
            token = self.headers.get("Authorization", "").partition(" ")[2]
            answer = json.dumps({"error": "bad request", "path": self.path, "token": token}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
            return

    return Handler
