"""A webhook receiver for the tests, and a site with the plugin set up through its pages.

The receiver is a real HTTP server on 127.0.0.1 in a thread, so every post goes over a
socket exactly as it would to a receiver on the internet. The site lets the plugin post
to this machine (``SIGNUP_WEBHOOK_ALLOW_LOOPBACK``), which a site never does unless told.
"""

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from signup_webhook.addresses import ALLOW_LOOPBACK
from signup_webhook.plugin import SignupWebhook

SECRET = "a shared secret of some length"
#: Retries come quickly, and an idle worker looks often, so waits stay short.
QUICK_QUEUE = {"PLUGHOST_SYNC_RETRY_BASE_SECONDS": 0.05, "PLUGHOST_SYNC_POLL_SECONDS": 0.1}

T = TypeVar("T")


def wait_for(condition: Callable[[], T], what: str, timeout: float = 10.0) -> T:
    """Poll ``condition`` until it gives a true value, and return that value; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
    return value


@dataclass(frozen=True)
class Received:
    """One request the receiver took."""

    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """Records every post and answers each with the next status given, then 200."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.statuses: deque[tuple[int, dict[str, str]]] = deque()
        self.changed = threading.Condition()
        self.url = ""

    def answer(self, status: int, **headers: str) -> None:
        """Queue ``status`` (with ``headers``) as the answer to a coming post, in order."""
        self.statuses.append((status, headers))

    def take(self, body: Received) -> tuple[int, dict[str, str]]:
        with self.changed:
            self.received.append(body)
            self.changed.notify_all()
            return self.statuses.popleft() if self.statuses else (200, {})

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first ``count`` posts, once they have arrived; fails after ``timeout`` seconds."""
        with self.changed:
            arrived = self.changed.wait_for(lambda: len(self.received) >= count, timeout)
            assert arrived, f"{len(self.received)} of {count} posts arrived in {timeout} s"
            return self.received[:count]


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, headers = receiver.take(Received(dict(self.headers.items()), body))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests look at what was received."""

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on a free port of 127.0.0.1, shut down after the test."""
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_port}/hooks/signup"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    thread.join()
    server.server_close()


@dataclass
class Site:
    app: Flask
    plugin: SignupWebhook
    admin: FlaskClient


@pytest.fixture
def make_site(make_app, make_user, log_in) -> Callable[..., Site]:
    """``make_site(url, **config)``: a site whose owner set the plugin up on its pages and enabled it."""

    def make(url: str, **config: Any) -> Site:
        plugin = SignupWebhook()
        app = make_app(plugin, **{ALLOW_LOOPBACK: True, **QUICK_QUEUE, **config})
        admin = log_in(app.test_client(), make_user(app, admin=True, email="owner@example.com"))
        saved = admin.post(
            "/admin/plugins/signup_webhook/settings",
            data={"setting_url": url, "setting_secret": SECRET},
            follow_redirects=True,
        )
        assert "Settings of Signup webhook saved." in saved.text
        assert (
            "Signup webhook is enabled."
            in admin.post("/admin/marketplace/signup_webhook/enable", follow_redirects=True).text
        )
        return Site(app, plugin, admin)

    return make
