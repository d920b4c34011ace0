"""The Slack app manifest asks for exactly what the app uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).resolve().parent.parent / "deploy" / "manifest.yml"


def load() -> dict[str, Any]:
    """The manifest, parsed."""
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_names_the_bot_and_its_slash_command() -> None:
    manifest = load()
    assert manifest["display_information"]["name"] == "evidence-bot"
    assert manifest["features"]["bot_user"]["display_name"] == "evidence-bot"
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/evidence"
    assert "theme" in command["usage_hint"] and "question" in command["usage_hint"]


def test_manifest_subscribes_to_mentions_dms_and_app_home() -> None:
    settings = load()["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention", "message.im", "app_home_opened"}
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True


def test_manifest_requests_only_the_scopes_the_app_uses() -> None:
    scopes = load()["oauth_config"]["scopes"]["bot"]
    assert sorted(scopes) == ["app_mentions:read", "chat:write", "commands", "im:history"]


def test_manifest_enables_home_and_messages_tabs() -> None:
    home = load()["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False
