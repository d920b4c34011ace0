"""A local fake of Slack: the Web API, response_url endpoints and a Socket Mode server.

Test and benchmark tooling, not part of the bot: everything listens on 127.0.0.1
only. The fake records every call so tests can assert on what a user would see,
and can be scripted to fail (e.g. HTTP 429). It lives in the package so
``evidence-bot bench`` can drive the real app against it; ``tests/fakeslack.py``
re-exports it.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from websockets.sync.server import Server, ServerConnection

__all__ = [
    "APP_ID", "BOT_ID", "BOT_USER_ID", "CHANNEL", "DM_CHANNEL", "TEAM_ID", "USER",
    "Call", "FakeSlack", "FakeSocketModeServer", "button", "get", "post_signed", "sign",
]

TEAM_ID = "T0FAKE"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
APP_ID = "AFAKE"
USER = "U0ASKER"
CHANNEL = "C0CHANNEL"
DM_CHANNEL = "D0DIRECT"


@dataclass
class Call:
    """One request the fake received."""

    method: str  # Web API method ("chat.postMessage") or "response_url"
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    def text_everywhere(self) -> str:
        """Every string the call would show a user (not hidden button values), a line each."""
        return "\n".join(_strings(_without_values(self.body)))

    @property
    def blocks(self) -> list[dict[str, Any]]:
        """The message's blocks (decoded if they came form-encoded)."""
        blocks = self.body.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks


@dataclass
class _Failure:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeSlack:
    """A ThreadingHTTPServer answering Slack Web API methods and response_url posts."""

    calls: list[Call] = field(default_factory=list)
    socket_url: str | None = None
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    # -- addresses -----------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the fake listens on."""
        return int(self._server.server_address[1])

    @property
    def api_url(self) -> str:
        """Base URL for the WebClient (SLACK_API_URL)."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "1") -> str:
        """A response_url that points at the fake."""
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # -- scripting and inspection ---------------------------------------------

    def fail_next(self, method: str, status: int = 429, retry_after: int | None = 1,
                  error: str = "ratelimited") -> None:
        """Make the next call of ``method`` fail with ``status`` (and Retry-After)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self._lock:
            self._failures.setdefault(method, []).append(
                _Failure(status, headers, {"ok": False, "error": error}))

    def calls_to(self, method: str) -> list[Call]:
        """Calls of one method so far."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0,
                 where: Callable[[Call], bool] = lambda call: True) -> list[Call]:
        """Wait (bounded) until ``count`` matching calls arrived; return them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method == method and where(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} {method} call(s); got {seen}")
                self._lock.wait(left)

    def wait_for_response(self, name: str, count: int = 1) -> list[Call]:
        """Wait (bounded) for ``count`` posts to the response_url called ``name``."""
        path = urllib.parse.urlsplit(self.response_url(name)).path
        return self.wait_for("response_url", count, where=lambda call: call.path == path)

    def close(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    # -- serving -------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length).decode("utf-8")
        path = urllib.parse.urlsplit(request.path).path
        if path.startswith("/api/"):
            method = path[len("/api/"):]
        elif path.startswith("/response/"):
            method = "response_url"
        else:
            self._send(request, 404, {}, {"ok": False, "error": "unknown_path"})
            return
        call = Call(method, path, {k.lower(): v for k, v in request.headers.items()},
                    _decode(raw, request.headers.get("Content-Type", "")))
        with self._lock:
            self.calls.append(call)
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
            self._lock.notify_all()
        if failure is not None:
            self._send(request, failure.status, failure.headers, failure.body)
        elif method == "response_url":
            self._send(request, 200, {}, None)
        else:
            self._send(request, 200, {}, self._answer(method, call.body))

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake",
                    "user": "evidence-bot", "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID, "is_enterprise_install": False}
        if method == "apps.connections.open":
            if self.socket_url is None:
                return {"ok": False, "error": "no_socket_server"}
            return {"ok": True, "url": self.socket_url}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            ts = f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": body.get("channel"), "ts": ts, "message_ts": ts}
        return {"ok": True}

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, headers: dict[str, str],
              body: dict[str, Any] | None) -> None:
        data = b"ok" if body is None else json.dumps(body).encode("utf-8")
        request.send_response(status)
        request.send_header("Content-Type", "text/plain" if body is None else "application/json")
        request.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)


def _without_values(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_values(v) for k, v in data.items() if k != "value"}
    if isinstance(data, list):
        return [_without_values(v) for v in data]
    if isinstance(data, str) and data[:1] in "[{":
        try:
            return _without_values(json.loads(data))
        except ValueError:
            return data
    return data


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    elif isinstance(data, str):
        yield data


def _decode(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(raw or "{}")
    return {k: v[-1] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}


# -- signed requests to the app, as Slack sends them -----------------------------


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post_signed(url: str, body: bytes, content_type: str, secret: str, *,
                timestamp: int | None = None, headers: dict[str, str] | None = None
                ) -> tuple[int, bytes]:
    """POST ``body`` signed like Slack does; return (status, body) even for 4xx."""
    ts = int(time.time()) if timestamp is None else timestamp
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(secret, body, ts),
        **(headers or {}),
    })
    return _fetch(request)


def get(url: str) -> tuple[int, bytes]:
    """GET a URL; return (status, body) even for 4xx."""
    return _fetch(urllib.request.Request(url))


def _fetch(request: urllib.request.Request) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


# -- Socket Mode ----------------------------------------------------------------


class FakeSocketModeServer:
    """A local WebSocket server that says hello, pushes envelopes and records acks."""

    def __init__(self, envelopes: list[dict[str, Any]]) -> None:
        # websockets is a test extra; importing it here keeps the module (and the
        # benchmark, which needs only the Web API fake) usable without it.
        from websockets.sync.server import serve

        self.envelopes = envelopes
        self.acks: list[dict[str, Any]] = []
        self._lock = threading.Condition()
        self._server: Server = serve(self._session, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The ws:// URL apps.connections.open hands out."""
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=fake"

    def _session(self, connection: ServerConnection) -> None:
        from websockets.exceptions import ConnectionClosed

        connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                    "connection_info": {"app_id": APP_ID}}))
        for envelope in self.envelopes:
            connection.send(json.dumps(envelope))
        try:
            for message in connection:
                with self._lock:
                    self.acks.append(json.loads(message))
                    self._lock.notify_all()
        except ConnectionClosed:
            pass

    def wait_for_acks(self, envelope_ids: set[str], timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait (bounded) until every envelope id was acknowledged; return the acks."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not envelope_ids <= {a.get("envelope_id") for a in self.acks}:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"acks received: {self.acks}")
                self._lock.wait(left)
            return list(self.acks)

    def close(self) -> None:
        """Stop serving and close every connection."""
        self._server.shutdown()
        self._thread.join(5)


def button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    """The button with ``action_id`` in a message's blocks."""
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id!r} button in {blocks}")
