"""The Slack adapter: create_app(core, settings) wires Bolt listeners to the core.

Run it with ``run_socket_mode`` (``evidence-bot slack``) or ``run_http``
(``evidence-bot slack --http``). Listeners acknowledge first and answer after,
so Slack always gets its reply within three seconds.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, Protocol
from urllib.error import URLError

from slack_bolt import Ack, App, BoltContext, Respond
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.answer import Answer
from bot.config import Settings
from bot.errors import ConfigError, ThemeNotFound
from bot.feedback import FeedbackLog
from bot.knowledge import Theme
from bot.slack_render import (
    SHARE_ACTION,
    THEME_ACTION_PREFIX,
    VOTE_DOWN_ACTION,
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
from bot.slack_seen import SeenEvents, seen_events_for
from bot.slack_server import EVENTS_PATH, make_http_server

log = logging.getLogger(__name__)

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


def make_web_client(settings: Settings) -> WebClient:
    """A WebClient for the bot token that retries rate limits, 5xx and dropped connections."""
    kwargs: dict[str, Any] = {}
    if settings.slack_api_url:
        # urljoin() drops the last path segment unless the base ends with "/".
        kwargs["base_url"] = settings.slack_api_url.rstrip("/") + "/"
    return WebClient(
        token=settings.slack_bot_token,
        timeout=30,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
        **kwargs,
    )


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


def _bolt_logger(settings: Settings) -> logging.Logger:
    # Bolt logs rejected request bodies at INFO; they can hold questions.
    bolt = logging.getLogger("bot.slack_app.bolt")
    bolt.setLevel(logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING)
    return bolt


class Listeners:
    """The app's listeners, sharing one core, feedback log and event record."""

    def __init__(self, core: CoreLike, feedback: FeedbackLog, seen: SeenEvents) -> None:
        self.core = core
        self.feedback = feedback
        self.seen = seen
        self._home = home_view(core.themes)

    # -- composing replies -------------------------------------------------

    def answer(self, request: Request, *, share: bool, shared_by: str | None = None
               ) -> SlackMessage:
        """The rendered answer to a question or theme lookup; never raises."""
        try:
            result = self.core.theme(request.text) if request.kind == "theme" else self.core.ask(request.text)
        except ThemeNotFound as err:
            return notice_message(str(err), theme_names=[t.name for t in self.core.themes])
        except Exception:
            log.exception("Answering a %s request failed", request.kind)
            return notice_message(SORRY)
        again = Request(request.kind, result.question) if result.question else None
        return answer_message(result, again, share=share, shared_by=shared_by)

    def reply(self, text: str, *, command: str, share: bool) -> SlackMessage:
        """The reply to command text or a message: help, themes, a theme, or an answer."""
        verb, arg = parse_command(text)
        if verb == "help":
            return help_message(self.core.themes, command)
        if verb == "themes":
            return themes_message(self.core.themes, command)
        return self.answer(Request("theme" if verb == "theme" else "ask", arg), share=share)

    # -- middleware ----------------------------------------------------------

    def skip_retries(self, body: dict[str, Any], context: BoltContext,
                     next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's argument name
        """Acknowledge, without answering again, an event that was already handled."""
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not self.seen.first_time(event_id):
            log.info("Skipped a repeated delivery of an event")
            return context.ack()
        return next()

    # -- events --------------------------------------------------------------

    def on_mention(self, event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """``@evidence-bot question`` in a channel: answer in the message's thread."""
        if event.get("bot_id") or event.get("subtype"):
            return
        text = strip_mention(unescape(event.get("text", "")), context.bot_user_id)
        message = self.reply(text, command=DEFAULT_COMMAND, share=False)
        client.chat_postMessage(channel=event["channel"],
                                thread_ts=event.get("thread_ts") or event["ts"],
                                **message.kwargs())

    def on_message(self, event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """A direct message: answer in the DM; ignore bots, edits and everything else."""
        if (event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id")
                or event.get("user") in (None, context.bot_user_id)):
            return
        text = strip_mention(unescape(event.get("text", "")), context.bot_user_id)
        message = self.reply(text, command=DEFAULT_COMMAND, share=False)
        client.chat_postMessage(channel=event["channel"], thread_ts=event.get("thread_ts"),
                                **message.kwargs())

    def on_home_opened(self, event: dict[str, Any], client: WebClient) -> None:
        """Publish the App Home tab: how to ask, the command and the themes."""
        if event.get("tab", "home") == "home" and event.get("user"):
            client.views_publish(user_id=event["user"], view=self._home)

    # -- slash command and buttons -------------------------------------------

    def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """``/evidence ...``: an ephemeral reply with a Share in channel button."""
        ack()
        name = command.get("command") or DEFAULT_COMMAND
        message = self.reply(unescape(command.get("text", "")), command=name, share=True)
        respond(response_type="ephemeral", **message.kwargs())

    def on_share(self, ack: Ack, action: dict[str, Any], body: dict[str, Any],
                 respond: Respond) -> None:
        """Share in channel: post the same answer for everyone, then drop the private copy."""
        ack()
        try:
            request = Request.from_value(action.get("value", ""))
        except ValueError:
            respond(response_type="ephemeral", replace_original=False,
                    **notice_message("That answer can no longer be shared.").kwargs())
            return
        user = (body.get("user") or {}).get("id")
        message = self.answer(request, share=False, shared_by=user)
        respond(response_type="in_channel", replace_original=False, **message.kwargs())
        respond(delete_original=True)

    def on_vote(self, ack: Ack, action: dict[str, Any], body: dict[str, Any],
                respond: Respond) -> None:
        """👍/👎: record the vote with the question and passages, and say thanks."""
        ack()
        vote = "up" if action.get("action_id") == VOTE_UP_ACTION else "down"
        try:
            data = json.loads(action.get("value") or "{}")
            self.feedback.record(vote=vote, kind=str(data.get("k", "ask")),
                                 question=str(data.get("q", "")),
                                 passage_ids=[str(p) for p in data.get("p", [])],
                                 user_id=(body.get("user") or {}).get("id"))
            thanks = THANKS
        except (OSError, ValueError, AttributeError) as err:
            log.error("Could not record feedback (%s)", type(err).__name__)
            thanks = "Thanks, but I couldn't save your feedback just now."
        respond(response_type="ephemeral", replace_original=False,
                **notice_message(thanks).kwargs())

    def on_theme_button(self, ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        """A theme button: that theme's quotes, privately, with a Share in channel button."""
        ack()
        message = self.answer(Request("theme", action.get("value", "")), share=True)
        respond(response_type="ephemeral", replace_original=False, **message.kwargs())


def create_app(core: CoreLike, settings: Settings, *, client: WebClient | None = None,
               seen: SeenEvents | None = None, feedback: FeedbackLog | None = None,
               executor: Executor | None = None) -> App:
    """A Bolt App answering mentions, DMs, ``/evidence`` and buttons from ``core``."""
    client = client or make_web_client(settings)
    listeners = Listeners(
        core,
        feedback or FeedbackLog(settings.feedback_path, settings.user_id_salt),
        seen or seen_events_for(settings.redis_url),
    )
    try:
        app = App(
            name="evidence-bot",
            client=client,
            # Without a secret no HTTP request may verify, not even one signed with "".
            signing_secret=settings.slack_signing_secret or secrets.token_hex(32),
            logger=_bolt_logger(settings),
            listener_executor=executor,
        )
    except BoltError:
        # Bolt checks the token with auth.test; its message would quote the response.
        raise ConfigError("Slack did not accept SLACK_BOT_TOKEN (auth.test failed): "
                          "check the token and SLACK_API_URL") from None
    except URLError as err:
        raise ConfigError(f"cannot reach the Slack API at {client.base_url} ({err.reason}): "
                          "check SLACK_API_URL and the network") from None
    _wire(app, listeners)
    return app


def _wire(app: App, listeners: Listeners) -> None:
    app.middleware(listeners.skip_retries)
    app.event("app_mention")(listeners.on_mention)
    app.event("message")(listeners.on_message)
    app.event("app_home_opened")(listeners.on_home_opened)
    # Whatever the command is called in this workspace, it is ours.
    app.command(re.compile(r"^/"))(listeners.on_command)
    app.action(SHARE_ACTION)(listeners.on_share)
    app.action(re.compile(rf"^({VOTE_UP_ACTION}|{VOTE_DOWN_ACTION})$"))(listeners.on_vote)
    app.action(re.compile(rf"^{THEME_ACTION_PREFIX}\d+$"))(listeners.on_theme_button)


def make_socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """A Socket Mode handler for the app: ``.connect()`` or ``.start()``, then ``.close()``."""
    settings.require_slack(http=False)
    return SocketModeHandler(app, app_token=settings.slack_app_token, web_client=app.client)


def run_socket_mode(core: CoreLike, settings: Settings) -> None:
    """``evidence-bot slack``: connect over Socket Mode and answer until interrupted."""
    settings.require_slack(http=False)
    handler = make_socket_mode_handler(create_app(core, settings), settings)
    log.info("Connecting to Slack over Socket Mode")
    try:
        handler.start()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()


def run_http(core: CoreLike, settings: Settings, host: str = "0.0.0.0", port: int = 3000) -> None:
    """``evidence-bot slack --http``: serve Slack's requests with waitress until interrupted."""
    settings.require_slack(http=True)
    server = make_http_server(create_app(core, settings), host, port)
    log.info("Serving Slack requests on http://%s:%d%s", host, server.effective_port, EVENTS_PATH)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
