"""Real local receivers for alert delivery tests: an SMTP server and a webhook.

`SmtpReceiver` is an aiosmtpd server on 127.0.0.1 (plain SMTP, optional AUTH without
TLS) that keeps every message it accepts. `WebhookReceiver` is a stdlib HTTP server
that keeps every JSON POST; it can answer slowly, and be stopped and started again
on the same port (a stopped receiver refuses connections).
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

T = TypeVar("T")


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], T], timeout: float = 30.0) -> T:
    """Poll until the condition's value is truthy or the time is up; its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return condition()


@dataclass
class SmtpReceiver:
    """An SMTP server on 127.0.0.1 collecting messages (and the passwords it was given)."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    passwords: list[str] = field(default_factory=list)
    _controller: Controller | None = None

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode()
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def _authenticate(
        self, _server: SMTP, _session: Session, _envelope: Envelope, _mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.passwords.append(data.password.decode())
        return AuthResult(success=True)

    def start(self) -> None:
        # aiosmtpd logs every SMTP line (AUTH too) at DEBUG: the receiver's log, not ours
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = self.port or free_port()
        self._controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def subjects(self) -> list[str]:
        return [str(m["subject"]) for m in self.messages]

    @staticmethod
    def text(message: EmailMessage) -> str:
        """The plain-text part of a message."""
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @staticmethod
    def html(message: EmailMessage) -> str:
        """The HTML part of a message ('' without one)."""
        part = message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


@dataclass
class Post:
    """One request the webhook received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class WebhookReceiver:
    """A JSON webhook on 127.0.0.1: keeps each POST, optionally answers after a delay."""

    def __init__(self, port: int = 0, delay: float = 0.0) -> None:
        self.port = port or free_port()
        self.delay = delay
        self.posts: list[Post] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server hook)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with receiver._lock:
                    receiver.posts.append(Post(self.path, dict(self.headers.items()), body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                """Quiet: the tests read what arrived, not the access log."""

        return Handler

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def count(self) -> int:
        with self._lock:
            return len(self.posts)

    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return [post.body for post in self.posts]


@pytest.fixture
def smtp_server() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()
