"""Render answers as Slack Block Kit messages: pure functions, escaped, within Slack's limits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.answer import Answer, Quote
from bot.knowledge import Theme
from bot.text import ABBREVIATIONS

# Slack's documented Block Kit limits (plus a sensible cap on the fallback text,
# which only shows in notifications and old clients).
MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_CHARS = 2000
MAX_FALLBACK_CHARS = 3000
MAX_BUTTON_VALUE = 2000
MAX_BUTTON_TEXT = 75
MAX_ACTIONS_ELEMENTS = 25
# How much of a user's question is echoed back above the answer.
MAX_ECHO_CHARS = 300
ELLIPSIS = "…"

SHARE_ACTION = "share"
VOTE_UP_ACTION = "vote_up"
VOTE_DOWN_ACTION = "vote_down"
THEME_ACTION_PREFIX = "theme_pick_"

Block = dict[str, Any]

# A sentence ends at . ! or ? (perhaps followed by closing quotes or brackets)
# before white space and something that can start a sentence.
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_WORD_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class Request:
    """What was asked, so a button can recompute the same answer later."""

    kind: str  # "ask" or "theme"
    text: str

    def to_value(self) -> str:
        """Compact JSON for a button's value."""
        return json.dumps({"k": self.kind, "q": self.text}, ensure_ascii=False,
                          separators=(",", ":"))

    @classmethod
    def from_value(cls, value: str) -> Request:
        """Parse a button value made by ``to_value`` (or a vote value)."""
        data = json.loads(value)
        kind = data.get("k")
        if kind not in ("ask", "theme") or not isinstance(data.get("q"), str):
            raise ValueError("not a request value")
        return cls(kind=kind, text=data["q"])


@dataclass(frozen=True)
class SlackMessage:
    """A message ready for chat.postMessage or a response_url: blocks and fallback text."""

    text: str
    blocks: tuple[Block, ...]

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments shared by chat.postMessage and ``respond``."""
        return {"text": self.text, "blocks": list(self.blocks),
                "unfurl_links": False, "unfurl_media": False}


def escape(text: str) -> str:
    """Escape Slack's control characters so user text can never ping or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of incoming message text (``&amp;`` last, as Slack does)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escaped_len(text: str) -> int:
    """The length of ``text`` once escaped."""
    return len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def _sentence_ends(text: str, upto: int) -> list[int]:
    """Offsets just after each sentence that ends before ``upto``."""
    ends = []
    for match in _SENTENCE_END.finditer(text, 0, min(len(text), upto + 80)):
        if match.end() > upto:
            break
        word = _WORD_BEFORE_DOT.search(text[max(0, match.start() - 16): match.start() + 1])
        # "et al. (2003)" or "e.g. Smith" do not end a sentence.
        if word and text[match.start()] == "." and word.group(1).lower() in ABBREVIATIONS:
            continue
        ends.append(match.end())
    return ends


def shorten(text: str, limit: int, measure: Callable[[str], int] = len) -> str:
    """Cut ``text`` to ``limit`` at a sentence end (else a word end), marking the cut with …."""
    text = text.strip()
    if measure(text) <= limit:
        return text
    # measure() is never less than len(), so no cut longer than limit can fit.
    for end in reversed(_sentence_ends(text, limit)):
        cut = text[:end] + " " + ELLIPSIS
        if measure(cut) <= limit:
            return cut
    for space in reversed([m.start() for m in re.finditer(r"\s+", text[: limit + 1])]):
        cut = text[:space].rstrip(" ,;:-–—") + ELLIPSIS
        if cut != ELLIPSIS and measure(cut) <= limit:
            return cut
    # One enormous word: nothing better than a hard cut is possible.
    cut = text[: max(0, limit - 1)]
    while cut and measure(cut + ELLIPSIS) > limit:
        cut = cut[: len(cut) - max(1, measure(cut + ELLIPSIS) - limit)]
    return cut + ELLIPSIS


def _escaped_fit(text: str, limit: int) -> str:
    """``text`` shortened so that it is at most ``limit`` once escaped, and escaped."""
    return escape(shorten(text, limit, measure=escaped_len))


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(texts: Iterable[str]) -> Block:
    elements = [_mrkdwn(t) for t in texts if t][:MAX_CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": _plain(shorten(label, MAX_BUTTON_TEXT)),
                              "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def quote_section(quote: Quote) -> Block:
    """A quote as a Slack block quote (every line prefixed ``>``), escaped and within limits."""
    # Each line gains "&gt;" (4 chars, after escaping the marker) plus quote marks.
    lines = quote.text.count("\n") + 1
    budget = MAX_SECTION_CHARS - 2 - 2 * lines
    body = _escaped_fit(quote.text, budget)
    quoted = "\n".join(">" + line for line in f"“{body}”".split("\n"))
    return _section(quoted)


def _link(url: str | None) -> str:
    if not url or not re.match(r"^https?://[^\s<>|]+$", url):
        return ""
    return f"<{escape(url)}|Read the source>"


def quote_context(quote: Quote, number: int) -> Block:
    """Where a quote comes from: source, year, section, cited works, link, matched terms."""
    limit = MAX_CONTEXT_CHARS - 16
    year = f" ({quote.year})" if quote.year else ""
    texts = [
        f"*{number}.* " + _escaped_fit(f"{quote.source}{year}", limit),
        "§ " + _escaped_fit(quote.section, limit) if quote.section else "",
        "Cites: " + _escaped_fit("; ".join(quote.citations), limit) if quote.citations else "",
        _link(quote.url),
        "_Matched: " + _escaped_fit(", ".join(quote.matched_terms), limit) + "_"
        if quote.matched_terms else "",
    ]
    return _context(texts)


def _fits(value: str) -> bool:
    return len(value) <= MAX_BUTTON_VALUE


def vote_value(request: Request, passage_ids: Sequence[str], personal_data: bool = False) -> str:
    """A vote button's value: what was asked and which passages answered, within 2,000 chars.

    When the question looks like it holds personal data it is left out (``"pd":1``
    instead), so the vote handler never has the text to write to the feedback file.
    """
    ids = list(passage_ids)
    text = request.text
    while True:
        data: dict[str, Any] = {"k": request.kind, "pd": 1} if personal_data else {
            "k": request.kind, "q": text}
        value = json.dumps({**data, "p": ids}, ensure_ascii=False, separators=(",", ":"))
        if _fits(value):
            return value
        # Passage ids matter more than the full wording of a long question.
        if len(text) > 20:
            text = text[: max(20, len(text) - (len(value) - MAX_BUTTON_VALUE) - 1)]
        elif ids:
            ids.pop()
        else:
            return value[:MAX_BUTTON_VALUE]


def _footer(answer: Answer, request: Request | None, share: bool) -> list[Block]:
    if request is None:
        return []
    ids = [q.passage_id for q in answer.quotes]
    vote = vote_value(request, ids, answer.personal_data)
    buttons = [_button("👍 Helpful", VOTE_UP_ACTION, vote),
               _button("👎 Not helpful", VOTE_DOWN_ACTION, vote)]
    share_value = request.to_value()
    if share and _fits(share_value):
        buttons.append(_button("Share in channel", SHARE_ACTION, share_value, style="primary"))
    return [{"type": "actions", "block_id": "answer_actions", "elements": buttons}]


def theme_buttons(names: Sequence[str]) -> list[Block]:
    """Buttons that look up a theme each (at most 25, Slack's limit for one actions block)."""
    buttons = [_button(name, f"{THEME_ACTION_PREFIX}{i}", name[:MAX_BUTTON_VALUE])
               for i, name in enumerate(names[:MAX_ACTIONS_ELEMENTS])]
    if not buttons:
        return []
    return [{"type": "actions", "block_id": "theme_buttons", "elements": buttons}]


def _suggestions(answer: Answer) -> list[Block]:
    if not answer.suggestions:
        return []
    listed = ", ".join(answer.suggestions)
    return [_section("*Themes you could try:* " + _escaped_fit(listed, MAX_SECTION_CHARS - 30)),
            *theme_buttons(answer.suggestions)]


def _echo(answer: Answer, shared_by: str | None) -> list[Block]:
    texts = []
    if answer.kind == "question" and answer.question:
        texts.append("*Q:* " + _escaped_fit(answer.question, MAX_ECHO_CHARS))
    if shared_by and _USER_ID.match(shared_by):
        texts.append(f"Shared by <@{shared_by}>")
    return [_context(texts)] if texts else []


def fallback_text(answer: Answer) -> str:
    """The plain ``text`` of a message: what notifications and screen readers show."""
    parts = [answer.message, *answer.notices]
    for number, quote in enumerate(answer.quotes, 1):
        year = f" ({quote.year})" if quote.year else ""
        parts.append(f"{number}. “{quote.text}” — {quote.source}{year}")
    if answer.suggestions:
        parts.append("Themes you could try: " + ", ".join(answer.suggestions))
    return _escaped_fit("\n".join(parts), MAX_FALLBACK_CHARS)


def answer_message(answer: Answer, request: Request | None = None, *, share: bool = False,
                   shared_by: str | None = None) -> SlackMessage:
    """An Answer as Block Kit: quotes as block quotes with provenance, votes and share buttons."""
    head = [*_echo(answer, shared_by), _section(_escaped_fit(answer.message, MAX_SECTION_CHARS))]
    if answer.notices:
        head.append(_context(_escaped_fit(n, MAX_CONTEXT_CHARS) for n in answer.notices))
    tail = _suggestions(answer) + _footer(answer, request, share)
    room = MAX_BLOCKS - len(head) - len(tail)
    quotes = list(answer.quotes)
    if 2 * len(quotes) > room:
        # Keep room for a note saying how many passages were left out.
        quotes = quotes[: max(0, (room - 1) // 2)]
    body: list[Block] = []
    for number, quote in enumerate(quotes, 1):
        body += [quote_section(quote), quote_context(quote, number)]
    if len(quotes) < len(answer.quotes):
        left = len(answer.quotes) - len(quotes)
        body.append(_context([f"{left} more passage{'s' if left > 1 else ''} not shown."]))
    return SlackMessage(text=fallback_text(answer), blocks=tuple(head + body + tail))


def notice_message(text: str, theme_names: Sequence[str] = ()) -> SlackMessage:
    """A short message (an error or an acknowledgement), escaped; optionally theme buttons."""
    blocks = (_section(_escaped_fit(text, MAX_SECTION_CHARS)), *theme_buttons(theme_names))
    return SlackMessage(text=_escaped_fit(text, MAX_FALLBACK_CHARS), blocks=blocks)


def _theme_lines(themes: Sequence[Theme]) -> str:
    lines = [f"• *{escape(t.name)}*: {escape(t.description)}" for t in themes]
    return shorten("\n".join(lines), MAX_SECTION_CHARS)


def themes_message(themes: Sequence[Theme], command: str = "/evidence") -> SlackMessage:
    """The list of themes, with a button to look up each one."""
    if not themes:
        return notice_message("No themes are defined in this knowledge folder.")
    head = _section(escape(f"*Themes* (look one up with `{command} theme <name>`):"))
    blocks = (head, _section(_theme_lines(themes)), *theme_buttons([t.name for t in themes]))
    text = "Themes: " + ", ".join(t.name for t in themes)
    return SlackMessage(text=_escaped_fit(text, MAX_FALLBACK_CHARS), blocks=blocks)


def usage_lines(command: str = "/evidence") -> str:
    """How to ask, in Slack mrkdwn (escaped: ``<question>`` must not read as a link)."""
    return escape("\n".join([
        f"• `{command} <question>`: quotes from the evidence review that answer it (only you"
        " see them, until you press *Share in channel*)",
        f"• `{command} theme <name>`: the key quotes on one theme",
        f"• `{command} themes`: the list of themes",
        f"• `{command} help`: this message",
        "• Mention me in a channel (`@evidence-bot <question>`) and I answer in the thread,"
        " or send me a direct message.",
    ]))


def help_message(themes: Sequence[Theme], command: str = "/evidence") -> SlackMessage:
    """What the bot does and how to ask it."""
    intro = ("I answer questions about integrated children's services by quoting the published"
             " evidence review word for word, with its citations. I never paraphrase or guess.")
    blocks: list[Block] = [_section(intro), _section(usage_lines(command))]
    if themes:
        names = ", ".join(escape(t.name) for t in themes)
        blocks.append(_context([shorten("*Themes:* " + names, MAX_CONTEXT_CHARS)]))
    return SlackMessage(text=intro, blocks=tuple(blocks))


def home_view(themes: Sequence[Theme], command: str = "/evidence") -> dict[str, Any]:
    """The App Home tab: how to ask, the slash command, and the themes."""
    blocks: list[Block] = [
        {"type": "header", "text": _plain("evidence-bot")},
        _section("Ask a question about integrated children's services and I reply with"
                 " verbatim quotes from the evidence review, each with its source and"
                 " citations. If the review doesn't cover it, I say so."),
        {"type": "header", "text": _plain("How to ask")},
        _section(usage_lines(command)),
        {"type": "header", "text": _plain("Themes")},
    ]
    blocks.append(_section(_theme_lines(themes)) if themes
                  else _section("No themes are defined yet."))
    return {"type": "home", "blocks": blocks}
