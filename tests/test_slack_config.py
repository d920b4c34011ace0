"""Missing or malformed Slack settings fail fast, with a message naming what to set."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
from fakeslack import FakeSlack

from bot.cli import main
from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError
from bot.slack_app import create_app, run_http, run_socket_mode

pytest_plugins = ("slack_fixtures",)


class _NoCore:
    """A core that must not be used: configuration errors come first."""

    themes = ()

    def ask(self, question: str) -> object:
        raise AssertionError("the core was used before the settings were checked")

    theme = ask


def offline_settings() -> Settings:
    """Complete settings whose Slack API address nobody listens on."""
    # Were a check skipped, the app would fail to reach Slack instead of serving.
    return Settings(slack_bot_token="xoxb-1-2-abc", slack_app_token="xapp-1-A1-2-abc",
                    slack_signing_secret="secret", slack_api_url="http://127.0.0.1:9/api/")


@pytest.mark.parametrize(("run", "missing"), [
    (run_http, "slack_bot_token"),
    (run_socket_mode, "slack_bot_token"),
    (run_http, "slack_signing_secret"),
    (run_socket_mode, "slack_app_token"),
])
def test_missing_token_is_named(run: object, missing: str) -> None:
    settings = replace(offline_settings(), **{missing: None})
    with pytest.raises(ConfigError, match=missing.upper()):
        run(_NoCore(), settings)  # type: ignore[operator]


@pytest.mark.parametrize(("field", "value", "variable"), [
    ("slack_bot_token", "xoxp-user-token", "SLACK_BOT_TOKEN"),
    ("slack_app_token", "xoxb-not-an-app-token", "SLACK_APP_TOKEN"),
])
def test_malformed_token_is_named(field: str, value: str, variable: str) -> None:
    with pytest.raises(ConfigError, match=f"{variable} is malformed"):
        run_socket_mode(_NoCore(), replace(offline_settings(), **{field: value}))  # type: ignore[arg-type]


def test_cli_prints_one_line_naming_the_missing_token(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["slack", "--http"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SLACK_BOT_TOKEN" in err


@pytest.mark.slow
def test_token_slack_rejects_is_reported_without_the_token(
        core: Core, slack_settings: Settings, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("auth.test", status=200, retry_after=None, error="invalid_auth")
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN") as raised:
        create_app(core, slack_settings)
    assert str(slack_settings.slack_bot_token) not in str(raised.value)


@pytest.mark.slow
def test_unreachable_api_url_is_reported(core: Core, slack_settings: Settings) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/api/"
    with pytest.raises(ConfigError, match="cannot reach the Slack API") as raised:
        create_app(core, replace(slack_settings, slack_api_url=url))
    assert str(slack_settings.slack_bot_token) not in str(raised.value)
