"""HTTP mode: a small WSGI app (Slack events + health check) served by waitress."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.trigger import trigger as Trigger  # noqa: N812 - waitress's class name

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are a few kilobytes; refuse anything absurd before Bolt reads it.
MAX_BODY_BYTES = 1_048_576


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


def make_wsgi_app(app: App, ready: Callable[[], bool] = lambda: True) -> WSGIApplication:
    """Slack's requests to Bolt at ``/slack/events``, ``GET /healthz``, and 404 elsewhere."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            if ready():
                return _plain(start_response, "200 OK", b"ok\n")
            return _plain(start_response, "503 Service Unavailable", b"starting\n")
        if path == EVENTS_PATH and method == "POST":
            return slack(environ, start_response)
        return _plain(start_response, "404 Not Found", b"Not Found\n")

    return wsgi


class HttpServer:
    """A waitress server that can be run in one thread and closed cleanly from another."""

    def __init__(self, wsgi_app: WSGIApplication, host: str, port: int, threads: int = 8) -> None:
        self._map: dict[int, Any] = {}
        self._server = waitress.create_server(
            wsgi_app, map=self._map, host=host, port=port, threads=threads,
            ident="evidence-bot", max_request_body_size=MAX_BODY_BYTES,
        )
        self._running = threading.Event()
        self._stopped = threading.Event()
        self._closed = False

    @property
    def effective_port(self) -> int:
        """The port actually bound (useful when asked for port 0)."""
        listen = getattr(self._server, "effective_listen", None)
        return int(listen[0][1]) if listen else int(self._server.effective_port)

    def run(self) -> None:
        """Serve until ``close()`` is called (or Ctrl-C)."""
        self._running.set()
        try:
            self._server.run()
        except OSError:
            # close() from another thread may shut a socket while select() waits on it.
            if not self._closed:
                raise
        finally:
            self._stopped.set()

    def close(self, timeout: float = 10.0) -> None:
        """Stop serving, close every socket and stop the worker threads."""
        if self._closed:
            return
        self._closed = True
        if self._running.is_set() and not self._stopped.is_set():
            # The socket map belongs to the serving thread: close it from there.
            trigger = next((d for d in list(self._map.values()) if isinstance(d, Trigger)), None)
            if trigger is not None:
                try:
                    trigger.pull_trigger(lambda: wasyncore.close_all(self._map))
                except OSError:
                    pass  # the loop closed its trigger already: it is on its way out
                else:
                    self._stopped.wait(timeout)
        wasyncore.close_all(self._map)
        self._server.task_dispatcher.shutdown()


def make_http_server(app: App, host: str = "0.0.0.0", port: int = 3000,
                     threads: int = 8) -> HttpServer:
    """A multi-threaded waitress server for the app; call ``.run()``, later ``.close()``."""
    return HttpServer(make_wsgi_app(app), host, port, threads=threads)
