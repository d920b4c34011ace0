"""BM25 retrieval over sentences, with paragraph and heading context.

Wraps rank_bm25 behind ``Index.search(question, k) -> list[Hit]``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from bot.knowledge import Knowledge, Paragraph, Vocabulary
from bot.text import Analyzer, words


# A parenthesis holding a year is a citation list: "(Cameron & Lart 2003, Harbin 1996)".
_CITATION_GROUP = re.compile(r"\([^()]*\b(?:1[5-9]|20)\d\d[a-z]?\b[^()]*\)")


def split_citations(sentence: str) -> tuple[str, str]:
    """Separate a sentence's parenthetical citation lists from its prose."""
    cited = " ".join(m.group(0) for m in _CITATION_GROUP.finditer(sentence))
    return _CITATION_GROUP.sub(" ", sentence), cited


class PositiveIdfBM25(BM25Okapi):
    """BM25Okapi with an IDF that never goes negative and has no floor.

    rank_bm25 floors the IDF of terms found in over half the documents to
    ``epsilon * average_idf``; on a corpus of a few dozen sentences that makes
    a common word like "working" outweigh a rare one. The Lucene form
    ``log(1 + (N - n + 0.5) / (n + 0.5))`` stays positive and monotone.
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        n_docs = self.corpus_size
        for word, freq in nd.items():
            self.idf[word] = math.log(1.0 + (n_docs - freq + 0.5) / (freq + 0.5))
        self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)

    def weighted_scores(self, weights: dict[str, float]) -> np.ndarray:
        """BM25 scores of every document for a query whose terms carry weights."""
        score = np.zeros(self.corpus_size)
        for term, weight in weights.items():
            if term in self.idf and weight > 0:
                score += weight * self.get_scores([term])
        return score


@dataclass(frozen=True)
class Unit:
    """One indexed sentence: paragraph index and sentence index within it."""

    paragraph: int
    sentence: int


@dataclass(frozen=True)
class Concept:
    """One content word of a question, with the review terms that count as matching it."""

    word: str
    terms: frozenset[str]
    synonyms: frozenset[str]


@dataclass(frozen=True)
class Hit:
    """A retrieved excerpt: sentences first..last of one paragraph."""

    paragraph: Paragraph
    first: int
    last: int
    score: float
    coverage: float
    matched: tuple[str, ...]

    @property
    def text(self) -> str:
        """The excerpt, verbatim."""
        return self.paragraph.excerpt(self.first, self.last)

    @property
    def id(self) -> str:
        """A stable id: source, paragraph number and sentence range."""
        p = self.paragraph
        rng = f"{self.first + 1}" if self.first == self.last else f"{self.first + 1}-{self.last + 1}"
        return f"{p.source.id}#p{p.number + 1}.s{rng}"


@dataclass(frozen=True)
class Tuning:
    """Retrieval parameters, measured with ``evidence-bot eval``."""

    k1: float = 1.2
    b: float = 0.75
    synonym_weight: float = 0.6
    paragraph_weight: float = 0.2
    heading_weight: float = 0.15
    neighbour_weight: float = 0.2
    citation_weight: float = 0.5
    synonym_credit: float = 0.6
    unknown_weight: float = 1.0
    generic_weight: float = 0.2


class Index:
    """Sentence-level BM25 over a knowledge folder, with query-side synonyms."""

    def __init__(self, knowledge: Knowledge, tuning: Tuning | None = None) -> None:
        self.knowledge = knowledge
        self.tuning = tuning or Tuning()
        vocab: Vocabulary = knowledge.vocabulary
        self.analyzer = Analyzer(vocab.stopwords, vocab.spellings)
        self.units: list[Unit] = []
        sentence_terms: list[list[str]] = []
        citation_terms: list[list[str]] = []
        for p_index, paragraph in enumerate(knowledge.paragraphs):
            for s_index in range(len(paragraph.spans)):
                self.units.append(Unit(p_index, s_index))
                # Long citation lists would otherwise make a sentence look long to
                # BM25 and sink it; the works cited are searchable in their own field.
                prose, cited = split_citations(paragraph.sentence(s_index))
                sentence_terms.append(self.analyzer.tokenize(prose))
                citation_terms.append(self.analyzer.tokenize(cited))
        if not self.units:
            raise ValueError("no sentences to index")
        self.unit_terms = [frozenset(t) | frozenset(c)
                           for t, c in zip(sentence_terms, citation_terms)]
        self._positions = {u: i for i, u in enumerate(self.units)}
        t = self.tuning
        self.sentences = PositiveIdfBM25(sentence_terms, k1=t.k1, b=t.b)
        self.citations = PositiveIdfBM25(citation_terms, k1=t.k1, b=t.b) \
            if any(citation_terms) else None
        para_terms = [self.analyzer.tokenize(p.text) for p in knowledge.paragraphs]
        self.paragraphs = PositiveIdfBM25(para_terms, k1=t.k1, b=t.b)
        self.heading_terms = [frozenset(self.analyzer.tokenize(" ".join(p.section)))
                              for p in knowledge.paragraphs]
        self.vocabulary = frozenset(self.sentences.idf) | frozenset(self.paragraphs.idf)
        self.max_idf = max(self.paragraphs.idf.values())
        self.synonyms = self._compile_synonyms(vocab)
        self.generic = frozenset(t for w in vocab.generic for t in self.analyzer.tokenize(w))

    def _compile_synonyms(self, vocab: Vocabulary) -> list[tuple[tuple[str, ...], frozenset[str]]]:
        compiled = []
        for key, values in vocab.synonyms.items():
            key_terms = tuple(self.analyzer.tokenize(key))
            targets = frozenset(t for v in values for t in self.analyzer.tokenize(v))
            if key_terms and targets:
                compiled.append((key_terms, targets))
        # Longer phrases first, so "joined up working" wins over "working".
        compiled.sort(key=lambda item: -len(item[0]))
        return compiled

    def concepts(self, question: str) -> list[Concept]:
        """The question's content words, each with its stem and synonym terms."""
        positions: list[tuple[str, str]] = []  # (surface word, term)
        for word in words(question):
            for term in self.analyzer.word_terms(word):
                positions.append((word, term))
        terms = [t for _, t in positions]
        extra: list[set[str]] = [set() for _ in positions]
        for key, targets in self.synonyms:
            n = len(key)
            for i in range(len(terms) - n + 1):
                if tuple(terms[i : i + n]) == key:
                    for j in range(i, i + n):
                        extra[j] |= targets
        merged: dict[str, Concept] = {}
        for (word, term), syn in zip(positions, extra):
            old = merged.get(term)
            syn_f = frozenset(syn - {term}) | (old.synonyms if old else frozenset())
            merged[term] = Concept(old.word if old else word, frozenset({term}), syn_f)
        return list(merged.values())

    def _concept_weight(self, concept: Concept) -> float:
        if concept.terms <= self.generic and not concept.synonyms:
            return self.tuning.generic_weight * self.max_idf
        known = [self.paragraphs.idf[t] for t in concept.terms | concept.synonyms
                 if t in self.paragraphs.idf]
        # A word the knowledge has never seen, with no synonym it knows, is strong
        # evidence that the question is about something else.
        return max(known) if known else self.tuning.unknown_weight * self.max_idf

    def search(self, question: str, k: int = 3) -> list[Hit]:
        """The k best excerpts for a question, best first, with coverage of its content words."""
        concepts = self.concepts(question)
        if not concepts:
            return []
        weights: dict[str, float] = {}
        for c in concepts:
            # Generic phrasing ("way", "matter") ranks as little as it counts for coverage.
            own = self.tuning.generic_weight if c.terms <= self.generic else 1.0
            for term in c.terms:
                weights[term] = max(weights.get(term, 0.0), own)
            for term in c.synonyms:
                weights[term] = max(weights.get(term, 0.0), self.tuning.synonym_weight)
        return self._rank(concepts, weights, range(len(self.units)), k)

    def rank_within(self, query: str, paragraphs: Sequence[int] | None, k: int) -> list[Hit]:
        """Rank sentences for a curated query, optionally only within some paragraphs."""
        concepts = self.concepts(query)
        weights = {t: 1.0 for c in concepts for t in c.terms}
        allowed = set(paragraphs) if paragraphs is not None else None
        candidates = [i for i, u in enumerate(self.units)
                      if allowed is None or u.paragraph in allowed]
        if not weights:
            return [self._hit(self.units[i], 0.0, concepts) for i in candidates[:k]]
        return self._rank(concepts, weights, candidates, k)

    def _rank(self, concepts: list[Concept], weights: dict[str, float],
              candidates: Sequence[int], k: int) -> list[Hit]:
        t = self.tuning
        sent = self.sentences.weighted_scores(weights)
        if self.citations is not None:
            sent = sent + t.citation_weight * self.citations.weighted_scores(weights)
        para = self.paragraphs.weighted_scores(weights)
        idf = self.paragraphs.idf
        para_max = float(para.max()) if para.size and para.max() > 0 else 1.0
        sent_max = float(sent.max()) if sent.size and sent.max() > 0 else 1.0
        scored = []
        for i in candidates:
            unit = self.units[i]
            heading = sum(w * idf.get(term, 0.0) for term, w in weights.items()
                          if term in self.heading_terms[unit.paragraph])
            neighbours = [float(sent[j]) for j in (i - 1, i + 1) if 0 <= j < len(self.units)
                          and self.units[j].paragraph == unit.paragraph]
            score = (float(sent[i])
                     + t.paragraph_weight * sent_max * float(para[unit.paragraph]) / para_max
                     + t.heading_weight * heading
                     + t.neighbour_weight * (max(neighbours) if neighbours else 0.0))
            scored.append((score, i))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [self._hit(self.units[i], s, concepts) for s, i in scored[: max(k, 0)] if s > 0]

    def _hit(self, unit: Unit, score: float, concepts: list[Concept]) -> Hit:
        paragraph = self.knowledge.paragraphs[unit.paragraph]
        terms = self.unit_terms[self._positions[unit]] | self.heading_terms[unit.paragraph]
        matched, total, got = [], 0.0, 0.0
        for c in concepts:
            weight = self._concept_weight(c)
            total += weight
            if c.terms & terms:
                matched.append(c.word)
                got += weight
            elif c.synonyms & terms:
                matched.append(c.word)
                got += weight * self.tuning.synonym_credit
        coverage = got / total if total else 0.0
        return Hit(paragraph, unit.sentence, unit.sentence, score, coverage, tuple(matched))
