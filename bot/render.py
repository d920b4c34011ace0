"""Render an Answer: as plain text for terminals (and below, for Slack)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from bot.answer import Answer, Quote
from bot.knowledge import Theme

WIDTH = 78


def quote_provenance(quote: Quote) -> str:
    """One line saying where a quote comes from: source, year and section."""
    year = f" ({quote.year})" if quote.year else ""
    return f"{quote.source}{year}, {quote.section}"


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def to_text(answer: Answer) -> str:
    """A readable plain-text answer, as ``ask`` and the console print it."""
    lines = [_wrap(answer.message, "")]
    lines += [_wrap(notice, "Note: ") for notice in answer.notices]
    for number, quote in enumerate(answer.quotes, 1):
        lines.append("")
        lines.append(f"{number}. " + _wrap(f"“{quote.text}”", "   ").lstrip())
        lines.append(_wrap(f"— {quote_provenance(quote)}", "   "))
        if quote.citations:
            lines.append(_wrap("Cites: " + "; ".join(quote.citations), "   "))
        if quote.url:
            lines.append(f"   {quote.url}")
        if quote.matched_terms:
            lines.append(_wrap("Matched: " + ", ".join(quote.matched_terms), "   "))
    if answer.suggestions:
        lines.append("")
        lines.append(_wrap("Themes you could try: " + ", ".join(answer.suggestions), ""))
    return "\n".join(lines)


def themes_text(themes: Iterable[Theme]) -> str:
    """One theme a line with its description, as ``evidence-bot themes`` prints."""
    themes = list(themes)
    if not themes:
        return "No themes are defined in this knowledge folder."
    width = max(len(t.name) for t in themes)
    return "\n".join(f"{t.name.ljust(width)}  {t.description}" for t in themes)
