"""Answer and Quote values, and composing an answer from retrieval hits."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Quote:
    """A verbatim excerpt (1-3 consecutive sentences of one paragraph) with its provenance."""

    text: str
    source: str
    year: int | None
    section: str
    citations: tuple[str, ...]
    url: str | None
    score: float
    matched_terms: tuple[str, ...]
    passage_id: str

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of one passage in ``ask --json``."""
        return {
            "id": self.passage_id,
            "quote": self.text,
            "source": self.source,
            "year": self.year,
            "section": self.section,
            "citations": list(self.citations),
            "url": self.url,
            "score": round(self.score, 4),
            "matched_terms": list(self.matched_terms),
        }


@dataclass(frozen=True)
class Answer:
    """What the bot says to one question or theme lookup; adapters only render it."""

    question: str
    answered: bool
    message: str
    quotes: tuple[Quote, ...] = ()
    suggestions: tuple[str, ...] = ()
    notices: tuple[str, ...] = field(default=())
    kind: str = "question"
    personal_data: bool = False
    # Why an unanswered question was not answered: "unclear" (no words to look up)
    # or "not_found" (nothing in the knowledge supports an answer).
    reason: str = "answered"

    def to_dict(self) -> dict[str, object]:
        """The JSON object ``ask --json`` prints."""
        return {
            "question": self.question,
            "answered": self.answered,
            "message": self.message,
            "passages": [q.to_dict() for q in self.quotes],
            "suggestions": list(self.suggestions),
            "notices": list(self.notices),
            "personal_data": self.personal_data,
            "reason": self.reason,
        }
