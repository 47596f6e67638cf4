"""Real receivers that delivery tests send to: an HTTP server that verifies Standard Webhooks
signatures and counts duplicates, an SMTP server (aiosmtpd), and a web push service that verifies
VAPID and decrypts with a test browser's keys, all on loopback in this process."""

import base64
import json
import os
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


class Browser:
    """What a browser holds for one push subscription: a P-256 key pair and a 16-byte auth secret,
    made as a browser makes them; `subscription(endpoint)` is its PushSubscription JSON."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec

        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    def subscription(self, endpoint: str) -> str:
        from cryptography.hazmat.primitives import serialization

        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return json.dumps(
            {
                "endpoint": endpoint,
                "expirationTime": None,
                "keys": {"p256dh": _b64url(point), "auth": _b64url(self.auth_secret)},
            }
        )

    def decrypt(self, body: bytes) -> dict:
        import http_ece

        return json.loads(
            http_ece.decrypt(
                body,
                private_key=self.private_key,
                auth_secret=self.auth_secret,
                version="aes128gcm",
            )
        )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_vapid(authorization: str, audience: str) -> dict:
    """The claims of a VAPID Authorization header (`vapid t=<JWT>,k=<public key>`, RFC 8292), after
    checking the JWT's ES256 signature with the key it names and its audience; ValueError if not."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"not a VAPID header: {authorization!r}")
    fields = dict(part.split("=", 1) for part in params.split(","))
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), _b64url_decode(fields["k"])
    )
    header, claims, signature = fields["t"].split(".")
    raw = _b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public_key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("the VAPID signature does not verify") from None
    if json.loads(_b64url_decode(header)).get("alg") != "ES256":
        raise ValueError("the JWT is not ES256")
    claims = json.loads(_b64url_decode(claims))
    if claims.get("aud") != audience:
        raise ValueError(f"the JWT's audience is {claims.get('aud')!r}, not {audience!r}")
    return {**claims, "public_key": fields["k"]}


class PushService:
    """A push service on loopback, as Google's or Mozilla's receive a web push: answers each POST
    with the next of `answers` (default 201), and records each message with its VAPID claims
    (verified) and its decrypted JSON (with `browser`'s key)."""

    def __init__(self, browser: Browser, *, answers=(), default: int = 201) -> None:
        self.browser = browser
        self.answers = list(answers)
        self.default = default
        self.messages: list[dict] = []
        self.refused: list[str] = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    claims = verify_vapid(self.headers.get("Authorization", ""), service.origin)
                    payload = service.browser.decrypt(body)
                except Exception as error:  # recorded: the test asserts none
                    with service.lock:
                        service.refused.append(f"{type(error).__name__}: {error}")
                    answer = 400
                else:
                    with service.lock:
                        service.messages.append(
                            {
                                "claims": claims,
                                "payload": payload,
                                "path": self.path,
                                "headers": {k.lower(): v for k, v in self.headers.items()},
                            }
                        )
                        answer = service.answers.pop(0) if service.answers else service.default
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.endpoint = f"{self.origin}/push/subscription-{os.urandom(4).hex()}"

    def subscription(self) -> str:
        return self.browser.subscription(self.endpoint)

    def payloads(self) -> list[dict]:
        return [message["payload"] for message in self.messages]

    def __enter__(self) -> "PushService":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
