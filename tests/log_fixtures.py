"""A fixture capturing the bot's JSON log lines exactly as ``evidence-bot slack`` writes them.

A test module uses it with ``pytest_plugins = ("log_fixtures",)``.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.config import Settings
from bot.logs import LIBRARY_LOGGERS, configure_logging


@dataclass
class JsonLogs:
    """What configure_logging wrote, and bounded waits for request events."""

    stream: io.StringIO = field(default_factory=io.StringIO)

    @property
    def text(self) -> str:
        """Everything logged so far."""
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        """Every line, parsed (so a line that is not JSON fails the test)."""
        return [json.loads(line) for line in self.text.splitlines()]

    def requests(self, **match: Any) -> list[dict[str, Any]]:
        """The ``slack_request`` events whose fields equal ``match``."""
        return [line for line in self.lines() if line.get("event") == "slack_request"
                and all(line.get(k) == v for k, v in match.items())]

    def wait_for(self, count: int = 1, timeout: float = 10.0, **match: Any) -> list[dict[str, Any]]:
        """Wait (bounded) for ``count`` matching request events; the event is logged last."""
        deadline = time.monotonic() + timeout
        while len(found := self.requests(**match)) < count:
            assert time.monotonic() < deadline, f"no {match} event in:\n{self.text}"
            time.sleep(0.02)
        return found


@pytest.fixture
def json_logs() -> Iterator[JsonLogs]:
    """JSON logging as in production (INFO, no questions), into a buffer; undone afterwards."""
    root = logging.getLogger()
    names = ["", *LIBRARY_LOGGERS]
    levels = {name: logging.getLogger(name).level for name in names}
    logs = JsonLogs()
    handler = configure_logging(Settings(), stream=logs.stream)
    try:
        yield logs
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
