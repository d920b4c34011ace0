"""A bounded load test: many signed slash commands at once are all acknowledged and answered,
and the server stays up. No timing asserts (speed belongs in ``evidence-bot bench``)."""

from __future__ import annotations

import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest
from fakeslack import APP_ID, CHANNEL, TEAM_ID, FakeSlack, get, post_signed

from bot.slack_server import EVENTS_PATH

if TYPE_CHECKING:
    from slack_fixtures import RunningApp

pytest_plugins = ("slack_fixtures",)

COMMANDS = 60
CLIENTS = 10
QUESTIONS = ("Is co-location worth it?", "What gets in the way of joint working?",
             "funding worries", "theme culture", "themes", "help")


def send(slack: RunningApp, n: int) -> int:
    """Post the n-th signed /evidence (user n % CLIENTS, so none passes the per-user limit)."""
    from slack_fixtures import SIGNING_SECRET

    body = urllib.parse.urlencode({
        "token": "legacy", "team_id": TEAM_ID, "channel_id": CHANNEL,
        "user_id": f"U0LOAD{n % CLIENTS:02d}", "command": "/evidence",
        "text": QUESTIONS[n % len(QUESTIONS)], "api_app_id": APP_ID,
        "response_url": slack.fake.response_url(f"load{n}"), "trigger_id": "1.2.3",
    }).encode()
    status, _ = post_signed(slack.base_url + EVENTS_PATH, body,
                            "application/x-www-form-urlencoded", SIGNING_SECRET)
    return status


@pytest.mark.slow
def test_sixty_concurrent_slash_commands_are_all_acknowledged_and_answered(
        slack: RunningApp, fake_slack: FakeSlack) -> None:
    with ThreadPoolExecutor(max_workers=CLIENTS, thread_name_prefix="load-client") as clients:
        statuses = list(clients.map(lambda n: send(slack, n), range(COMMANDS)))
    assert statuses == [200] * COMMANDS
    replies = fake_slack.wait_for("response_url", count=COMMANDS, timeout=60)
    assert sorted(r.path for r in replies) == sorted(f"/response/load{n}" for n in range(COMMANDS))
    assert all(r.body["response_type"] == "ephemeral" for r in replies)
    assert not any("something went wrong" in r.body["text"] or "Please wait about" in r.body["text"]
                   for r in replies)
    assert get(slack.base_url + "/healthz")[0] == 200
    assert slack.thread.is_alive()
