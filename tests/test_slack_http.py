"""The real Slack app in HTTP mode (waitress), driven by signed requests, answering a fake Slack."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from fakeslack import (
    BOT_ID,
    BOT_USER_ID,
    CHANNEL,
    DM_CHANNEL,
    USER,
    Call,
    FakeSlack,
    button,
    get,
    post_signed,
)
from waitress.trigger import trigger as Trigger  # noqa: N812 - waitress's class name

from bot.core import Core
from bot.feedback import hash_user
from bot.slack_server import HttpServer

if TYPE_CHECKING:
    from slack_fixtures import RunningApp

pytest_plugins = ("slack_fixtures",)

pytestmark = pytest.mark.slow

QUESTION = "What gets in the way of joint working?"


def quote_texts(core: Core, question: str) -> list[str]:
    """The verbatim quotes the core gives for a question (the answer users must see)."""
    answer = core.ask(question)
    assert answer.answered and answer.quotes
    return [q.text for q in answer.quotes]


def shown(call: Call) -> str:
    """What a call shows, as JSON with Slack's escaping of & < > left as is."""
    return call.text_everywhere()


def escaped(text: str) -> str:
    """How Slack message text must carry ``text``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def dm(text: str, **extra: object) -> dict[str, object]:
    """A direct message event from a person."""
    return {"type": "message", "channel_type": "im", "channel": DM_CHANNEL, "user": USER,
            "text": text, "ts": f"{time.time():.6f}", **extra}


def mention(text: str, **extra: object) -> dict[str, object]:
    """An app_mention event in a channel."""
    return {"type": "app_mention", "channel": CHANNEL, "user": USER,
            "text": f"<@{BOT_USER_ID}> {text}", "ts": "1700000100.000200", **extra}


# -- plumbing a Slack admin would notice ---------------------------------------


def test_url_verification_challenge_is_echoed(slack: RunningApp) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    status, body = slack.post_json({"type": "url_verification", "token": "legacy",
                                    "challenge": challenge})
    assert status == 200
    assert json.loads(body)["challenge"] == challenge


def test_health_check_is_ok_and_other_paths_are_not_found(slack: RunningApp) -> None:
    assert get(slack.base_url + "/healthz") == (200, b"ok\n")
    assert get(slack.base_url + "/nothing-here")[0] == 404
    assert get(slack.base_url + "/slack/events")[0] == 404


def test_request_with_wrong_signature_is_rejected(slack: RunningApp) -> None:
    status, _ = post_signed(slack.base_url + "/slack/events", b'{"type":"url_verification",'
                            b'"challenge":"x"}', "application/json", "not-the-secret")
    assert status == 401


def test_request_with_stale_timestamp_is_rejected(slack: RunningApp) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60
    status, _ = slack.post_json({"type": "url_verification", "challenge": "x"},
                                timestamp=six_minutes_ago)
    assert status == 401


# -- slash command -------------------------------------------------------------


def test_slash_question_gets_a_private_answer_quoting_the_review(
        slack: RunningApp, fake_slack: FakeSlack, core: Core) -> None:
    name = slack.command(QUESTION)
    (reply,) = fake_slack.wait_for_response(name)
    assert reply.body["response_type"] == "ephemeral"
    for text in quote_texts(core, QUESTION):
        assert escaped(text) in shown(reply)
    assert button(reply.blocks, "share")["text"]["text"] == "Share in channel"
    assert reply.body["unfurl_links"] is False


def test_slash_theme_quotes_that_theme(slack: RunningApp, fake_slack: FakeSlack,
                                       core: Core) -> None:
    theme = core.themes[0]
    name = slack.command(f"theme {theme.name}")
    (reply,) = fake_slack.wait_for_response(name)
    expected = core.theme(theme.name)
    assert expected.quotes
    assert escaped(expected.quotes[0].text) in shown(reply)
    assert reply.body["response_type"] == "ephemeral"


def test_slash_theme_with_unknown_name_says_so_and_offers_themes(
        slack: RunningApp, fake_slack: FakeSlack, core: Core) -> None:
    name = slack.command("theme zzqx-nothing")
    (reply,) = fake_slack.wait_for_response(name)
    assert "zzqx-nothing" in reply.body["text"]
    offered = {b["value"] for b in reply.blocks[-1]["elements"]}
    assert offered == {t.name for t in core.themes}


def test_slash_themes_lists_every_theme(slack: RunningApp, fake_slack: FakeSlack,
                                        core: Core) -> None:
    name = slack.command("themes")
    (reply,) = fake_slack.wait_for_response(name)
    for theme in core.themes:
        assert escaped(theme.name) in shown(reply)
        assert escaped(theme.description) in shown(reply)


@pytest.mark.parametrize("text", ["help", "", "  "])
def test_slash_help_or_nothing_explains_how_to_ask(slack: RunningApp, fake_slack: FakeSlack,
                                                   text: str) -> None:
    name = slack.command(text)
    (reply,) = fake_slack.wait_for_response(name)
    assert "/evidence theme" in shown(reply)
    assert reply.body["response_type"] == "ephemeral"


def test_theme_button_on_not_found_answer_looks_up_the_theme(
        slack: RunningApp, fake_slack: FakeSlack, core: Core) -> None:
    name = slack.command("zzqx qqzy")
    (reply,) = fake_slack.wait_for_response(name)
    assert "couldn't find" in reply.body["text"]
    click = slack.click(button(reply.blocks, "theme_pick_0"))
    (themed,) = fake_slack.wait_for_response(click)
    expected = core.theme(core.themes[0].name)
    assert escaped(expected.quotes[0].text) in shown(themed)


# -- mentions and direct messages ------------------------------------------------


def test_mention_in_a_thread_is_answered_in_that_thread(
        slack: RunningApp, fake_slack: FakeSlack, core: Core) -> None:
    slack.event(mention(QUESTION, thread_ts="1700000000.000100"))
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    assert post.body["thread_ts"] == "1700000000.000100"
    for text in quote_texts(core, QUESTION):
        assert escaped(text) in shown(post)
    assert f"<@{BOT_USER_ID}>" not in shown(post)  # the mention is not part of the question


def test_mention_at_top_level_starts_a_thread_under_it(slack: RunningApp,
                                                       fake_slack: FakeSlack) -> None:
    slack.event(mention(QUESTION))
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == "1700000100.000200"
    assert post.body["unfurl_links"] is False and post.body["unfurl_media"] is False


def test_direct_message_is_answered_in_the_dm(slack: RunningApp, fake_slack: FakeSlack,
                                              core: Core) -> None:
    slack.event(dm(QUESTION))
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == DM_CHANNEL
    assert "thread_ts" not in post.body
    assert escaped(quote_texts(core, QUESTION)[0]) in shown(post)


def test_retried_event_is_answered_only_once(slack: RunningApp, fake_slack: FakeSlack) -> None:
    event_id = slack.event(dm(QUESTION))
    fake_slack.wait_for("chat.postMessage")
    slack.event(dm(QUESTION), event_id=event_id,
                headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    slack.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_bots_edits_and_own_messages_are_ignored(slack: RunningApp,
                                                  fake_slack: FakeSlack) -> None:
    slack.event(dm(QUESTION, user=BOT_USER_ID, bot_id=BOT_ID))  # the bot's own answer
    slack.event(dm(QUESTION, subtype="bot_message", bot_id="BOTHER"))
    slack.event(dm(QUESTION, bot_id="BOTHER", user="UOTHERBOT"))
    slack.event(dm("", subtype="message_changed",
                   message={"type": "message", "user": USER, "text": QUESTION}))
    slack.event(dm(QUESTION, subtype="file_share"))
    slack.event(mention(QUESTION, bot_id="BOTHER"))
    slack.event({**dm(QUESTION), "channel_type": "channel", "channel": CHANNEL})
    slack.event(dm("the only real question: funding"))
    slack.drain()
    (post,) = fake_slack.calls_to("chat.postMessage")
    assert "funding" in shown(post)


def test_rate_limited_post_is_retried_after_retry_after(slack: RunningApp,
                                                        fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    slack.event(dm(QUESTION))
    first, second = fake_slack.wait_for("chat.postMessage", count=2)
    assert first.body["text"] == second.body["text"]
    slack.drain()
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


# -- escaping: nobody can make the bot ping @channel ------------------------------


def test_question_with_special_mentions_is_echoed_escaped(slack: RunningApp,
                                                          fake_slack: FakeSlack) -> None:
    hostile = "<!channel> & <@U123> funding <https://evil.example|click>"
    name = slack.command(hostile)
    (reply,) = fake_slack.wait_for_response(name)
    # Slack's own escaping of the event text, as it arrives in a mention:
    slack.event(mention(escaped(hostile).replace("&lt;", "<").replace("&gt;", ">")))
    (post,) = fake_slack.wait_for("chat.postMessage")
    for call in (reply, post):
        everything = shown(call)
        assert "<!channel>" not in everything and "<@U123>" not in everything
        assert "<https://evil" not in everything
        assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in everything


# -- buttons ------------------------------------------------------------------


def test_share_button_posts_the_answer_for_everyone(slack: RunningApp, fake_slack: FakeSlack,
                                                    core: Core) -> None:
    name = slack.command(QUESTION)
    (private,) = fake_slack.wait_for_response(name)
    click = slack.click(button(private.blocks, "share"))
    shared, deleted = fake_slack.wait_for_response(click, count=2)
    assert shared.body["response_type"] == "in_channel"
    for text in quote_texts(core, QUESTION):
        assert escaped(text) in shown(shared)
    assert f"Shared by <@{USER}>" in shown(shared)
    assert not any(b.get("action_id") == "share"
                   for block in shared.blocks for b in block.get("elements", []))
    assert deleted.body["delete_original"] is True


@pytest.mark.parametrize(("action_id", "vote"), [("vote_up", "up"), ("vote_down", "down")])
def test_vote_is_thanked_and_recorded_with_question_and_passages(
        slack: RunningApp, fake_slack: FakeSlack, core: Core, action_id: str, vote: str) -> None:
    slack.event(mention(QUESTION))
    (post,) = fake_slack.wait_for("chat.postMessage")
    click = slack.click(button(post.blocks, action_id), user="UVOTER")
    (thanks,) = fake_slack.wait_for_response(click)
    assert thanks.body["text"] == "Thanks for the feedback."
    assert thanks.body["response_type"] == "ephemeral"
    (line,) = slack.settings.feedback_path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["vote"] == vote
    assert record["question"] == QUESTION
    assert record["passages"] == [q.passage_id for q in core.ask(QUESTION).quotes]
    assert record["user"] == hash_user("UVOTER", slack.settings.user_id_salt)
    assert "UVOTER" not in line
    assert record["ts"]


# -- App Home -------------------------------------------------------------------


def test_opening_app_home_publishes_how_to_ask_and_the_themes(
        slack: RunningApp, fake_slack: FakeSlack, core: Core) -> None:
    slack.event({"type": "app_home_opened", "user": USER, "channel": DM_CHANNEL, "tab": "home",
                 "event_ts": "1700000000.1"})
    (publish,) = fake_slack.wait_for("views.publish")
    assert publish.body["user_id"] == USER
    view = publish.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "home"
    text = json.dumps(view)
    assert "/evidence" in text
    for theme in core.themes:
        assert escaped(theme.name) in text


# -- privacy ------------------------------------------------------------------------


def test_logs_hold_no_question_token_or_user_id(slack: RunningApp, fake_slack: FakeSlack,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    private = "Is Zebedee's funding at risk?"
    slack.command(private)
    event_id = slack.event(dm(private))
    slack.event(dm(private), event_id=event_id, headers={"X-Slack-Retry-Num": "1"})
    forged = json.dumps({"type": "event_callback", "event": dm(private)}).encode()
    assert post_signed(slack.base_url + "/slack/events", forged, "application/json",
                       "wrong-secret")[0] == 401
    fake_slack.wait_for("response_url")
    slack.drain()
    assert "repeated delivery" in caplog.text  # logging works, and says little
    settings = slack.settings
    for secret in ("Zebedee", settings.slack_bot_token, settings.slack_app_token,
                   settings.slack_signing_secret, USER):
        assert secret not in caplog.text


def test_server_closes_cleanly_when_its_wake_up_pipe_is_already_closed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Seen in CI: the serving loop had closed its trigger by the time close() pulled it.
    def wsgi(environ: dict, start_response: Callable) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    def closed_pipe(self: Trigger, thunk: Callable | None = None) -> None:
        raise OSError(9, "Bad file descriptor")

    server = HttpServer(wsgi, "127.0.0.1", 0, threads=1)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert get(f"http://127.0.0.1:{server.effective_port}/")[0] == 200
    monkeypatch.setattr(Trigger, "pull_trigger", closed_pipe)
    server.close()
    thread.join(10)
    assert not thread.is_alive()


def _serve_then_fail(server: HttpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def select_on_closed_socket() -> None:
        raise OSError(9, "Bad file descriptor")
    monkeypatch.setattr(server._server, "run", select_on_closed_socket)


def test_a_socket_closed_under_the_serving_loop_after_close_ends_it_quietly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # close() shuts the sockets from another thread; select() may then see a dead descriptor.
    server = HttpServer(lambda environ, start_response: [], "127.0.0.1", 0, threads=1)
    server.close()
    _serve_then_fail(server, monkeypatch)
    server.run()  # returns: the error is the close that was asked for


def test_a_socket_error_while_serving_normally_is_not_swallowed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    server = HttpServer(lambda environ, start_response: [], "127.0.0.1", 0, threads=1)
    _serve_then_fail(server, monkeypatch)
    with pytest.raises(OSError, match="Bad file descriptor"):
        server.run()
    server.close()
