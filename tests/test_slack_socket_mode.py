"""The real app over Socket Mode: a local WebSocket server pushes envelopes, the fake Web API
receives the answers."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fakeslack import APP_ID, BOT_USER_ID, CHANNEL, TEAM_ID, USER, FakeSlack, FakeSocketModeServer

from bot.config import Settings
from bot.core import Core
from bot.slack_app import create_app, make_socket_mode_handler

pytest_plugins = ("slack_fixtures",)

pytestmark = pytest.mark.slow

QUESTION = "What helps professionals trust each other?"


def mention_envelope(fake: FakeSlack) -> dict[str, object]:
    """An events_api envelope carrying an app_mention in a thread."""
    return {
        "envelope_id": "env-mention", "type": "events_api", "accepts_response_payload": False,
        "retry_attempt": 0, "retry_reason": "",
        "payload": {
            "token": "legacy", "team_id": TEAM_ID, "api_app_id": APP_ID,
            "type": "event_callback", "event_id": "EvSOCKET1", "event_time": 1700000000,
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": {"type": "app_mention", "channel": CHANNEL, "user": USER,
                      "text": f"<@{BOT_USER_ID}> {QUESTION}", "ts": "1700000200.000300",
                      "thread_ts": "1700000100.000100"},
        },
    }


def command_envelope(fake: FakeSlack) -> dict[str, object]:
    """A slash_commands envelope for ``/evidence themes``."""
    return {
        "envelope_id": "env-command", "type": "slash_commands", "accepts_response_payload": True,
        "payload": {
            "token": "legacy", "team_id": TEAM_ID, "channel_id": CHANNEL, "user_id": USER,
            "command": "/evidence", "text": "themes", "api_app_id": APP_ID,
            "response_url": fake.response_url("socket-command"), "trigger_id": "1.2.3",
        },
    }


@pytest.fixture
def socket_server(fake_slack: FakeSlack) -> Iterator[FakeSocketModeServer]:
    """A WebSocket server that apps.connections.open on the fake points to."""
    server = FakeSocketModeServer([mention_envelope(fake_slack), command_envelope(fake_slack)])
    fake_slack.socket_url = server.url
    yield server
    server.close()


def test_socket_mode_acks_envelopes_and_answers_mention_and_command(
        core: Core, slack_settings: Settings, fake_slack: FakeSlack,
        socket_server: FakeSocketModeServer) -> None:
    executor = ThreadPoolExecutor(max_workers=2)
    handler = make_socket_mode_handler(create_app(core, slack_settings, executor=executor),
                                       slack_settings)
    try:
        handler.connect()
        acks = socket_server.wait_for_acks({"env-mention", "env-command"})
        (post,) = fake_slack.wait_for("chat.postMessage")
        (themes,) = fake_slack.wait_for_response("socket-command")
    finally:
        handler.close()
        executor.shutdown(wait=True)
    assert {a["envelope_id"] for a in acks} >= {"env-mention", "env-command"}
    assert post.body["thread_ts"] == "1700000100.000100"
    assert core.ask(QUESTION).quotes[0].text.replace("&", "&amp;") in post.text_everywhere()
    assert themes.body["response_type"] == "ephemeral"
    assert core.themes[0].name in themes.text_everywhere()
    (opened,) = fake_slack.calls_to("apps.connections.open")
    assert opened.headers["authorization"] == f"Bearer {slack_settings.slack_app_token}"
