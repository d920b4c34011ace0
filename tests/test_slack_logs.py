"""Each Slack request is logged as one JSON line: ids, hashed user, timings, passages, outcome,
and by default no question text, user or channel ids, or tokens."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from fakeslack import BOT_USER_ID, CHANNEL, DM_CHANNEL, USER, FakeSlack, button

from bot.config import Settings
from bot.core import Core
from bot.feedback import hash_user
from bot.slack_audit import KINDS, OUTCOMES

if TYPE_CHECKING:
    from log_fixtures import JsonLogs
    from slack_fixtures import RunningApp

pytest_plugins = ("slack_fixtures", "log_fixtures")

pytestmark = pytest.mark.slow

# Personal data (a phone number) and a place: neither may reach the logs by default.
PRIVATE = "Is co-location worth it for our Aberdeen team (call 01224 496000)?"
NEVER_LOGGED = ("Aberdeen", "01224", "co-location", USER, CHANNEL, "general", "asker")


def secrets_of(settings: Settings) -> list[str]:
    """The tokens and signing secret, which must never be logged."""
    return [s for s in (settings.slack_bot_token, settings.slack_app_token,
                        settings.slack_signing_secret) if s]


def test_slash_question_is_one_json_event_without_text_user_channel_or_token(
        json_logs: JsonLogs, slack: RunningApp, fake_slack: FakeSlack, core: Core) -> None:
    expected = core.ask(PRIVATE)
    assert expected.answered and expected.personal_data
    fake_slack.wait_for_response(slack.command(PRIVATE))
    (event,) = json_logs.wait_for(kind="slash")
    assert re.fullmatch(r"[0-9a-f]{32}", event["request_id"])
    assert event["user"] == hash_user(USER, slack.settings.user_id_salt)
    assert event["outcome"] == "answered" and event["verb"] == "ask"
    assert event["passages"] == [q.passage_id for q in expected.quotes]
    assert event["personal_data"] is True
    assert event["core_ms"] >= 0 and event["reply_ms"] >= event["core_ms"]
    assert event["level"] == "INFO" and event["logger"] == "bot.slack_app"
    assert "question" not in event
    for line in json_logs.lines():  # every line is JSON, whoever logged it
        assert {"ts", "level", "logger", "msg"} <= set(line)
    for private in (*NEVER_LOGGED, *secrets_of(slack.settings)):
        assert private not in json_logs.text


def test_question_is_logged_when_the_operator_opts_in(
        json_logs: JsonLogs, core: Core, slack_settings: Settings, fake_slack: FakeSlack) -> None:
    from slack_fixtures import start_app, stop_app

    running = start_app(core, replace(slack_settings, log_questions=True), fake_slack)
    try:
        fake_slack.wait_for_response(running.command(PRIVATE))
        (event,) = json_logs.wait_for(kind="slash")
    finally:
        stop_app(running)
    assert event["question"] == PRIVATE
    assert USER not in json_logs.text and CHANNEL not in json_logs.text
    for secret in secrets_of(slack_settings):
        assert secret not in json_logs.text


def test_every_kind_of_request_is_logged_with_its_outcome(
        json_logs: JsonLogs, slack: RunningApp, fake_slack: FakeSlack) -> None:
    slack.event({"type": "app_mention", "channel": CHANNEL, "user": USER, "ts": "1700000100.1",
                 "text": f"<@{BOT_USER_ID}> co-location"})
    event_id = slack.event({"type": "message", "channel_type": "im", "channel": DM_CHANNEL,
                            "user": USER, "text": "zzqx qqzy", "ts": "1700000100.2"})
    json_logs.wait_for(kind="dm")
    slack.event({"type": "message", "channel_type": "im", "channel": DM_CHANNEL, "user": USER,
                 "text": "zzqx qqzy", "ts": "1700000100.2"}, event_id=event_id,
                headers={"X-Slack-Retry-Num": "1"})
    slack.event({"type": "app_home_opened", "user": USER, "tab": "home", "event_ts": "1.2"})
    fake_slack.wait_for_response(slack.command("theme zzqx-nothing"))
    (post,) = fake_slack.wait_for("chat.postMessage", where=lambda c: "thread_ts" in c.body)
    fake_slack.wait_for_response(slack.click(button(post.blocks, "vote_up")))
    assert json_logs.wait_for(kind="mention")[0]["outcome"] == "answered"
    assert json_logs.wait_for(kind="dm", outcome="not_found")
    assert json_logs.wait_for(kind="dm", outcome="duplicate")
    assert json_logs.wait_for(kind="home", outcome="answered")
    assert json_logs.wait_for(kind="slash", outcome="not_found", verb="theme")
    (vote,) = json_logs.wait_for(kind="action", action="vote_up")
    assert vote["outcome"] == "answered" and vote["passages"]
    events = json_logs.requests()
    assert len({e["request_id"] for e in events}) == len(events)
    assert {e["kind"] for e in events} <= set(KINDS)
    assert {e["outcome"] for e in events} <= set(OUTCOMES)
    assert "zzqx" not in json_logs.text and USER not in json_logs.text


class BrokenCore:
    """A core whose every answer fails, with a token in the error to test redaction."""

    def __init__(self, core: Core, token: str) -> None:
        self._core = core
        self._token = token

    @property
    def themes(self) -> tuple[object, ...]:
        """The real themes."""
        return self._core.themes

    def ask(self, question: str) -> object:
        """Fail."""
        raise RuntimeError(f"index corrupt near {self._token}")

    theme = ask


def test_a_failing_core_is_logged_once_with_its_traceback_and_the_user_gets_an_apology(
        json_logs: JsonLogs, core: Core, slack_settings: Settings, fake_slack: FakeSlack) -> None:
    from slack_fixtures import start_app, stop_app

    token = str(slack_settings.slack_bot_token)
    running = start_app(BrokenCore(core, token), slack_settings, fake_slack)  # type: ignore[arg-type]
    try:
        (reply,) = fake_slack.wait_for_response(running.command(PRIVATE))
        (event,) = json_logs.wait_for(kind="slash")
    finally:
        stop_app(running)
    assert "something went wrong" in reply.body["text"]
    assert event["outcome"] == "error" and event["level"] == "ERROR"
    assert event["exc_type"] == "RuntimeError" and "index corrupt" in event["exc"]
    assert token not in json_logs.text and "Aberdeen" not in json_logs.text
