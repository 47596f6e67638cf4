"""Real receivers that delivery tests send to: an HTTP server that verifies Standard Webhooks
signatures and counts duplicates, and an SMTP server (aiosmtpd), both on loopback in this process."""

import json
import socket
import threading
import time
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class WebhookReceiver:
    """Answers each POST with the next of `answers` (a status code, or "hang" to say nothing for
    `hang_seconds`), then `default`. Records every request; verifies signatures when given a secret."""

    def __init__(
        self,
        *,
        secret: str | None = None,
        answers=(),
        default: int = 200,
        hang_seconds: float = 5.0,
    ) -> None:
        self.secret = secret
        self.answers = list(answers)
        self.default = default
        self.hang_seconds = hang_seconds
        self.requests: list[dict] = []
        self.bad_signatures = 0
        self.in_flight: Counter = Counter()
        self.overlaps = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                headers = {name.lower(): value for name, value in self.headers.items()}
                webhook_id = headers.get("webhook-id")
                with receiver.lock:
                    if receiver.secret:
                        try:
                            Webhook(receiver.secret).verify(body, headers)
                        except WebhookVerificationError:
                            receiver.bad_signatures += 1
                    receiver.in_flight[webhook_id] += 1
                    if receiver.in_flight[webhook_id] > 1:
                        receiver.overlaps += 1
                    receiver.requests.append(
                        {"id": webhook_id, "headers": headers, "body": body, "path": self.path}
                    )
                    answer = receiver.answers.pop(0) if receiver.answers else receiver.default
                try:
                    if answer == "hang":
                        time.sleep(receiver.hang_seconds)
                        return
                    self.send_response(answer)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass
                finally:
                    with receiver.lock:
                        receiver.in_flight[webhook_id] -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def ids(self) -> list[str]:
        return [request["id"] for request in self.requests]

    def bodies(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]

    def __enter__(self) -> "WebhookReceiver":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@contextmanager
def smtp_server():
    """An SMTP server on loopback; yields (port, the list of envelopes it received)."""
    mailbox = _Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mailbox.messages
    finally:
        controller.stop()
