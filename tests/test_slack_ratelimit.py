"""Past the per-user rate limit a person gets a polite reply saying how long to wait, and the
core is not asked; over-long questions are cut with a notice."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from fakeslack import BOT_USER_ID, CHANNEL, DM_CHANNEL, USER, FakeSlack

from bot.answer import Answer
from bot.config import Settings
from bot.core import Core
from bot.knowledge import Theme

if TYPE_CHECKING:
    from log_fixtures import JsonLogs
    from slack_fixtures import RunningApp

pytest_plugins = ("slack_fixtures", "log_fixtures")

pytestmark = pytest.mark.slow

QUESTION = "Is co-location worth it?"
WAIT = re.compile(r"Please wait about (\d+) seconds? and ask again")


class CountingCore:
    """The real core, counting the questions and theme lookups that reach it."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self.calls = 0

    @property
    def themes(self) -> tuple[Theme, ...]:
        """The real themes."""
        return self._core.themes

    def ask(self, question: str) -> Answer:
        """Count, then answer."""
        self.calls += 1
        return self._core.ask(question)

    def theme(self, name: str) -> Answer:
        """Count, then look the theme up."""
        self.calls += 1
        return self._core.theme(name)


@pytest.fixture
def limited(core: Core, slack_settings: Settings, fake_slack: FakeSlack
            ) -> Iterator[Callable[[int], tuple[RunningApp, CountingCore]]]:
    """Start the real app with a given per-minute limit (stopped afterwards)."""
    from slack_fixtures import start_app, stop_app

    started: list[RunningApp] = []

    def start(limit: int) -> tuple[RunningApp, CountingCore]:
        counting = CountingCore(core)
        running = start_app(counting, replace(slack_settings, rate_limit_per_minute=limit),  # type: ignore[arg-type]
                            fake_slack)
        started.append(running)
        return running, counting

    yield start
    for running in started:
        stop_app(running)


def wait_seconds(text: str) -> int:
    """The number of seconds a rate-limit reply asks the user to wait."""
    match = WAIT.search(text)
    assert match, text
    return int(match.group(1))


def test_slash_question_over_the_limit_gets_a_private_polite_reply(
        limited: Callable[[int], tuple[RunningApp, CountingCore]], fake_slack: FakeSlack,
        json_logs: JsonLogs) -> None:
    slack, counting = limited(2)
    for _ in range(2):
        (answer,) = fake_slack.wait_for_response(slack.command(QUESTION))
        assert "quoted word for word" in answer.body["text"]
    (refusal,) = fake_slack.wait_for_response(slack.command(QUESTION))
    assert refusal.body["response_type"] == "ephemeral"
    assert refusal.body["text"].startswith("Sorry, you've asked a lot of questions")
    assert 1 <= wait_seconds(refusal.body["text"]) <= 60
    assert counting.calls == 2
    (event,) = json_logs.wait_for(outcome="rate_limited")
    assert event["kind"] == "slash" and "core_ms" not in event


def test_help_and_the_theme_list_do_not_count_against_the_limit(
        limited: Callable[[int], tuple[RunningApp, CountingCore]], fake_slack: FakeSlack) -> None:
    slack, counting = limited(1)
    for text in ("help", "themes", "help"):
        (reply,) = fake_slack.wait_for_response(slack.command(text))
        assert not WAIT.search(reply.body["text"])
    (answer,) = fake_slack.wait_for_response(slack.command(QUESTION))
    assert "quoted word for word" in answer.body["text"]
    assert counting.calls == 1


def test_mention_and_dm_over_the_limit_are_told_in_the_thread_and_the_dm(
        limited: Callable[[int], tuple[RunningApp, CountingCore]], fake_slack: FakeSlack) -> None:
    slack, counting = limited(1)
    fake_slack.wait_for_response(slack.command(QUESTION))  # the limit is per user, everywhere
    slack.event({"type": "app_mention", "channel": CHANNEL, "user": USER,
                 "text": f"<@{BOT_USER_ID}> {QUESTION}", "ts": "1700000100.000200"})
    (in_thread,) = fake_slack.wait_for("chat.postMessage")
    assert in_thread.body["thread_ts"] == "1700000100.000200"
    assert WAIT.search(in_thread.body["text"])
    slack.event({"type": "message", "channel_type": "im", "channel": DM_CHANNEL, "user": USER,
                 "text": QUESTION, "ts": "1700000100.000300"})
    _, in_dm = fake_slack.wait_for("chat.postMessage", count=2)
    assert in_dm.body["channel"] == DM_CHANNEL and WAIT.search(in_dm.body["text"])
    assert counting.calls == 1


def test_other_people_are_not_held_up_by_one_busy_user(
        limited: Callable[[int], tuple[RunningApp, CountingCore]], fake_slack: FakeSlack) -> None:
    slack, _ = limited(1)
    fake_slack.wait_for_response(slack.command(QUESTION))
    slack.event({"type": "message", "channel_type": "im", "channel": DM_CHANNEL,
                 "user": "U0SOMEONEELSE", "text": QUESTION, "ts": "1700000100.000400"})
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert "quoted word for word" in post.body["text"]


def test_zero_turns_the_limit_off(limited: Callable[[int], tuple[RunningApp, CountingCore]],
                                  fake_slack: FakeSlack) -> None:
    slack, counting = limited(0)
    names = [slack.command(QUESTION) for _ in range(25)]
    for name in names:
        (reply,) = fake_slack.wait_for_response(name)
        assert not WAIT.search(reply.body["text"])
    assert counting.calls == 25


def test_over_long_question_is_cut_with_a_notice(slack: RunningApp, fake_slack: FakeSlack) -> None:
    long_question = "Is co-location worth it? " + "Tell me more about that please. " * 60
    assert len(long_question) > slack.settings.max_question_chars
    (reply,) = fake_slack.wait_for_response(slack.command(long_question))
    assert "Your question was long, so only its first 1,000 characters were used." in (
        reply.text_everywhere())
