"""The Slack listeners: turn a mention, DM, command or button into a reply from the core.

Each request is logged once, as one JSON event (see ``bot.slack_audit``), and no
listener ever raises: a failed reply is logged, and the worker serves the next one.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Protocol

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.answer import Answer
from bot.config import Settings
from bot.errors import ThemeNotFound
from bot.feedback import FeedbackLog, hash_user
from bot.knowledge import Theme
from bot.ratelimit import RateLimiter
from bot.slack_audit import RequestRecord
from bot.slack_render import (
    SHARE_ACTION,
    VOTE_UP_ACTION,
    Request,
    SlackMessage,
    answer_message,
    help_message,
    home_view,
    notice_message,
    themes_message,
    unescape,
)
from bot.slack_reply import respond
from bot.slack_seen import SeenEvents

log = logging.getLogger("bot.slack_app")

DEFAULT_COMMAND = "/evidence"
SORRY = "Sorry, something went wrong while answering. Please try again in a moment."
THANKS = "Thanks for the feedback."


class CoreLike(Protocol):
    """What the adapter needs from ``bot.core.Core``."""

    @property
    def themes(self) -> tuple[Theme, ...]:
        """The curated themes."""
        ...

    def ask(self, question: str) -> Answer:
        """Answer a question (never raises for any text)."""
        ...

    def theme(self, name: str) -> Answer:
        """A theme's key quotes (raises ThemeNotFound)."""
        ...


def parse_command(text: str) -> tuple[str, str]:
    """Split command text into a verb (help, themes, theme, ask) and its argument."""
    stripped = text.strip()
    lower = stripped.lower().rstrip("?!. ")
    if lower in ("", "help"):
        return "help", ""
    if lower in ("themes", "theme", "list themes"):
        return "themes", ""
    match = re.match(r"(?is)^theme\s+(.+)$", stripped)
    if match:
        return "theme", match.group(1).strip()
    return "ask", stripped


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Remove ``<@UBOT>`` (and ``<@UBOT|name>``) from a message addressed to the bot."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return " ".join(text.split())


def wait_message(seconds: float) -> str:
    """The polite reply to someone over the rate limit, saying how long to wait."""
    wait = max(1, math.ceil(seconds))
    unit = "second" if wait == 1 else "seconds"
    return (f"Sorry, you've asked a lot of questions in the last minute. Please wait about "
            f"{wait} {unit} and ask again.")


_EVENT_KINDS = {"app_mention": "mention", "message": "dm", "app_home_opened": "home"}


class Listeners:
    """The app's listeners, sharing one core, feedback log, event record and rate limit."""

    def __init__(self, core: CoreLike, feedback: FeedbackLog, seen: SeenEvents,
                 settings: Settings, limiter: RateLimiter | None = None) -> None:
        self.core = core
        self.feedback = feedback
        self.seen = seen
        self.settings = settings
        self.limiter = limiter or RateLimiter(settings.rate_limit_per_minute)
        self._home = home_view(core.themes)

    # -- one log event per request -------------------------------------------

    def record(self, kind: str, user_id: object) -> RequestRecord:
        """A new record for a request from ``user_id`` (hashed at once)."""
        salt = self.settings.user_id_salt
        user = hash_user(user_id, salt) if isinstance(user_id, str) and user_id else None
        return RequestRecord(kind, user)

    @contextmanager
    def handling(self, record: RequestRecord) -> Iterator[RequestRecord]:
        """Run a listener's work: log its event at the end, and never let it raise."""
        try:
            yield record
        except Exception as err:  # noqa: BLE001 - a failed reply must not kill the worker
            record.failed(err)
        finally:
            record.emit(log)

    # -- composing replies -------------------------------------------------

    def answer(self, request: Request, record: RequestRecord, *, share: bool,
               shared_by: str | None = None, limited: bool = True) -> SlackMessage:
        """The rendered answer to a question or theme lookup; never raises.

        ``shared_by`` marks an answer being shared in a channel: its question is
        not echoed there if it looks like it holds personal data.
        """
        if self.settings.log_questions:
            record.question = request.text[: self.settings.max_question_chars]
        if limited and record.user:
            wait = self.limiter.wait_time(record.user)
            if wait:
                record.outcome = "rate_limited"
                return notice_message(wait_message(wait))
        started = time.perf_counter()
        try:
            result = self.core.theme(request.text) if request.kind == "theme" else self.core.ask(request.text)
        except ThemeNotFound as err:
            record.outcome = "not_found"
            return notice_message(str(err), theme_names=[t.name for t in self.core.themes])
        except Exception as err:  # noqa: BLE001 - the user gets an apology, the log the traceback
            record.failed(err)
            return notice_message(SORRY)
        record.took_answer(result, time.perf_counter() - started)
        again = Request(request.kind, result.question) if result.question else None
        if shared_by is not None and result.personal_data:
            result = replace(result, question="")
        return answer_message(result, again, share=share, shared_by=shared_by)

    def reply(self, text: str, record: RequestRecord, *, command: str, share: bool) -> SlackMessage:
        """The reply to command text or a message: help, themes, a theme, or an answer."""
        verb, arg = parse_command(text)
        record.extra["verb"] = verb
        if verb == "help":
            return help_message(self.core.themes, command)
        if verb == "themes":
            return themes_message(self.core.themes, command)
        return self.answer(Request("theme" if verb == "theme" else "ask", arg), record, share=share)

    # -- middleware ----------------------------------------------------------

    def skip_retries(self, body: dict[str, Any], context: BoltContext,
                     next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's argument name
        """Acknowledge, without answering again, an event that was already handled."""
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not self.seen.first_time(event_id):
            event = body.get("event") or {}
            record = self.record(_EVENT_KINDS.get(str(event.get("type")), "dm"), event.get("user"))
            record.outcome = "duplicate"
            record.emit(log, "Skipped a repeated delivery of an event")
            return context.ack()
        return next()

    # -- events --------------------------------------------------------------

    def on_mention(self, event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """``@evidence-bot question`` in a channel: answer in the message's thread."""
        with self.handling(self.record("mention", event.get("user"))) as record:
            if event.get("bot_id") or event.get("subtype"):
                record.outcome = "ignored"
                return
            text = strip_mention(unescape(event.get("text", "")), context.bot_user_id)
            message = self.reply(text, record, command=DEFAULT_COMMAND, share=False)
            client.chat_postMessage(channel=event["channel"],
                                    thread_ts=event.get("thread_ts") or event["ts"],
                                    **message.kwargs())

    def on_message(self, event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """A direct message: answer in the DM; ignore bots, edits and everything else."""
        with self.handling(self.record("dm", event.get("user"))) as record:
            if (event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id")
                    or event.get("user") in (None, context.bot_user_id)):
                record.outcome = "ignored"
                return
            text = strip_mention(unescape(event.get("text", "")), context.bot_user_id)
            message = self.reply(text, record, command=DEFAULT_COMMAND, share=False)
            client.chat_postMessage(channel=event["channel"], thread_ts=event.get("thread_ts"),
                                    **message.kwargs())

    def on_home_opened(self, event: dict[str, Any], client: WebClient) -> None:
        """Publish the App Home tab: how to ask, the command and the themes."""
        with self.handling(self.record("home", event.get("user"))) as record:
            if event.get("tab", "home") != "home" or not event.get("user"):
                record.outcome = "ignored"
                return
            client.views_publish(user_id=event["user"], view=self._home)

    # -- slash command and buttons -------------------------------------------

    def on_command(self, ack: Ack, command: dict[str, Any]) -> None:
        """``/evidence ...``: an ephemeral reply with a Share in channel button."""
        ack()
        with self.handling(self.record("slash", command.get("user_id"))) as record:
            name = command.get("command") or DEFAULT_COMMAND
            message = self.reply(unescape(command.get("text", "")), record, command=name, share=True)
            respond(command["response_url"], response_type="ephemeral", **message.kwargs())

    def on_share(self, ack: Ack, action: dict[str, Any], body: dict[str, Any]) -> None:
        """Share in channel: post the same answer for everyone, then drop the private copy."""
        ack()
        user = (body.get("user") or {}).get("id")
        with self.handling(self.record("action", user)) as record:
            record.extra["action"] = SHARE_ACTION
            try:
                request = Request.from_value(action.get("value", ""))
            except ValueError:
                record.outcome = "refused"
                respond(body["response_url"], response_type="ephemeral", replace_original=False,
                        **notice_message("That answer can no longer be shared.").kwargs())
                return
            # Not rate limited: it repeats an answer the user already asked for.
            message = self.answer(request, record, share=False, shared_by=user or "", limited=False)
            respond(body["response_url"], response_type="in_channel", replace_original=False,
                    **message.kwargs())
            respond(body["response_url"], delete_original=True)

    def on_vote(self, ack: Ack, action: dict[str, Any], body: dict[str, Any]) -> None:
        """👍/👎: record the vote with the question and passages, and say thanks."""
        ack()
        user = (body.get("user") or {}).get("id")
        with self.handling(self.record("action", user)) as record:
            record.extra["action"] = action.get("action_id")
            thanks = THANKS
            try:
                data = json.loads(action.get("value") or "{}")
                # A question that looked like personal data reaches us only as "pd".
                personal = bool(data.get("pd"))
                saved = self.feedback.record(
                    vote="up" if action.get("action_id") == VOTE_UP_ACTION else "down",
                    kind=str(data.get("k", "ask")),
                    question=None if personal else str(data.get("q", "")),
                    passage_ids=[str(p) for p in data.get("p", [])],
                    user_id=user, personal_data=personal)
                record.passages = saved["passages"]
                record.personal_data = saved["personal_data"]
            except (OSError, ValueError, AttributeError, TypeError) as err:
                record.outcome = "error"
                record.extra.update(error="feedback_not_saved", reason=type(err).__name__)
                thanks = "Thanks, but I couldn't save your feedback just now."
            respond(body["response_url"], response_type="ephemeral", replace_original=False,
                    **notice_message(thanks).kwargs())

    def on_theme_button(self, ack: Ack, action: dict[str, Any], body: dict[str, Any]) -> None:
        """A theme button: that theme's quotes, privately, with a Share in channel button."""
        ack()
        with self.handling(self.record("theme", (body.get("user") or {}).get("id"))) as record:
            message = self.answer(Request("theme", action.get("value", "")), record, share=True)
            respond(body["response_url"], response_type="ephemeral", replace_original=False,
                    **message.kwargs())
