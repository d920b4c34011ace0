"""Logs are JSON lines with structured fields, and never show a Slack token."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.errors import ConfigError
from bot.logs import LIBRARY_LOGGERS, JsonFormatter, configure_logging, log_event, redact

BOT_TOKEN = "xoxb-1111-2222-secrettokenvalue"
APP_TOKEN = "xapp-1-A1-3333-secretapptoken"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root and library loggers back as they were."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    levels = {name: logging.getLogger(name).level for name in ["", *LIBRARY_LOGGERS]}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def formatted(record: logging.LogRecord) -> dict[str, object]:
    """A record through the JSON formatter, parsed back."""
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_event_is_one_json_object_with_its_fields() -> None:
    record = logging.makeLogRecord({"name": "bot.x", "levelno": logging.INFO, "levelname": "INFO",
                                    "msg": "answered %s", "args": ("ok",),
                                    "fields": {"event": "slack_request", "passages": ["a#p1.s1"]}})
    entry = formatted(record)
    assert entry["level"] == "INFO" and entry["logger"] == "bot.x"
    assert entry["msg"] == "answered ok"
    assert entry["event"] == "slack_request" and entry["passages"] == ["a#p1.s1"]
    assert entry["ts"].endswith("+00:00")


@pytest.mark.parametrize("token", [BOT_TOKEN, APP_TOKEN, "xoxp-9-user-token", "xoxa-2-abc",
                                   "xoxs-1-2", "xoxr-refresh-1", "xoxo-1-2"])
def test_anything_like_a_slack_token_is_redacted(token: str) -> None:
    assert token not in redact(f"auth failed for {token}, giving up")
    record = logging.makeLogRecord({"msg": "token %s", "args": (token,),
                                    "fields": {"header": f"Bearer {token}"}})
    assert token not in JsonFormatter().format(record)


def test_token_in_an_exception_is_redacted_but_the_error_type_kept() -> None:
    try:
        raise RuntimeError(f"Slack said no to {BOT_TOKEN}")
    except RuntimeError:
        record = logging.makeLogRecord({"msg": "failed", "levelname": "ERROR"})
        record.exc_info = sys.exc_info()
    entry = formatted(record)
    assert entry["exc_type"] == "RuntimeError"
    assert BOT_TOKEN not in json.dumps(entry) and "[redacted]" in str(entry["exc"])


def test_configure_logging_writes_json_lines_at_the_configured_level(
        restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging(Settings(log_level="WARNING"), stream=stream)
    log = logging.getLogger("bot.test")
    log_event(log, "ignored_at_info", user="abc")
    log_event(log, "reply_failed", level=logging.WARNING, status=500, token=BOT_TOKEN)
    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["event"] == "reply_failed" and entry["status"] == 500
    assert entry["level"] == "WARNING" and entry["token"] == "[redacted]"


def test_configuring_twice_keeps_one_handler(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging(Settings(), stream=io.StringIO())
    configure_logging(Settings(), stream=stream)
    logging.getLogger("bot.test").info("once")
    assert stream.getvalue().count("once") == 1
    ours = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert len(ours) == 1


def test_library_debug_logs_need_both_debug_and_question_logging(restore_logging: None) -> None:
    configure_logging(Settings(log_level="DEBUG"), stream=io.StringIO())
    for name in ("slack_bolt", "slack_sdk.web.base_client", "urllib3"):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG)
    assert logging.getLogger("bot.core").isEnabledFor(logging.DEBUG)
    configure_logging(Settings(log_level="DEBUG", log_questions=True), stream=io.StringIO())
    assert logging.getLogger("slack_bolt").isEnabledFor(logging.DEBUG)


def test_unknown_log_level_is_a_config_error(restore_logging: None) -> None:
    with pytest.raises(ConfigError, match="EVIDENCE_BOT_LOG_LEVEL"):
        configure_logging(Settings(log_level="LOUD"), stream=io.StringIO())
