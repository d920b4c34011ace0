"""Structured logs: one JSON object a line on stderr, with Slack tokens redacted."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

from bot.config import Settings
from bot.errors import ConfigError

# Bot, user, app-level and legacy tokens. Nothing should ever log one; this is
# the last line of defence if something (an exception message, say) does.
_TOKEN = re.compile(r"\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]+")
REDACTED = "[redacted]"

# Libraries whose DEBUG output includes whole request bodies (question text).
LIBRARY_LOGGERS = ("slack_sdk", "slack_bolt", "urllib3", "websocket", "websockets", "waitress")


def redact(text: str) -> str:
    """``text`` with anything that looks like a Slack token replaced."""
    return _TOKEN.sub(REDACTED, text)


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON: ts, level, logger, msg, then its fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object on one line, tokens redacted."""
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in ("ts", "level", "logger")})
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["exc"] = self.formatException(record.exc_info)
        # default=str: a stray object in a field must not lose the whole line.
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def log_event(logger: logging.Logger, event: str, *, level: int = logging.INFO,
              msg: str | None = None, exc_info: Any = None, **fields: Any) -> None:
    """Log ``event`` with structured ``fields`` (rendered as JSON keys by JsonFormatter)."""
    if logger.isEnabledFor(level):
        logger.log(level, msg or event, exc_info=exc_info,
                   extra={"fields": {"event": event, **fields}})


def _quiet_libraries(settings: Settings) -> None:
    # Their DEBUG logs print request bodies; only an operator who opted in to
    # logging questions gets them. The SDK's INFO lines (Socket Mode sessions
    # reconnecting) are worth keeping and hold no message text.
    verbose = settings.log_level == "DEBUG" and settings.log_questions
    for name in LIBRARY_LOGGERS:
        quiet = logging.INFO if name == "slack_sdk" else logging.WARNING
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else quiet)


def configure_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Log JSON lines to stderr (or ``stream``) from the root logger; return the handler."""
    level = logging.getLevelName(settings.log_level)
    if not isinstance(level, int):
        raise ConfigError(f"EVIDENCE_BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, "
                          f"not {settings.log_level!r}")
    root = logging.getLogger()
    for handler in list(root.handlers):
        # Replace our own handler on a second call; leave others (pytest's) alone.
        if isinstance(handler.formatter, JsonFormatter):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    _quiet_libraries(settings)
    return handler
