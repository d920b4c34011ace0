"""One structured log event per handled Slack request: who (hashed), what happened, how long."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from bot.answer import Answer
from bot.logs import log_event
from bot.slack_reply import failure_fields

EVENT = "slack_request"
KINDS = ("mention", "dm", "slash", "theme", "action", "home")
OUTCOMES = ("answered", "not_found", "refused", "rate_limited", "error", "ignored", "duplicate")

_LEVELS = {"error": logging.ERROR, "ignored": logging.DEBUG}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


@dataclass
class RequestRecord:
    """What one request did; ``emit`` logs it. Holds no names, channels or (by default) text."""

    kind: str
    user: str | None  # hashed with bot.feedback.hash_user, never the raw Slack id
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    outcome: str = "answered"
    passages: list[str] = field(default_factory=list)
    personal_data: bool = False
    core_ms: float | None = None
    question: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None] | None = None
    started: float = field(default_factory=time.perf_counter)

    def took_answer(self, answer: Answer, core_seconds: float) -> None:
        """Note what the core answered: outcome, passage ids, personal-data flag, time."""
        self.outcome = "answered" if answer.answered else (
            "refused" if answer.reason == "unclear" else "not_found")
        self.passages = [q.passage_id for q in answer.quotes]
        self.personal_data = self.personal_data or answer.personal_data
        self.core_ms = _ms(core_seconds)

    def failed(self, err: BaseException) -> None:
        """Note an exception: facts about a Slack failure, or the traceback of a bug."""
        self.outcome = "error"
        facts = failure_fields(err)
        if facts is not None:
            self.extra.update(facts)
        else:
            self.exc_info = (type(err), err, err.__traceback__)

    def fields(self) -> dict[str, Any]:
        """The event's JSON fields; ``question`` only if it was recorded (an opt-in)."""
        fields: dict[str, Any] = {
            "request_id": self.request_id, "kind": self.kind, "user": self.user,
            "outcome": self.outcome, "passages": self.passages,
            "personal_data": self.personal_data,
            "reply_ms": _ms(time.perf_counter() - self.started),
        }
        if self.core_ms is not None:
            fields["core_ms"] = self.core_ms
        fields.update(self.extra)
        if self.question is not None:
            fields["question"] = self.question
        return fields

    def emit(self, logger: logging.Logger, msg: str | None = None) -> None:
        """Log the request as one JSON event (ERROR for errors, DEBUG for ignored events)."""
        level = _LEVELS.get(self.outcome, logging.INFO)
        log_event(logger, EVENT, level=level, msg=msg or f"Slack {self.kind} request: {self.outcome}",
                  exc_info=self.exc_info, **self.fields())

