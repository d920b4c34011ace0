"""The Slack adapter: create_app(core, settings) wires Bolt listeners to the core.

Run it with ``run_socket_mode`` (``evidence-bot slack``) or ``run_http``
(``evidence-bot slack --http``). Listeners acknowledge first and answer after,
so Slack always gets its reply within three seconds.
"""

from __future__ import annotations

import logging
import re
import secrets
from concurrent.futures import Executor
from typing import Any
from urllib.error import URLError

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bot.config import Settings
from bot.errors import ConfigError
from bot.feedback import FeedbackLog
from bot.logs import log_event
from bot.ratelimit import RateLimiter
from bot.slack_listeners import CoreLike, Listeners
from bot.slack_render import SHARE_ACTION, THEME_ACTION_PREFIX, VOTE_DOWN_ACTION, VOTE_UP_ACTION
from bot.slack_reply import retry_handlers, sdk_logger
from bot.slack_seen import SeenEvents, seen_events_for
from bot.slack_server import EVENTS_PATH, make_http_server

log = logging.getLogger(__name__)


def make_web_client(settings: Settings) -> WebClient:
    """A WebClient for the bot token that retries rate limits, 5xx and dropped connections."""
    kwargs: dict[str, Any] = {}
    if settings.slack_api_url:
        # urljoin() drops the last path segment unless the base ends with "/".
        kwargs["base_url"] = settings.slack_api_url.rstrip("/") + "/"
    return WebClient(token=settings.slack_bot_token, timeout=30, retry_handlers=retry_handlers(),
                     logger=sdk_logger(), **kwargs)


class _ExpectedNotices(logging.Filter):
    """Drop Bolt's notice that the token comes from our client, not SLACK_BOT_TOKEN.

    Bolt reads SLACK_BOT_TOKEN itself and warns when a client is also given,
    which is exactly how this app is built; the warning would only alarm operators.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _library_loggers(settings: Settings) -> logging.Logger:
    """Quiet Bolt's and the SDK clients' loggers; return the one Bolt gets."""
    # At DEBUG they log whole request bodies (questions), so only with consent.
    verbose = settings.log_level == "DEBUG" and settings.log_questions
    bolt = logging.getLogger("bot.slack_app.bolt")
    if not any(isinstance(f, _ExpectedNotices) for f in bolt.filters):
        bolt.addFilter(_ExpectedNotices())
    bolt.setLevel(logging.DEBUG if verbose else logging.WARNING)
    sdk_logger().setLevel(logging.DEBUG if verbose else logging.CRITICAL)
    return bolt


def create_app(core: CoreLike, settings: Settings, *, client: WebClient | None = None,
               seen: SeenEvents | None = None, feedback: FeedbackLog | None = None,
               executor: Executor | None = None, limiter: RateLimiter | None = None) -> App:
    """A Bolt App answering mentions, DMs, ``/evidence`` and buttons from ``core``."""
    client = client or make_web_client(settings)
    listeners = Listeners(
        core,
        feedback or FeedbackLog(settings.feedback_path, settings.user_id_salt),
        seen or seen_events_for(settings.redis_url),
        settings,
        limiter,
    )
    try:
        app = App(
            name="evidence-bot",
            client=client,
            # Without a secret no HTTP request may verify, not even one signed with "".
            signing_secret=settings.slack_signing_secret or secrets.token_hex(32),
            logger=_library_loggers(settings),
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
    log_event(log, "connecting", msg="Connecting to Slack over Socket Mode")
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
    log_event(log, "serving", msg="Serving Slack requests over HTTP", host=host,
              port=server.effective_port, path=EVENTS_PATH)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
