"""The core: question in, Answer out. Knows nothing about Slack or terminals."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from bot.answer import Answer, Quote
from bot.citations import parse_citations
from bot.errors import ThemeNotFound
from bot.index import Concept, Hit, Index, Reading, Tuning, names_source
from bot.knowledge import Knowledge, Paragraph, Theme, load_knowledge
from bot.privacy import personal_data_notice
from bot.startup import collector_paused
from bot.text import fold, word_count, words

MAX_QUOTES = 3
# A sentence opening with one of these leans on the one before it, so the
# quote starts a sentence earlier to stay understandable on its own.
_ANAPHORA = re.compile(
    r"^(this|these|that|those|such|it|they|similarly|however|instead|in fact|in addition|"
    r"consequences|for instance|likewise|thus|therefore|hence|as a result)\b",
    re.IGNORECASE,
)
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
# Questions about one's own errands or local, current facts ("How do I claim
# mileage?", "What time does the canteen close?", "Which school has a vacancy?",
# "What's the training budget this year?", "Any tips for chairing a meeting?") are never
# answered by research evidence, however many everyday words they share with it; they
# need stronger support.
_PRACTICAL = re.compile(
    r"^(?:(?:how|where|when|who|what) (?:do|can|could|should|shall|would|will|must|may) i\b"
    r"|(?:can|could|may|might|shall|will) (?:i|someone|somebody|anyone|you)\b"
    r"|what time\b"
    r"|when (?:is|are|does|do) (?:the|our|my) (?:next|last)\b"
    r"|what'?s the (?:number|phone|email|address|date|deadline|budget|salary|pay|rate|age|link"
    r"|form|password)\b"
    r"|which\b|who(?:'s| is| are| provides| runs| won| wins| will win)\b"
    r"|when (?:does|do|will|is|are) [^?]*\b(?:start|starts|begin|begins|open|opens|close"
    r"|closes|finish|finishes|end|ends|due)\b"
    r"|how (?:much|many|long)\b(?! (?:does|do|did|would|will|should) (?:it|that|this|they) )"
    r"(?![^?.!]*\bmatter)"
    r"|what happened to\b|(?:at )?what age\b"
    r"|(?:any|got any) recommendations\b|(?:does )?any(?:one|body) (?:know|have|got)\b"
    r"|what'?s a good\b|(?:is there|have you got|do you have) a form\b"
    r"|what'?s the (?:normal|usual|average|typical|recommended) (?:age|range|number|ratio"
    r"|caseload|size|amount|length)\b"
    r"|(?:is|are) there (?:any )?(?:funding|money|grants?) (?:for|to)\b)",
    re.IGNORECASE)
# "What's this chapter for?", "what's the review covering": asking what the source itself
# covers, whatever topic words follow ("…just the obstacles, or what makes it work too?").
_OVERVIEW = re.compile(r"\bwhat\b[^?]*?\b(?:cover(?:s|ed|ing)?|setting out|sets? out to"
                       r"|(?:trying|meant|supposed|aiming|set) to (?:do|achieve|say|show)\b"
                       r"|(?:about|for)\s*(?:$|[?!:,\-–—]))")
# Questions that ask for a figure ("how many…", "what percentage…", "how much funding…",
# "any statistics on…") are answered only by a passage that gives one. "How many studies…"
# is answered by the works a passage cites, and "how much does it matter" asks a degree.
_ASKS_FIGURE = re.compile(
    r"\b(?:how many\b(?! (?:of (?:the|these|those) |different )?(?:studies|reports|papers"
    r"|authors|researchers|reviews|sources|evaluations|times|barriers|factors|things|reasons"
    r"|ways)\b)"
    r"|what (?:percentage|proportion|percent|fraction|ratio)\b|per ?cent(?:age)?\b"
    r"|how much (?:money|funding|cash)\b|how much [^?.!]*\b(?:cost|costs|costing|save|saves"
    r"|saving|spend|spent|receive|received|paid)\b"
    r"|how long\b|(?:figures?|statistics|stats)\b)|%|£|\$", re.IGNORECASE)
# "What sample size did…", "which leadership programme do…": the words between the
# question word and its verb name what is asked for.
_AUX = r"(?:is|are|was|were|do|does|did|has|have|can|could|should|would|will|might|must)"
_FOCUS = re.compile(
    r"^(?:so |and |but |ok,? )?(?:what|which)\s+(?:(?:kinds?|sorts?|types?) of )?"
    rf"(?!(?:{_AUX}|about|if|else|exactly)\b)"
    rf"([a-z'-]+(?:\s(?!{_AUX}\b)[a-z'-]+){{0,3}})\s+{_AUX}\b", re.IGNORECASE)
# A figure in a passage: a number that is not a year ("a 3-year project", "40%"), a
# currency sign, or one written in words ("two thirds", "the majority").
_FIGURE = re.compile(
    r"(?<![\d.,])(?!(?:1[89]|20)\d\d(?!\d))\d+(?:[.,]\d+)*(?!\d)(?!\s?(?:st|nd|rd|th|s)\b)"
    r"|[%£$€]"
    r"|\b(?:per ?cent|half|halves|thirds?|quarters?|majority|minority|dozens?|hundreds?"
    r"|thousands?|millions?|billions?|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|twice|double|treble)\b",
    re.IGNORECASE)
# Legislation ("the Children (Scotland) Act 1995") is law, not research evidence.
_LEGISLATION = re.compile(r"\bAct\b|\bact (?:19|20)\d\d\b")
# A year after the newest source's ("in 2023-24", "the 2019 guidance") asks about what
# came later, which the knowledge cannot know. A date's year ("DOB 12/03/2015") is not.
_YEAR = re.compile(r"(?<![\d/.\-])(1[89]\d\d|2\d\d\d)(?![\d/])")
# ... and so are questions about now ("this year", "next month", "the current rules"): checked
# in the sentence that asks, since a story before it often says "last week". Not "next
# year": not knowing next year's money is the review's own topic.
_CURRENT = re.compile(r"\b(?:(?:this|next|last) (?:month|week|weekend|term)|this year|today"
                      r"|tomorrow|tonight|right now|current|latest|newest|up[ -]to[ -]date)\b",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Policy:
    """When to answer and how much to quote; calibrated with ``evidence-bot eval``."""

    min_coverage: float = 0.35
    min_coverage_practical: float = 0.6
    follow_ratio: float = 0.3
    # Refuse when the known off-topic questions closest to a question match it better
    # than this many times the closest answerable ones; an errand ("How do I…",
    # "which…", a name the sources never mention) is refused sooner. 0 turns it off.
    off_topic_ratio: float = 0.97
    off_topic_ratio_practical: float = 0.8
    # Refuse a question whose focus ("what sample size…") is a word the knowledge never uses.
    focus_check: bool = True
    max_quote_words: int = 75
    max_question_chars: int = 1000


def clean_question(raw: str) -> str:
    """Remove control characters and undecodable bytes; fold runs of whitespace."""
    text = raw.encode("utf-8", "replace").decode("utf-8")
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs", "Co") else ch for ch in text)
    return " ".join(text.split())


class Core:
    """Loaded knowledge plus its index; answers questions and theme lookups."""

    def __init__(self, knowledge: Knowledge, tuning: Tuning | None = None,
                 policy: Policy | None = None, cache: Path | None = None) -> None:
        self.knowledge = knowledge
        self._cache = cache
        self.index = Index(knowledge, tuning, cache)
        self.policy = policy or Policy()
        years = [s.year for s in knowledge.sources if s.year is not None]
        self._newest_year = max(years) if len(years) == len(knowledge.sources) else None
        # Quotes recur across questions; parse each one's citations once.
        self._citations = lru_cache(maxsize=4096)(lambda text: tuple(parse_citations(text)))

    @classmethod
    def load(cls, folder: str | Path | None = None, *, tuning: Tuning | None = None,
             policy: Policy | None = None, cache: Path | None = None) -> Core:
        """Load a knowledge folder (the bundled one by default) and index it; ``cache`` is
        the start-up cache folder (see ``bot.stemcache``).

        The cyclic garbage collector is paused meanwhile (``bot.startup``).
        """
        with collector_paused():
            return cls(load_knowledge(folder, cache), tuning, policy, cache)

    def unlearn(self, origins: Collection[str]) -> Core:
        """This bot as if it had never learned from the named question sets."""
        examples = tuple(e for e in self.knowledge.examples if e.origin not in origins)
        return Core(replace(self.knowledge, examples=examples), self.index.tuning,
                    self.policy, self._cache)

    @property
    def themes(self) -> tuple[Theme, ...]:
        """The curated themes, in file order."""
        return self.knowledge.themes

    def ask(self, question: str) -> Answer:
        """Answer a question with up to three verbatim quotes, or say plainly that none fit."""
        text = clean_question(question)
        notices: list[str] = []
        limit = self.policy.max_question_chars
        if len(text) > limit:
            cut = text[:limit]
            text = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut
            notices.append(f"Your question was long, so only its first {limit:,} characters "
                           "were used.")
        privacy = personal_data_notice(text)
        if privacy:
            notices.append(privacy)
        answer = self._answer(text, notices)
        return replace(answer, personal_data=privacy is not None)

    def _answer(self, text: str, notices: list[str]) -> Answer:
        if not _LETTER_OR_DIGIT.search(text):
            return self._refuse(text, "Please ask a question in words, for example: "
                                "“What gets in the way of joint working?”", notices, "unclear")
        reading = self.index.read(text)
        concepts = list(reading.concepts)
        if names_source(text) and (_OVERVIEW.search(fold(text)) or all(
                self.index.is_generic(c) for c in concepts)):
            # "What is this review about?": nothing to search for but the knowledge itself.
            return self._overview(text, notices)
        if not concepts:
            return self._refuse(text, "Your question has no words I can look up (only very "
                                "common ones). Try naming the topic, for example “funding” or "
                                "“professional culture”.", notices, "unclear")
        # In a long message, the sentence that asks may be an errand behind a story.
        practical = self._is_errand(text, reading)
        # An errand is judged whole: the best stretch of a long message may leave its
        # story aside, but not the errand ("…parking permits, or claim it as expenses?").
        hits = self.index.search(concepts, k=12, whole=practical)
        if (not hits or not self._supported(hits[0], practical)
                or self._like_off_topic(hits[0], concepts, practical)):
            return self._refuse(text, f"I couldn't find anything in {self._holdings} that "
                                "answers that, so I won't guess.", notices)
        if _ASKS_FIGURE.search(reading.asking) and not _FIGURE.search(hits[0].text):
            return self._refuse(text, "That asks for a figure, and the passages nearest it in "
                                f"{self._holdings} give none, so I won't guess one.", notices)
        missing = self._missing_focus(reading.asking, hits[0]) if self.policy.focus_check else []
        if missing:
            return self._refuse(text, "I couldn't find anything about "
                                f"{' or '.join(f'“{w}”' for w in missing)} in {self._holdings}, "
                                "so I won't guess.", notices)
        quotes = self._compose(hits)
        return Answer(question=text, answered=True, message=self._found_message(quotes),
                      quotes=quotes, notices=tuple(notices))

    def _overview(self, text: str, notices: list[str]) -> Answer:
        """How each source opens: its own words for what it covers."""
        quotes: list[Quote] = []
        seen: set[str] = set()
        for paragraph in self.knowledge.paragraphs:
            if paragraph.source.id in seen or len(quotes) == MAX_QUOTES:
                continue
            seen.add(paragraph.source.id)
            last = 0
            while (last + 1 < len(paragraph.spans) and word_count(
                    paragraph.excerpt(0, last + 1)) <= self.policy.max_quote_words):
                last += 1
            quotes.append(self._quote(paragraph, 0, last))
        what = (f"What {self._holdings} covers, in its own opening words" if len(quotes) == 1
                else f"What the {len(quotes)} sources I hold cover, in their own opening words")
        return Answer(question=text, answered=True, quotes=tuple(quotes), notices=tuple(notices),
                      message=f"{what}. Ask about a topic, or browse a theme, for more.")

    def _is_errand(self, text: str, reading: Reading | None = None) -> bool:
        """True when a question looks like an errand or a lookup of local, current facts.

        Judged by how it asks ("How do I…", "Which…", "this year", a year after the
        sources, a name they never mention such as "Pupil Equity Funding"), and by errand
        words ("password", "rota"): one in the sentence that asks, or two anywhere in a
        long message (a story about a laptop and the VPN is about IT, whatever it asks).
        """
        reading = self.index.read(text) if reading is None else reading
        asking = reading.asking
        errands = set(self.index.errand_words(reading.concepts))
        if asking != text:
            asked_errands = self.index.errand_words(reading.asked)
            if len(errands) >= 2:
                return True
        else:
            asked_errands = list(errands)
        if (_CURRENT.search(asking) or _LEGISLATION.search(asking) or asked_errands
                or self._after_sources(asking) or self.index.unknown_names(asking)):
            return True
        return any(_PRACTICAL.match(part.lstrip(" \"'“‘(")) for part in {text, asking})

    def _missing_focus(self, asking: str, best: Hit) -> list[str]:
        """The words naming what a "what/which <thing> did…" question asks for that
        neither the best passage matches nor the knowledge uses anywhere.

        "What sample size did McCulloch et al use?" names a study the review reports, so
        its passage covers most of the question, yet nothing in the knowledge says
        "sample" or "size": the question asks for what the review does not give.
        """
        match = _FOCUS.match(fold(asking).strip())
        if match is None:
            return []
        matched, vocabulary = set(best.matched), self.index.vocabulary
        return [c.word for c in self.index.concepts(match.group(1))
                if not self.index.is_generic(c) and c.word not in matched
                and not (c.terms | c.synonyms) & vocabulary]

    def _after_sources(self, text: str) -> bool:
        """True when the text names a year after the newest source was published."""
        newest = self._newest_year
        return newest is not None and any(int(y) > newest for y in _YEAR.findall(text))

    @property
    def _holdings(self) -> str:
        sources = self.knowledge.sources
        return f"“{sources[0].title}”" if len(sources) == 1 else f"the {len(sources)} sources I hold"

    def _supported(self, hit: Hit, practical: bool = False) -> bool:
        need = self.policy.min_coverage_practical if practical else self.policy.min_coverage
        return hit.coverage >= need

    def _like_off_topic(self, best: Hit, concepts: list[Concept], practical: bool) -> bool:
        """True when the question is nearer the known off-topic questions than, by the
        policy's ratio, the questions the knowledge is known to answer. An errand needs
        less nearness: most questions shaped like one are about something else.

        Asked only when the best passage has known questions: a source added without
        glosses or question sets has none, so nearness to them says nothing about it.
        """
        ratio = self.policy.off_topic_ratio_practical if practical else self.policy.off_topic_ratio
        if ratio <= 0 or not best.known:
            return False
        answerable, off_topic = self.index.nearest_examples(concepts)
        return off_topic > ratio * answerable

    def _found_message(self, quotes: tuple[Quote, ...]) -> str:
        titles = list(dict.fromkeys(q.source for q in quotes))
        where = f"“{titles[0]}”" if len(titles) == 1 else f"{len(titles)} sources"
        noun = "passage" if len(quotes) == 1 else f"{len(quotes)} passages"
        best = "" if len(quotes) == 1 else ", best match first"
        return f"From {where}: {noun} quoted word for word{best}."

    def _refuse(self, text: str, message: str, notices: list[str],
                reason: str = "not_found") -> Answer:
        names = tuple(t.name for t in self.themes)
        if names:
            message += " You could browse a theme instead."
        return Answer(question=text, answered=False, message=message, suggestions=names,
                      notices=tuple(notices), reason=reason)

    def _compose(self, hits: list[Hit], require_support: bool = True) -> tuple[Quote, ...]:
        quotes: list[Quote] = []
        used: set[tuple[str, int, int]] = set()
        best = hits[0].score if hits else 0.0
        for hit in hits:
            if len(quotes) == MAX_QUOTES:
                break
            if quotes and require_support and (
                    hit.score < self.policy.follow_ratio * best or not self._supported(hit)):
                continue
            first, last = self._window(hit)
            where = (hit.paragraph.source.id, hit.paragraph.number)
            span = {(*where, s) for s in range(first, last + 1)}
            if span & used:
                continue
            used |= span
            quotes.append(self._quote(hit.paragraph, first, last, hit.score, hit.matched))
        return tuple(quotes)

    def _window(self, hit: Hit) -> tuple[int, int]:
        first = hit.first
        paragraph = hit.paragraph
        while first > 0 and _ANAPHORA.match(paragraph.sentence(first)):
            candidate = paragraph.excerpt(first - 1, hit.last)
            if word_count(candidate) > self.policy.max_quote_words or hit.last - first >= 2:
                break
            first -= 1
        return first, hit.last

    def _quote(self, paragraph: Paragraph, first: int, last: int, score: float = 0.0,
               matched: tuple[str, ...] = ()) -> Quote:
        source = paragraph.source
        text = paragraph.excerpt(first, last)
        rng = f"{first + 1}" if first == last else f"{first + 1}-{last + 1}"
        return Quote(
            text=text,
            source=source.title,
            year=source.year,
            section=paragraph.section_path,
            citations=self._citations(text),
            url=source.url,
            score=score,
            matched_terms=matched,
            passage_id=f"{source.id}#p{paragraph.number + 1}.s{rng}",
        )

    def find_theme(self, name: str) -> Theme:
        """The theme a loosely typed name means ("culture", "roles", "money")."""
        wanted = " ".join(words(clean_question(name)))
        if not wanted:
            raise ThemeNotFound("Name a theme, for example: " + self._theme_examples())
        for theme in self.themes:
            if wanted in (fold(n) for n in (theme.name, *theme.aliases)):
                return theme
        wanted_terms = set(self.index.analyzer.tokenize(wanted))
        best: tuple[float, int] | None = None
        for i, theme in enumerate(self.themes):
            for label in (theme.name, *theme.aliases):
                label_terms = set(self.index.analyzer.tokenize(label))
                if not label_terms or not wanted_terms:
                    continue
                overlap = len(wanted_terms & label_terms) / len(wanted_terms | label_terms)
                if overlap > 0 and (best is None or overlap > best[0]):
                    best = (overlap, i)
        if best is None:
            raise ThemeNotFound(f"No theme matches “{name.strip()[:80]}”. Themes: "
                                + self._theme_examples())
        return self.themes[best[1]]

    def _theme_examples(self) -> str:
        return ", ".join(t.name for t in self.themes) or "(none defined)"

    def theme(self, name: str) -> Answer:
        """The key quotes of a theme, with citations."""
        theme = self.find_theme(name)
        allowed = None
        if theme.sections:
            wanted = {fold(s) for s in theme.sections}
            allowed = [i for i, p in enumerate(self.knowledge.paragraphs)
                       if wanted & {fold(h) for h in p.section}]
        hits = self.index.rank_within(theme.query, allowed, k=12)
        quotes = self._compose(hits, require_support=False)
        return Answer(question=theme.name, answered=bool(quotes),
                      message=f"{theme.name.capitalize()}: {theme.description}",
                      quotes=quotes, kind="theme")
