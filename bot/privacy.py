"""Spot questions that look like they contain personal data about someone."""

from __future__ import annotations

import re

# Each pattern errs towards flagging: a false alarm costs a one-line reminder,
# a miss could put a child's details in a log or the feedback file.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an email address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("an NHS or CHI number", re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")),
    ("a phone number", re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}"
                                  r"[\s-]?\d{3,4}(?!\d)")),
    ("a postcode", re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b",
                              re.IGNORECASE)),
    ("a date of birth", re.compile(
        r"\b(?:d\.?o\.?b\.?|date of birth|born on)\b"
        r"|(?<!\d)(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:19|20)?\d\d(?!\d)"
        r"|\b(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep"
        r"|oct|nov|dec)[a-z]* (?:19|20)\d\d\b", re.IGNORECASE)),
)

REMINDER = ("Please don't share identifiable information about children and families in "
            "Slack: this question seems to include {what}.")


def personal_data_kinds(text: str) -> list[str]:
    """What kinds of personal data the text seems to contain (empty when none)."""
    return [kind for kind, pattern in _PATTERNS if pattern.search(text)]


def personal_data_notice(text: str) -> str | None:
    """A short reminder when the text looks like it holds personal data, else None."""
    kinds = personal_data_kinds(text)
    if not kinds:
        return None
    what = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return REMINDER.format(what=what)
