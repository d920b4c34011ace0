"""A question that looks like it holds personal data is answered with a reminder, but its text
never reaches the feedback file, a vote button, or a channel it is shared to."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from fakeslack import BOT_USER_ID, CHANNEL, USER, FakeSlack, button

from bot.core import Core

if TYPE_CHECKING:
    from slack_fixtures import RunningApp

pytest_plugins = ("slack_fixtures",)

pytestmark = pytest.mark.slow

PRIVATE = "Is co-location worth it for our Aberdeen team (call 01224 496000)?"
REMINDER = "Please don't share identifiable information about children and families in Slack"


def test_vote_on_an_answer_to_personal_data_records_no_question(
        slack: RunningApp, fake_slack: FakeSlack, core: Core) -> None:
    slack.event({"type": "app_mention", "channel": CHANNEL, "user": USER,
                 "text": f"<@{BOT_USER_ID}> {PRIVATE}", "ts": "1700000100.000200"})
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert REMINDER in post.text_everywhere()
    assert core.ask(PRIVATE).quotes[0].text.replace("&", "&amp;") in post.text_everywhere()
    vote = button(post.blocks, "vote_down")
    assert "01224" not in vote["value"] and "Aberdeen" not in vote["value"]
    (thanks,) = fake_slack.wait_for_response(slack.click(vote))
    assert thanks.body["text"] == "Thanks for the feedback."
    text = slack.settings.feedback_path.read_text(encoding="utf-8")
    record = json.loads(text)
    assert record["question"] is None and record["personal_data"] is True
    assert record["vote"] == "down"
    assert record["passages"] == [q.passage_id for q in core.ask(PRIVATE).quotes]
    assert "01224" not in text and "Aberdeen" not in text


def test_vote_on_an_ordinary_answer_still_records_its_question(
        slack: RunningApp, fake_slack: FakeSlack) -> None:
    (reply,) = fake_slack.wait_for_response(slack.command("Is co-location worth it?"))
    fake_slack.wait_for_response(slack.click(button(reply.blocks, "vote_up")))
    record = json.loads(slack.settings.feedback_path.read_text(encoding="utf-8"))
    assert record["question"] == "Is co-location worth it?" and record["personal_data"] is False


def test_sharing_an_answer_to_personal_data_shares_the_quotes_but_not_the_question(
        slack: RunningApp, fake_slack: FakeSlack, core: Core) -> None:
    (private,) = fake_slack.wait_for_response(slack.command(PRIVATE))
    assert "Aberdeen" in private.text_everywhere()  # only the asker sees their own question
    shared, deleted = fake_slack.wait_for_response(slack.click(button(private.blocks, "share")),
                                                   count=2)
    assert shared.body["response_type"] == "in_channel"
    everything = json.dumps(shared.body)  # button values included
    assert "Aberdeen" not in everything and "01224" not in everything
    assert core.ask(PRIVATE).quotes[0].text.replace("&", "&amp;") in shared.text_everywhere()
    assert f"Shared by <@{USER}>" in shared.text_everywhere()
    assert REMINDER in shared.text_everywhere()
    assert deleted.body["delete_original"] is True
