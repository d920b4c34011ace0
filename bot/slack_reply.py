"""Delivering replies to Slack: retry what Slack allows, and describe failures without secrets."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.error import HTTPError, URLError

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import BackoffRetryIntervalCalculator, RetryHandler, RetryIntervalCalculator
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

# The SDK clients log each failed attempt (and, at DEBUG, whole request bodies);
# we log one structured event per failed reply instead, so they get a quiet logger.
SDK_LOGGER = "bot.slack_sdk"


class ReplyFailed(Exception):
    """Slack refused a reply posted to a response_url, after any retries."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"response_url answered HTTP {status}")
        self.status = status
        self.error = error


# Back off 0.5 s then 1 s (plus up to 1 s of jitter) between retries; tests shorten it.
RETRY_INTERVAL: RetryIntervalCalculator = BackoffRetryIntervalCalculator(backoff_factor=0.5)


def retry_handlers() -> list[RetryHandler]:
    """Retry dropped connections, 429 (after Retry-After) and 500/503, a few times each."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=RETRY_INTERVAL),
        # Waits as long as Slack's Retry-After says, whatever RETRY_INTERVAL is.
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=RETRY_INTERVAL),
    ]


def sdk_logger() -> logging.Logger:
    """The logger handed to Slack SDK clients (set to CRITICAL unless debugging with consent)."""
    return logging.getLogger(SDK_LOGGER)


def respond(response_url: str, **message: Any) -> None:
    """POST a message to a response_url with retries; raise ReplyFailed if Slack refuses it."""
    # Bolt's own ``respond`` retries only dropped connections and returns a 500
    # or 429 as if it had worked; Slack accepts up to five posts to one URL.
    client = WebhookClient(url=response_url, timeout=30, retry_handlers=retry_handlers(),
                           logger=sdk_logger())
    response = client.send_dict({k: v for k, v in message.items() if v is not None})
    if response.status_code != 200:
        raise ReplyFailed(response.status_code, _error_code(response.body or ""))


def _error_code(body: str) -> str:
    # Slack answers a response_url with a short code ("expired_url"); the fake and
    # the Web API with {"ok": false, "error": ...}. Keep it short either way.
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()[:40]
    return str(data.get("error", ""))[:40] if isinstance(data, dict) else ""


def failure_fields(err: BaseException) -> dict[str, Any] | None:
    """Loggable facts about a failed call to Slack (never the URL, body or token), or None."""
    if isinstance(err, ReplyFailed):
        return {"error": "response_url_failed", "status": err.status, "slack_error": err.error}
    if isinstance(err, SlackApiError):
        data = err.response.data if isinstance(err.response.data, dict) else {}
        return {"error": "slack_api_error", "status": err.response.status_code,
                "slack_error": str(data.get("error", ""))[:40]}
    if isinstance(err, HTTPError):
        return {"error": "http_error", "status": err.code}
    if isinstance(err, (URLError, OSError)):
        reason = getattr(err, "reason", err)
        return {"error": "connection_failed", "reason": type(reason).__name__}
    if isinstance(err, SlackClientError):
        return {"error": "slack_client_error"}
    return None
