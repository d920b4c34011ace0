"""Block Kit rendering: quotes shown verbatim and escaped, within Slack's limits."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.answer import Answer, Quote
from bot.core import Core
from bot.knowledge import Theme
from bot.slack_render import (
    ELLIPSIS,
    MAX_BLOCKS,
    MAX_BUTTON_VALUE,
    MAX_CONTEXT_ELEMENTS,
    MAX_FALLBACK_CHARS,
    MAX_SECTION_CHARS,
    Request,
    SlackMessage,
    answer_message,
    escape,
    escaped_len,
    help_message,
    home_view,
    shorten,
    themes_message,
    unescape,
    vote_value,
)

SENTENCE = "Joint training helped staff understand each other's roles and build trust over time."


def quote(text: str, **extra: Any) -> Quote:
    """A quote with plausible provenance."""
    fields: dict[str, Any] = dict(
        text=text, source="Exploring the evidence base", year=2006,
        section="5. What Works? › Professional Culture",
        citations=("Cameron & Lart 2003", "Johnson et al 2003"),
        url="https://www.gov.scot/publications/example/pages/6/", score=3.2,
        matched_terms=("joint", "training"), passage_id="sources/what-works#p3.s4")
    fields.update(extra)
    return Quote(**fields)


def answered(*quotes: Quote, question: str = "does joint training help?") -> Answer:
    """An answer carrying the given quotes."""
    return Answer(question=question, answered=True, message="Here is what the review says:",
                  quotes=quotes)


def sections(message: SlackMessage) -> list[str]:
    """The mrkdwn text of every section block."""
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def assert_within_slack_limits(message: SlackMessage) -> None:
    """Every limit Slack enforces on a message (or that keeps it readable)."""
    assert len(message.blocks) <= MAX_BLOCKS
    assert len(message.text) <= MAX_FALLBACK_CHARS
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_CHARS
        if block["type"] == "context":
            assert 1 <= len(block["elements"]) <= MAX_CONTEXT_ELEMENTS
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for element in block["elements"]:
                assert len(element["value"]) <= MAX_BUTTON_VALUE
                assert len(element["text"]["text"]) <= 75


# -- a real answer -------------------------------------------------------------


def test_real_answer_shows_each_quote_as_block_quote_with_provenance(core: Core) -> None:
    answer = core.ask("What gets in the way of joint working?")
    message = answer_message(answer, Request("ask", answer.question), share=True)
    assert_within_slack_limits(message)
    text = json.dumps(message.blocks, ensure_ascii=False)
    for q in answer.quotes:
        assert f">“{escape(q.text)}”" in sections(message)
        assert escape(q.section) in text
        assert str(q.year) in text
        assert ", ".join(q.matched_terms) in text
        assert f"<{q.url}|" in text
    assert message.kwargs()["unfurl_links"] is False


def test_every_theme_renders_within_limits(core: Core) -> None:
    for theme in core.themes:
        answer = core.theme(theme.name)
        assert_within_slack_limits(answer_message(answer, Request("theme", theme.name)))


# -- limits ---------------------------------------------------------------------


def test_many_long_quotes_stay_within_50_blocks_and_3000_chars() -> None:
    long_text = " ".join([SENTENCE] * 80)  # about 6,800 characters
    message = answer_message(answered(*[quote(long_text) for _ in range(40)]),
                             Request("ask", "q"), share=True)
    assert_within_slack_limits(message)
    assert "more passages not shown" in json.dumps(message.blocks)
    assert sections(message)[1].endswith(f"{ELLIPSIS}”")


def test_long_quote_is_cut_after_a_whole_sentence() -> None:
    long_text = " ".join([SENTENCE] * 80)
    body = sections(answer_message(answered(quote(long_text))))[1]
    assert body.endswith(f"time. {ELLIPSIS}”")
    assert len(body) <= MAX_SECTION_CHARS


def test_one_overlong_sentence_is_cut_between_words() -> None:
    words = ["partnership"] * 500
    body = sections(answer_message(answered(quote(" ".join(words)))))[1]
    assert re.search(rf"partnership{ELLIPSIS}”$", body)
    assert len(body) <= MAX_SECTION_CHARS


def test_escaping_does_not_push_a_quote_over_the_limit() -> None:
    text = " ".join(["Health & social care <services> worked together."] * 200)
    body = sections(answer_message(answered(quote(text))))[1]
    assert len(body) <= MAX_SECTION_CHARS
    assert body.endswith(f"together. {ELLIPSIS}”")


def test_very_long_question_keeps_votes_and_drops_only_the_share_button() -> None:
    question = "funding " * 400
    message = answer_message(answered(quote(SENTENCE), question=question),
                             Request("ask", question), share=True)
    assert_within_slack_limits(message)
    actions = [e["action_id"] for b in message.blocks if b["type"] == "actions"
               for e in b["elements"]]
    assert actions == ["vote_up", "vote_down"]
    vote = json.loads(message.blocks[-1]["elements"][0]["value"])
    assert vote["p"] == ["sources/what-works#p3.s4"]


@given(st.text(min_size=0, max_size=400), st.integers(min_value=5, max_value=300))
def test_shorten_never_exceeds_the_limit_and_keeps_a_verbatim_prefix(text: str,
                                                                     limit: int) -> None:
    cut = shorten(text, limit, measure=escaped_len)
    assert escaped_len(cut) <= limit
    if cut != text.strip():
        assert cut.endswith(ELLIPSIS)
        kept = cut[: -len(ELLIPSIS)].rstrip()
        assert text.strip().startswith(kept)


@given(st.lists(st.sampled_from(["care", "trust", "shared", "budget", "roles."]),
                min_size=1, max_size=200), st.integers(min_value=20, max_value=400))
def test_shorten_never_cuts_inside_a_word(words: list[str], limit: int) -> None:
    text = " ".join(words)
    cut = shorten(text, limit)
    kept = cut.removesuffix(ELLIPSIS).rstrip()
    assert kept == "" or text == kept or text[len(kept)] == " "


# -- escaping ---------------------------------------------------------------------


def test_user_text_and_quotes_are_escaped_so_nobody_is_pinged() -> None:
    hostile = "<!channel> & <@U123> <!here|here>"
    answer = Answer(question=hostile, answered=True, message="Found:",
                    quotes=(quote(f"Budgets <!everyone> & more {SENTENCE}"),),
                    notices=(f"Note {hostile}",))
    message = answer_message(answer, Request("ask", hostile), share=True)
    shown = json.dumps([message.text, _without_values(list(message.blocks))])
    assert "<!" not in shown and "<@" not in shown
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in shown
    assert "&lt;!everyone&gt;" in shown


def test_unescape_reverses_slack_escaping() -> None:
    assert unescape("&lt;b&gt; &amp;lt; &amp;") == "<b> &lt; &"
    assert unescape(escape("a & <b> > c")) == "a & <b> > c"


def _without_values(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_values(v) for k, v in data.items() if k != "value"}
    if isinstance(data, list):
        return [_without_values(v) for v in data]
    return data


# -- not found, themes, help, home ----------------------------------------------------


def test_not_found_answer_says_so_and_offers_theme_buttons(core: Core) -> None:
    answer = core.ask("zzqx qqzy")
    assert not answer.answered
    message = answer_message(answer, Request("ask", answer.question))
    assert "couldn't find" in message.text
    buttons = [e for b in message.blocks if b.get("block_id") == "theme_buttons"
               for e in b["elements"]]
    assert [b["value"] for b in buttons] == [t.name for t in core.themes][:25]
    assert_within_slack_limits(message)


def test_themes_list_help_and_home_name_every_theme() -> None:
    themes = [Theme(name=f"theme {i} & co", description=f"About <thing {i}>") for i in range(30)]
    for message in (themes_message(themes), help_message(themes)):
        assert_within_slack_limits(message)
        assert "theme 3 &amp; co" in json.dumps(message.blocks)
    home = json.dumps(home_view(themes))
    assert "About &lt;thing 29&gt;" in home and "/evidence theme &lt;name&gt;" in home
    assert "<question>" not in json.dumps(help_message(themes).blocks)


def test_vote_value_leaves_out_a_question_that_looks_like_personal_data() -> None:
    request = Request("ask", "funding for Jo Bloggs, 07700 900123?")
    ordinary = json.loads(vote_value(request, ["a#p1.s1"]))
    assert ordinary == {"k": "ask", "q": request.text, "p": ["a#p1.s1"]}
    private = vote_value(request, ["a#p1.s1"], personal_data=True)
    assert json.loads(private) == {"k": "ask", "pd": 1, "p": ["a#p1.s1"]}
    assert "Jo" not in private and "07700" not in private
