"""When Slack's Web API or a response_url fails (connection refused, HTTP 500, HTTP 429), the
reply is retried where Slack allows, otherwise logged as one JSON error event, and the app
goes on answering."""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING

import pytest
from fakeslack import APP_ID, CHANNEL, DM_CHANNEL, TEAM_ID, USER, FakeSlack
from slack_sdk.http_retry import FixedValueRetryIntervalCalculator

from bot import slack_reply

if TYPE_CHECKING:
    from log_fixtures import JsonLogs
    from slack_fixtures import RunningApp

pytest_plugins = ("slack_fixtures", "log_fixtures")

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The production retry handlers, with short pauses between tries (before the app starts)."""
    monkeypatch.setattr(slack_reply, "RETRY_INTERVAL", FixedValueRetryIntervalCalculator(0.01))

QUESTION = "Is co-location worth it?"


def closed_url(path: str) -> str:
    """A URL on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def dm(text: str = QUESTION) -> dict[str, object]:
    """A direct message from a person."""
    return {"type": "message", "channel_type": "im", "channel": DM_CHANNEL, "user": USER,
            "text": text, "ts": f"{time.time():.6f}"}


def command(slack: RunningApp, response_url: str, text: str = QUESTION) -> None:
    """A signed /evidence whose reply goes to ``response_url``."""
    status, _ = slack.post_form({
        "token": "legacy", "team_id": TEAM_ID, "channel_id": CHANNEL, "user_id": USER,
        "command": "/evidence", "text": text, "api_app_id": APP_ID,
        "response_url": response_url, "trigger_id": "1.2.3",
    })
    assert status == 200


def assert_one_quiet_error(logs: JsonLogs, event: dict[str, object], *hidden: str) -> None:
    """The error event is the only warning or error logged, has no traceback and no secrets."""
    loud = [line for line in logs.lines() if line["level"] in ("WARNING", "ERROR", "CRITICAL")]
    assert loud == [event]
    assert event["level"] == "ERROR" and "exc" not in event
    for secret in ("xoxb-", USER, *hidden):
        assert secret not in logs.text


# -- the Web API (mentions and direct messages) -----------------------------------------


@pytest.mark.parametrize(("status", "attempts", "error"), [
    (500, 3, "internal_error"),  # the first try and two retries
    (429, 4, "ratelimited"),     # the first try and three retries, each after Retry-After
])
def test_post_slack_keeps_refusing_is_logged_once_and_the_next_is_answered(
        slack: RunningApp, fake_slack: FakeSlack, json_logs: JsonLogs, status: int,
        attempts: int, error: str) -> None:
    for _ in range(attempts):
        fake_slack.fail_next("chat.postMessage", status=status, retry_after=0, error=error)
    slack.event(dm())
    (event,) = json_logs.wait_for(kind="dm", outcome="error")
    assert len(fake_slack.calls_to("chat.postMessage")) == attempts
    assert event["error"] == "slack_api_error"
    assert event["status"] == status and event["slack_error"] == error
    assert_one_quiet_error(json_logs, event)
    slack.event(dm())
    fake_slack.wait_for("chat.postMessage", count=attempts + 1)
    assert json_logs.wait_for(kind="dm", outcome="answered")


def test_unreachable_web_api_is_logged_and_the_app_recovers(
        slack: RunningApp, fake_slack: FakeSlack, json_logs: JsonLogs) -> None:
    real = slack.app.client.base_url
    slack.app.client.base_url = closed_url("/api/")  # each request's client copies it
    try:
        slack.event(dm())
        (event,) = json_logs.wait_for(kind="dm", outcome="error", timeout=20)
    finally:
        slack.app.client.base_url = real
    assert event["error"] == "connection_failed"
    assert_one_quiet_error(json_logs, event)
    slack.event(dm())
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert "quoted word for word" in post.body["text"]


# -- response_url (slash commands and buttons) -----------------------------------------


@pytest.mark.parametrize("status", [500, 429])
def test_response_url_failing_once_is_retried_and_delivered(
        slack: RunningApp, fake_slack: FakeSlack, json_logs: JsonLogs, status: int) -> None:
    fake_slack.fail_next("response_url", status=status, retry_after=0)
    name = slack.command(QUESTION)
    first, second = fake_slack.wait_for_response(name, count=2)
    assert first.body == second.body
    (event,) = json_logs.wait_for(kind="slash")
    assert event["outcome"] == "answered"


def test_response_url_that_keeps_failing_is_logged_and_the_next_is_answered(
        slack: RunningApp, fake_slack: FakeSlack, json_logs: JsonLogs) -> None:
    for _ in range(3):
        fake_slack.fail_next("response_url", status=500, retry_after=None, error="oops")
    name = slack.command(QUESTION)
    (event,) = json_logs.wait_for(kind="slash", outcome="error")
    assert len(fake_slack.wait_for_response(name, count=3)) == 3
    assert event["error"] == "response_url_failed" and event["status"] == 500
    assert_one_quiet_error(json_logs, event, name)
    (reply,) = fake_slack.wait_for_response(slack.command(QUESTION))
    assert "quoted word for word" in reply.body["text"]


def test_unreachable_response_url_is_logged_and_the_next_is_answered(
        slack: RunningApp, fake_slack: FakeSlack, json_logs: JsonLogs) -> None:
    unreachable = closed_url("/commands/T0FAKE/1234/capability-secret")
    command(slack, unreachable)
    (event,) = json_logs.wait_for(kind="slash", outcome="error", timeout=20)
    assert event["error"] == "connection_failed"
    assert_one_quiet_error(json_logs, event, "capability-secret", unreachable)
    (reply,) = fake_slack.wait_for_response(slack.command(QUESTION))
    assert "quoted word for word" in reply.body["text"]
