"""Settings: the only place that reads ``os.environ``."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from bot.errors import ConfigError

_BOT_TOKEN = re.compile(r"^xoxb-[A-Za-z0-9-]+$")
_APP_TOKEN = re.compile(r"^xapp-[A-Za-z0-9-]+$")


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads, with its default."""

    knowledge_dir: Path | None = None
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str | None = None
    feedback_path: Path = Path("evidence-bot-feedback.jsonl")
    log_questions: bool = False
    log_level: str = "INFO"
    rate_limit_per_minute: int = 20
    max_question_chars: int = 1000
    redis_url: str | None = None
    user_id_salt: str = "evidence-bot"
    cache_dir: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from the environment (``os.environ`` unless one is given)."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def integer(name: str, default: int, minimum: int) -> int:
            raw = get(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
            if value < minimum:
                raise ConfigError(f"{name} must be at least {minimum}, not {value}")
            return value

        knowledge = get("EVIDENCE_BOT_KNOWLEDGE")
        feedback = get("EVIDENCE_BOT_FEEDBACK_FILE")
        return cls(
            knowledge_dir=Path(knowledge) if knowledge else None,
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_api_url=get("SLACK_API_URL"),
            feedback_path=Path(feedback) if feedback else cls.feedback_path,
            log_questions=(get("EVIDENCE_BOT_LOG_QUESTIONS") or "").lower() in {"1", "true", "yes"},
            log_level=(get("EVIDENCE_BOT_LOG_LEVEL") or "INFO").upper(),
            rate_limit_per_minute=integer("EVIDENCE_BOT_RATE_LIMIT", 20, 0),
            max_question_chars=integer("EVIDENCE_BOT_MAX_QUESTION_CHARS", 1000, 50),
            redis_url=get("REDIS_URL"),
            user_id_salt=get("EVIDENCE_BOT_USER_SALT") or "evidence-bot",
            cache_dir=_cache_dir(get("EVIDENCE_BOT_CACHE_DIR"), get("XDG_CACHE_HOME"),
                                 get("HOME")),
        )

    def with_knowledge(self, folder: str | Path | None) -> Settings:
        """A copy with the knowledge folder overridden (``--knowledge DIR``)."""
        return self if folder is None else replace(self, knowledge_dir=Path(folder))

    def require_slack(self, http: bool) -> None:
        """Check the tokens a Slack mode needs; the message names the variable to set."""
        if not self.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is not set: set it to the app's bot token (xoxb-…)")
        if not _BOT_TOKEN.match(self.slack_bot_token):
            raise ConfigError("SLACK_BOT_TOKEN is malformed: a bot token starts with 'xoxb-'")
        if http:
            if not self.slack_signing_secret:
                raise ConfigError("SLACK_SIGNING_SECRET is not set: set it to the app's "
                                  "signing secret (Basic Information page)")
        else:
            if not self.slack_app_token:
                raise ConfigError("SLACK_APP_TOKEN is not set: set it to an app-level token "
                                  "(xapp-…) with connections:write, for Socket Mode")
            if not _APP_TOKEN.match(self.slack_app_token):
                raise ConfigError("SLACK_APP_TOKEN is malformed: an app-level token starts "
                                  "with 'xapp-'")


def _cache_dir(explicit: str | None, xdg: str | None, home: str | None) -> Path | None:
    """Where start-up caches live: EVIDENCE_BOT_CACHE_DIR ("off" for none), else the
    XDG cache folder, else ~/.cache; None when there is no home to put it in."""
    if explicit:
        return None if explicit.lower() in {"off", "none", "0", "false"} else Path(explicit)
    if xdg:
        return Path(xdg) / "evidence-bot"
    return Path(home) / ".cache" / "evidence-bot" if home else None
