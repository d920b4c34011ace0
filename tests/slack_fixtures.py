"""Fixtures for the Slack tests: a fake Slack, settings pointing at it, the real app served.

A test module uses them with ``pytest_plugins = ("slack_fixtures",)``; the ``core``
fixture (the real core over the bundled knowledge) comes from conftest.
"""

from __future__ import annotations

import itertools
import json
import threading
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fakeslack import APP_ID, BOT_USER_ID, CHANNEL, TEAM_ID, USER, FakeSlack, get, post_signed
from slack_bolt import App

from bot.config import Settings
from bot.core import Core
from bot.slack_app import create_app
from bot.slack_server import EVENTS_PATH, HttpServer, make_http_server

BOT_TOKEN = "xoxb-1111-2222-secrettokenvalue"
APP_TOKEN = "xapp-1-A1-3333-secretapptoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A fresh fake Slack Web API on 127.0.0.1."""
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture
def slack_settings(tmp_path: Path, fake_slack: FakeSlack) -> Settings:
    """Settings with well-formed tokens and the Web API pointed at the fake."""
    return Settings(slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN,
                    slack_signing_secret=SIGNING_SECRET, slack_api_url=fake_slack.api_url,
                    feedback_path=tmp_path / "feedback" / "votes.jsonl")


@dataclass
class RunningApp:
    """The real app behind waitress, and a way to talk to it as Slack does."""

    app: App
    server: HttpServer
    fake: FakeSlack
    executor: ThreadPoolExecutor
    settings: Settings
    thread: threading.Thread
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self.server.effective_port}"

    def post_json(self, payload: dict[str, Any], **kwargs: Any) -> tuple[int, bytes]:
        """POST a signed JSON body to /slack/events."""
        body = json.dumps(payload).encode()
        return post_signed(self.base_url + EVENTS_PATH, body, "application/json",
                           SIGNING_SECRET, **kwargs)

    def post_form(self, fields: dict[str, str], **kwargs: Any) -> tuple[int, bytes]:
        """POST a signed form body to /slack/events."""
        body = urllib.parse.urlencode(fields).encode()
        return post_signed(self.base_url + EVENTS_PATH, body,
                           "application/x-www-form-urlencoded", SIGNING_SECRET, **kwargs)

    def event(self, event: dict[str, Any], event_id: str | None = None,
              headers: dict[str, str] | None = None) -> str:
        """Deliver an Events API event; return its event_id."""
        event_id = event_id or f"Ev{next(self._ids):08d}"
        status, _ = self.post_json({
            "token": "legacy", "team_id": TEAM_ID, "api_app_id": APP_ID, "event": event,
            "type": "event_callback", "event_id": event_id, "event_time": 1700000000,
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }, headers=headers)
        assert status == 200
        return event_id

    def command(self, text: str, command: str = "/evidence") -> str:
        """Run a slash command; return the name of its response_url on the fake."""
        name = f"cmd{next(self._ids)}"
        status, _ = self.post_form({
            "token": "legacy", "team_id": TEAM_ID, "channel_id": CHANNEL,
            "channel_name": "general", "user_id": USER, "user_name": "asker",
            "command": command, "text": text, "api_app_id": APP_ID,
            "response_url": self.fake.response_url(name), "trigger_id": "1.2.3",
        })
        assert status == 200
        return name

    def click(self, button: dict[str, Any], user: str = USER) -> str:
        """Click a button from a message; return the name of the click's response_url."""
        name = f"click{next(self._ids)}"
        payload = {
            "type": "block_actions", "team": {"id": TEAM_ID}, "api_app_id": APP_ID,
            "user": {"id": user, "team_id": TEAM_ID}, "channel": {"id": CHANNEL},
            "container": {"type": "message", "is_ephemeral": True, "channel_id": CHANNEL},
            "trigger_id": "4.5.6", "response_url": self.fake.response_url(name),
            "actions": [{"type": "button", "action_id": button["action_id"],
                         "block_id": "answer_actions", "value": button["value"],
                         "action_ts": "1700000000.1"}],
        }
        status, _ = self.post_form({"payload": json.dumps(payload)})
        assert status == 200
        return name

    def drain(self) -> None:
        """Wait until every listener already started has finished (stops the app's work)."""
        self.executor.shutdown(wait=True)


def start_app(core: Core, settings: Settings, fake: FakeSlack) -> RunningApp:
    """Create the real app and serve it on an ephemeral port in a thread."""
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="listener")
    app = create_app(core, settings, executor=executor)
    server = make_http_server(app, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return RunningApp(app, server, fake, executor, settings, thread)


def stop_app(running: RunningApp) -> None:
    """Close the server and wait for the app's listeners."""
    running.server.close()
    running.thread.join(10)
    running.executor.shutdown(wait=True)


@pytest.fixture
def slack(core: Core, slack_settings: Settings, fake_slack: FakeSlack) -> Iterator[RunningApp]:
    """The real app in HTTP mode on 127.0.0.1, its WebClient pointed at the fake."""
    running = start_app(core, slack_settings, fake_slack)
    assert get(running.base_url + "/healthz")[0] == 200
    yield running
    stop_app(running)

