"""Find the works a literature-review passage cites, as "Author(s) YEAR" strings.

Every author string is a verbatim slice of the input (only a trailing "'s" or the
dot of "et al." is left off), so a caller can check it with ``authors in text``.
Parsing is token-based with one linear regex, so no input can make it backtrack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

# A word keeps inner hyphens/dashes and apostrophes ("Percy-Smith", "O'Brien",
# "Lart's"); every other non-space character is a token of its own.
_TOKEN = re.compile(r"[^\W_]+(?:[-\u2010\u2011\u2012\u2013'\u2019][^\W_]+)*|\S")
# "2001a" marks a second work that year; "1990s" is a decade, not a citation.
_YEAR = re.compile(r"(?:1[5-9]|20)\d\d[a-rt-z]?")
_ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th)?")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "du", "da", "di", "del", "della",
                        "des", "la", "le", "ten", "ter", "dos", "das"})
_JOINERS = frozenset({"&", "and"})
# Lower-case words a corporate author may contain ("Department of Health").
_CONNECTORS = _JOINERS | {"of", "for", "the", "on", "in"}
# Words that may precede a citation in a parenthesis without being part of it.
_LEAD_INS = frozenset({"see", "also", "cf", "e", "g", "eg", "i", "ie", ".", "for", "example",
                       "and", "&", "the"})
# Capitalised words that start sentences or dates rather than author names;
# without them "However Smith (2003)" or "(January 2006)" would look cited.
_NOT_NAME_WORDS = """
    A An The This These That Those It Its Their His Her Our Some Many Most Other Others
    In On At By For From To Of With Within Without Since Until Before After During Between
    And But Or Nor Yet So As If When Where While Whilst Although Though Because Unlike Like
    However Similarly Also Both Thus Hence Indeed Further Furthermore Moreover Here There
    Then Therefore Finally First Second Third Perhaps Instead Likewise Notably Overall
    According Following Recently Previously Earlier Later See Cf Eg Circa Figure Table
    January February March April May June July August September October November December
    Spring Summer Autumn Winter
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
# A narrative author list is short; bounding the look-back keeps the scan linear.
_MAX_NAME_TOKENS = 16


@dataclass(frozen=True)
class Citation:
    """One cited work: the authors as written in the text, and its year if given."""

    authors: str
    year: str | None = None

    def __str__(self) -> str:
        """The work as "Authors YEAR", or just the authors when undated."""
        return f"{self.authors} {self.year}" if self.year else self.authors


class _Tok(NamedTuple):
    text: str
    start: int
    end: int


class _Name(NamedTuple):
    start: int
    end: int
    kind: str  # "surname", "personal" (joined or et al) or "corporate"
    clean: bool  # nothing but lead-ins ("see", "e.g.") was dropped before it


def parse_citations(text: str) -> list[str]:
    """The works cited in ``text`` as "Author(s) YEAR" strings, first-seen order, no repeats."""
    return [str(c) for c in find_citations(text)]


def find_citations(text: str) -> list[Citation]:
    """The works cited in ``text``, in order of first appearance, without duplicates."""
    if not isinstance(text, str) or not text:
        return []
    tokens = [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    found: list[tuple[int, int, str | None]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].text == "(":
            close = i + 1
            while close < len(tokens) and tokens[close].text not in ("(", ")"):
                close += 1
            if close < len(tokens) and tokens[close].text == ")":
                found.extend(_parse_group(tokens, i, close))
                i = close + 1
            else:
                i = close  # unclosed: the next "(" (if any) starts afresh
            continue
        if _is_possessive(tokens[i].text) and not _opens_paren(tokens, i + 1):
            name = _name_before(tokens, i)
            if name and name.kind == "personal":
                found.append((name.start, name.end, None))
        i += 1

    citations: list[Citation] = []
    seen: set[Citation] = set()
    # Narrative names sit before their "(year)", so order by where the authors start.
    for start, end, year in sorted(found, key=lambda w: w[0]):
        citation = Citation(text[start:end], year)
        if citation not in seen:
            seen.add(citation)
            citations.append(citation)
    return citations


def _parse_group(tokens: list[_Tok], open_: int, close: int) -> list[tuple[int, int, str | None]]:
    """Works in the parenthesis tokens[open_] .. tokens[close]."""
    segments: list[tuple[list[_Tok], bool]] = []
    current: list[_Tok] = []
    for tok in tokens[open_ + 1 : close]:
        if tok.text in (",", ";"):
            segments.append((current, tok.text == ";"))
            current = []
        else:
            current.append(tok)
    segments.append((current, False))

    works: list[tuple[int, int, str | None]] = []
    # The names of the last dated work, so "(Smith 2001, 2003)" cites Smith twice.
    last: tuple[int, int] | None = None
    if _year_of(segments[0][0]) and not _name_part(segments[0][0]):
        name = _name_before(tokens, open_ - 1) if open_ > 0 else None
        last = (name.start, name.end) if name else None
    # Name-only segments waiting for a year: the review runs author lists on with
    # commas ("Tisdall, Wallace, McGregor, Atkinson et al 2001" is one work).
    pending: list[_Name] = []

    def flush() -> None:
        # An undated work counts only when complete ("Park & Turnbull").
        if pending and pending[-1].kind == "personal":
            works.append((pending[0].start, pending[-1].end, None))
        pending.clear()

    for seg, hard in segments:
        year = _year_of(seg)
        part = _name_part(seg)
        name = _longest_name(part) if part else None
        if year and not part:
            if pending:
                last = (pending[0].start, pending[-1].end)
                pending.clear()
            if last:
                works.append((last[0], last[1], year))
        elif year and name:
            joins = (pending and name.clean and name.kind in ("surname", "personal")
                     and pending[-1].kind == "surname")
            start = pending[0].start if joins else name.start
            if not joins:
                flush()
            pending.clear()
            last = (start, name.end)
            works.append((start, name.end, year))
        elif name and name.clean and not _has_year_token(seg):
            if pending and (pending[-1].kind != "surname" or name.kind == "corporate"):
                flush()
            pending.append(name)
        else:
            flush()
            last = None
        if hard:
            flush()
    flush()
    # Without one dated work the parenthesis is an aside, not a citation list.
    return works if any(year for *_, year in works) else []


def _year_of(seg: list[_Tok]) -> str | None:
    """The year closing a segment ("Smith 2001", "2003: 12"), or None."""
    for k, tok in enumerate(seg):
        if _YEAR.fullmatch(tok.text):
            rest = seg[k + 1 :]
            # Only a page reference may follow the year.
            return tok.text if not rest or rest[0].text == ":" else None
    return None


def _has_year_token(seg: list[_Tok]) -> bool:
    return any(_YEAR.fullmatch(tok.text) for tok in seg)


def _name_part(seg: list[_Tok]) -> list[_Tok]:
    """The tokens before the year (all of them if there is no year), minus "et al."'s dot."""
    part = seg
    for k, tok in enumerate(seg):
        if _YEAR.fullmatch(tok.text):
            part = seg[:k]
            break
    if len(part) >= 2 and part[-1].text == "." and part[-2].text.casefold() == "al":
        part = part[:-1]
    return part


def _longest_name(part: list[_Tok], end: int | None = None,
                  last_word: str | None = None) -> _Name | None:
    """The longest tail of ``part`` that reads as an author name."""
    words = [tok.text for tok in part]
    if last_word is not None:
        words[-1] = last_word
    # Names are short; trying only the last few starts keeps long asides linear.
    for k in range(max(0, len(words) - _MAX_NAME_TOKENS), len(words)):
        kind = _name_kind(words[k:])
        # "In Scotland, Smith & Jones": a list right after a sentence opener is prose.
        if kind and not (k and words[k - 1] in _NOT_NAMES and "," in words[k:]):
            clean = all(w.casefold() in _LEAD_INS for w in words[:k])
            return _Name(part[k].start, part[-1].end if end is None else end, kind, clean)
    return None


def _name_before(tokens: list[_Tok], j: int) -> _Name | None:
    """The author name ending at tokens[j] (a narrative or possessive citation)."""
    if j < 0:
        return None
    # "Jones' (2003)": a bare apostrophe glued to the name is a plural possessive.
    if tokens[j].text in ("'", "\u2019") and j > 0 and tokens[j - 1].end == tokens[j].start:
        j -= 1
    last, end = tokens[j].text, tokens[j].end
    if _is_possessive(last):
        last, end = last[:-2], end - 2
    elif last == "." and j > 0 and tokens[j - 1].text.casefold() == "al":
        j -= 1
        last, end = tokens[j].text, tokens[j].end
    if not _may_be_in_name(last):
        return None
    first = j
    floor = max(0, j - _MAX_NAME_TOKENS + 1)
    while first > floor and _may_be_in_name(tokens[first - 1].text):
        first -= 1
    return _longest_name(tokens[first : j + 1], end, last)


def _may_be_in_name(word: str) -> bool:
    folded = word.casefold()
    return (_is_capitalised(word) or folded in _PARTICLES or folded in _CONNECTORS
            or folded in ("et", "al", ",") or folded in _ORDINAL_SUFFIXES
            or bool(_ORDINAL.fullmatch(word)))


def _name_kind(words: list[str]) -> str | None:
    """Classify words as "surname", "personal", "corporate", or None if not a name."""
    et_al = (len(words) >= 3 and words[-2].casefold() == "et"
             and words[-1].casefold() == "al")
    body = words[:-2] if et_al else words
    if not body or body[0] in _NOT_NAMES:
        return None
    groups: list[list[str]] = [[]]
    commas = joiners = 0
    previous = ""
    for word in body:
        if word == "," or word in _JOINERS:
            commas += word == ","
            joiners += word != ","
            if not (word in _JOINERS and previous == ","):  # an Oxford ", and" is one break
                groups.append([])
        else:
            groups[-1].append(word)
        previous = word
    if all(_is_surname(g) for g in groups):
        if commas and not (joiners or et_al):
            return None  # "Smith, Jones" alone is prose or two works, not one
        return "personal" if joiners or et_al else "surname"
    if commas or et_al:
        return None
    return "corporate" if _is_corporate(body) else None


def _is_surname(group: list[str]) -> bool:
    # "van Eyk": lower-case particles, then exactly one capitalised word.
    return (bool(group) and _is_capitalised(group[-1])
            and all(w in _PARTICLES for w in group[:-1]))


def _is_corporate(words: list[str]) -> bool:
    # "Integrated Care Network", "National Audit Office", "21 st Century Social Work".
    k = 0
    if _ORDINAL.fullmatch(words[0]):
        k = 2 if len(words) > 1 and words[1] in _ORDINAL_SUFFIXES else 1
    rest = words[k:]
    return (bool(rest) and _is_capitalised(rest[0]) and _is_capitalised(rest[-1])
            and all(_is_capitalised(w) or w in _CONNECTORS for w in rest))


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_possessive(word: str) -> bool:
    return len(word) > 2 and word[-2] in "'\u2019" and word[-1] == "s"


def _opens_paren(tokens: list[_Tok], k: int) -> bool:
    return k < len(tokens) and tokens[k].text == "("
