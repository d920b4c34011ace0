"""``evidence-bot eval``: hit@1, hit@3, MRR, abstentions and quote length on a question set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.answer import Answer
from bot.core import Core
from bot.knowledge import InScope, QuestionSet, load_question_set, normalize

__all__ = ["InScope", "QuestionSet", "Report", "evaluate", "first_gold_rank", "load_question_set"]


def first_gold_rank(answer: Answer, gold: tuple[str, ...]) -> int | None:
    """1-based rank of the first quote containing a gold string (case/space-insensitive)."""
    wanted = [normalize(g) for g in gold]
    for rank, quote in enumerate(answer.quotes, 1):
        text = normalize(quote.text)
        if any(g in text for g in wanted):
            return rank
    return None


@dataclass
class Report:
    """The figures ``eval`` prints."""

    path: str
    in_scope: int = 0
    hit1: int = 0
    hit3: int = 0
    reciprocal_ranks: list[float] = field(default_factory=list)
    false_abstentions: int = 0
    out_of_scope: int = 0
    abstained: int = 0
    first_quote_words: list[int] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)
    # Question sets the bot learns from that share questions with this one: scored
    # with what they teach left out, so every question is unseen.
    left_out: list[str] = field(default_factory=list)

    def _ratio(self, n: int, d: int) -> float:
        return n / d if d else 0.0

    def to_dict(self) -> dict[str, Any]:
        """All figures as a JSON-ready dict."""
        words = self.first_quote_words
        return {
            "file": self.path,
            "in_scope": self.in_scope,
            "hit@1": round(self._ratio(self.hit1, self.in_scope), 4),
            "hit@3": round(self._ratio(self.hit3, self.in_scope), 4),
            "mrr": round(self._ratio(sum(self.reciprocal_ranks), self.in_scope), 4),
            "false_abstentions": self.false_abstentions,
            "out_of_scope": self.out_of_scope,
            "out_of_scope_abstained": self.abstained,
            "mean_first_quote_words": round(sum(words) / len(words), 1) if words else 0.0,
            "left_out": self.left_out,
            "misses": self.misses,
        }

    def text(self) -> str:
        """A readable report: misses first, the figures last."""
        d = self.to_dict()
        lines = []
        for miss in self.misses:
            lines.append(f"MISS ({miss['kind']}): {miss['question']}")
            for quoted in miss["quoted"] or ["(nothing quoted)"]:
                lines.append(f"    quoted: {quoted[:140]}")
        lines += [
            f"question set:            {d['file']}",
            f"in-scope questions:      {d['in_scope']}",
            f"hit@1:                   {d['hit@1']:.3f} ({self.hit1}/{self.in_scope})",
            f"hit@3:                   {d['hit@3']:.3f} ({self.hit3}/{self.in_scope})",
            f"MRR:                     {d['mrr']:.3f}",
            f"false abstentions:       {self.false_abstentions}",
            f"out-of-scope abstained:  {self.abstained}/{self.out_of_scope}",
            f"mean words, first quote: {d['mean_first_quote_words']}",
        ]
        if self.left_out:
            lines.append(f"scored unseen:           learning from {', '.join(self.left_out)} "
                         "left out")
        return "\n".join(lines)


def evaluate(core: Core, questions: QuestionSet) -> Report:
    """Ask every question and score the answers.

    The bot learns from the question sets in its knowledge's ``eval`` folder; a set it
    learned from is scored without that learning (the index is built again without
    it), so the figures say how it does on questions it has not seen.
    """
    report = Report(path=questions.path)
    asked = {normalize(q) for q in (*(i.question for i in questions.in_scope),
                                    *questions.out_of_scope)}
    report.left_out = sorted({e.origin for e in core.knowledge.examples
                              if normalize(e.question) in asked})
    if report.left_out:
        core = core.unlearn(report.left_out)
    for item in questions.in_scope:
        answer = core.ask(item.question)
        report.in_scope += 1
        rank = first_gold_rank(answer, item.gold)
        report.hit1 += rank == 1
        report.hit3 += rank is not None and rank <= 3
        report.reciprocal_ranks.append(1.0 / rank if rank else 0.0)
        if not answer.answered:
            report.false_abstentions += 1
        if answer.quotes:
            report.first_quote_words.append(len(answer.quotes[0].text.split()))
        if rank != 1:
            kind = "refused" if not answer.answered else ("not first" if rank else "not found")
            report.misses.append({"kind": kind, "question": item.question,
                                  "quoted": [q.text for q in answer.quotes]})
    for question in questions.out_of_scope:
        answer = core.ask(question)
        report.out_of_scope += 1
        if not answer.answered:
            report.abstained += 1
        else:
            report.misses.append({"kind": "answered off-topic", "question": question,
                                  "quoted": [q.text for q in answer.quotes]})
    return report
