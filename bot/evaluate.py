"""``evidence-bot eval``: hit@1, hit@3, MRR, abstentions and quote length on a question set."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.answer import Answer
from bot.core import Core
from bot.errors import KnowledgeError
from bot.knowledge import line_of, parse_yaml, read_text, strip_lines


@dataclass(frozen=True)
class InScope:
    """A question the knowledge answers, with strings any correct quote contains."""

    question: str
    gold: tuple[str, ...]


@dataclass(frozen=True)
class QuestionSet:
    """In-scope questions with gold strings, and out-of-scope questions."""

    path: str
    in_scope: tuple[InScope, ...]
    out_of_scope: tuple[str, ...]


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def load_question_set(path: str | Path) -> QuestionSet:
    """Read a question set in the ``dev-questions.yaml`` format, naming file and line on error."""
    path = Path(path)
    if not path.is_file():
        raise KnowledgeError(path, "question set not found")
    data = parse_yaml(path, read_text(path))
    if not isinstance(data, dict):
        raise KnowledgeError(path, "must be a mapping with 'in_scope' and 'out_of_scope'", 1)
    in_scope = []
    for item in data.get("in_scope") or []:
        line = line_of(item, line_of(data))
        clean: Any = strip_lines(item)
        if (not isinstance(clean, dict) or not isinstance(clean.get("q"), str)
                or not isinstance(clean.get("gold"), list) or not clean["gold"]
                or not all(isinstance(g, str) for g in clean["gold"])):
            raise KnowledgeError(path, "each in_scope item needs 'q' (text) and 'gold' (a "
                                 "non-empty list of text)", line)
        in_scope.append(InScope(clean["q"], tuple(clean["gold"])))
    out = data.get("out_of_scope") or []
    if not isinstance(out, list) or not all(isinstance(q, str) for q in out):
        raise KnowledgeError(path, "'out_of_scope' must be a list of questions", line_of(data))
    if not in_scope and not out:
        raise KnowledgeError(path, "holds no questions", 1)
    return QuestionSet(str(path), tuple(in_scope), tuple(out))


def first_gold_rank(answer: Answer, gold: tuple[str, ...]) -> int | None:
    """1-based rank of the first quote containing a gold string (case/space-insensitive)."""
    wanted = [_norm(g) for g in gold]
    for rank, quote in enumerate(answer.quotes, 1):
        text = _norm(quote.text)
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
        return "\n".join(lines)


def evaluate(core: Core, questions: QuestionSet) -> Report:
    """Ask every question and score the answers."""
    report = Report(path=questions.path)
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
