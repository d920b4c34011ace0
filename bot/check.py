"""``evidence-bot check``: validate a knowledge folder and summarise it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.citations import parse_citations
from bot.core import Core
from bot.knowledge import Knowledge, load_knowledge, load_question_set, sentence_texts, taught_sentences
from bot.text import fold


@dataclass
class CheckReport:
    """What ``check`` found: a summary plus any problems."""

    folder: str
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def text(self) -> str:
        """The printable report."""
        out = [f"Knowledge folder: {self.folder}", *self.lines]
        out += [f"PROBLEM: {p}" for p in self.problems]
        out.append("OK" if self.ok else f"{len(self.problems)} problem(s) found")
        return "\n".join(out)


def check_knowledge(folder: str | Path | None) -> CheckReport:
    """Load everything, exercise every theme and synonym, and summarise."""
    knowledge = load_knowledge(folder)
    core = Core(knowledge)
    report = CheckReport(str(knowledge.folder))
    sentences = sum(len(p.spans) for p in knowledge.paragraphs)
    for source in knowledge.sources:
        paragraphs = [p for p in knowledge.paragraphs if p.source is source]
        sections = {p.section for p in paragraphs}
        cited = {c for p in paragraphs for c in parse_citations(p.text)}
        year = f" ({source.year})" if source.year else ""
        report.lines.append(f"Source {source.path.name}: {source.title}{year}")
        report.lines.append(f"  {len(sections)} sections, {len(paragraphs)} paragraphs, "
                            f"{sum(len(p.spans) for p in paragraphs)} sentences, "
                            f"{len(cited)} distinct works cited")
    report.lines.append(f"Total: {len(knowledge.sources)} source(s), {len(knowledge.paragraphs)} "
                        f"paragraphs, {sentences} sentences (passages are 1-3 sentences)")
    vocab = knowledge.vocabulary
    report.lines.append(f"Themes: {len(knowledge.themes)}; synonyms: {len(vocab.synonyms)}; "
                        f"spellings: {len(vocab.spellings)}; stop words: {len(vocab.stopwords)}")
    report.lines.append(f"Glosses: {len(knowledge.glosses)} of {sentences} sentences; "
                        f"generic words: {len(vocab.generic)}; errand words: {len(vocab.errands)}")
    _check_question_sets(knowledge, report)
    for theme in knowledge.themes:
        answer = core.theme(theme.name)
        if not answer.quotes:
            report.problems.append(f"theme {theme.name!r} finds no passages")
    known = core.index.vocabulary
    analyzer = core.index.analyzer
    keys = {fold(k) for k in vocab.synonyms}
    for word in sorted(vocab.errands):
        if set(analyzer.tokenize(word)) & core.index.prose_vocabulary:
            report.problems.append(f"errand-words.txt: {word!r} occurs in the knowledge, so "
                                   "questions about it would need the errand bar")
        if fold(word) in keys:
            report.problems.append(f"errand-words.txt: {word!r} is also a key in synonyms.yaml; "
                                   "decide whether the source discusses it and keep one")
    for key, values in vocab.synonyms.items():
        if core.index.synonym_key(key) is None:
            report.problems.append(f"synonyms.yaml: {key!r} has no words, so no question "
                                   "can match it")
        targets = {t for v in values for t in analyzer.tokenize(v)}
        if targets and not targets & known:
            report.problems.append(f"synonyms.yaml: none of the words for {key!r} occur in the "
                                   f"knowledge ({', '.join(values)})")
    return report


def _check_question_sets(knowledge: Knowledge, report: CheckReport) -> None:
    """Summarise what the question sets teach; report answerable questions that teach
    nothing because none of their gold strings names exactly one sentence."""
    folder = knowledge.folder / "eval"
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not paths:
        return
    sentences = sentence_texts(knowledge.paragraphs)
    learned = 0
    for path in paths:
        questions = load_question_set(path)
        if not questions.learn:
            continue
        learned += 1
        for item in questions.in_scope:
            if not taught_sentences(item, sentences):
                where = f"eval/{path.name}:{item.line}" if item.line else f"eval/{path.name}"
                report.problems.append(f"{where}: no gold string of {item.question!r} is in "
                                       "exactly one sentence, so nothing is learned from it")
    answerable = sum(1 for e in knowledge.examples if e.sentences)
    report.lines.append(f"Question sets: {len(paths)}, {learned} learned from: {answerable} "
                        f"answerable questions tied to their sentences, "
                        f"{len(knowledge.examples) - answerable} off-topic")
