"""BM25 retrieval over excerpts of one or two sentences, with paragraph and heading context.

Wraps rank_bm25 behind ``Index.search(question, k) -> list[Hit]``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from rank_bm25 import BM25Okapi

from bot import stemcache
from bot.citations import find_citations
from bot.knowledge import Knowledge, Paragraph, Vocabulary
from bot.text import Analyzer, edit_distance, fold, soundex, words

# A parenthesis holding a year is a citation list: "(Cameron & Lart 2003, Harbin 1996)".
_CITATION_GROUP = re.compile(r"\([^()]*\b(?:1[5-9]|20)\d\d[a-z]?\b[^()]*\)")


# "the review", "this section": a question naming the knowledge itself, not a topic in it.
# A determiner right before the noun, so "the Social Work Review" stays a name.
# Also with its title quoted or said ("the 'what works' chapter", "the what works section").
# Not "the lit review": the review itself quotes a literature review on social workers.
_SELF_REFERENCE = re.compile(
    r"\b(?:the|this|that|your)\s+(?:(?:whole|entire)\s+)?(?:['\"][^'\"]{1,40}['\"]\s+"
    r"|what works\s+)?(?:review|report|paper|document|section|chapter|publication)\b")


def names_source(question: str) -> bool:
    """True when a question speaks of the knowledge itself ("What does the review conclude?")."""
    return _SELF_REFERENCE.search(fold(question)) is not None


def _without_self_reference(question: str) -> str:
    """The question with its self-referring nouns removed ("what does the conclude?")."""
    return _SELF_REFERENCE.sub(lambda m: m.group(0).rsplit(None, 1)[0], fold(question))


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

    def __init__(self, corpus: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        super().__init__(corpus, k1=k1, b=b)
        self._term_cache: dict[str, np.ndarray] = {}

    def _initialize(self, corpus: list[list[str]]) -> dict[str, int]:  # type: ignore[override]
        """rank-bm25's statistics, but as postings built with numpy: per term, the
        documents that hold it and how often. Its own word-by-word loop is most of the
        start-up for thousands of short documents, and its scoring visits every
        document for every term; these touch only the documents holding a term."""
        self.doc_len = [len(document) for document in corpus]
        self.corpus_size = size = len(corpus)
        self.avgdl = sum(self.doc_len) / size
        words = list(chain.from_iterable(corpus))
        # In order of first use, as rank-bm25 counts them (the average IDF sums in order).
        self._term_ids = {word: n for n, word in enumerate(dict.fromkeys(words))}
        ids = np.fromiter(map(self._term_ids.__getitem__, words), np.int64, len(words))
        docs = np.repeat(np.arange(size, dtype=np.int64), self.doc_len)
        pairs, counts = np.unique(ids * size + docs, return_counts=True)
        self._posting_docs = pairs % size
        self._posting_counts = counts.astype(float)
        per_term = np.bincount(pairs // size, minlength=len(self._term_ids))
        self._posting_starts = np.concatenate(([0], np.cumsum(per_term)))
        self._lengths = np.asarray(self.doc_len, dtype=float)
        return dict(zip(self._term_ids, per_term.tolist(), strict=True))

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        """rank-bm25's scores for a query, term by term from the postings."""
        return sum((self.term_scores(term) for term in query), np.zeros(self.corpus_size))

    def get_batch_scores(self, query: Sequence[str], doc_ids: Sequence[int]) -> list[float]:
        """rank-bm25's scores of some documents for a query."""
        return self.get_scores(query)[list(doc_ids)].tolist()

    def _calc_idf(self, nd: dict[str, int]) -> None:
        n_docs = self.corpus_size
        for word, freq in nd.items():
            self.idf[word] = math.log(1.0 + (n_docs - freq + 0.5) / (freq + 0.5))
        self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)

    def with_statistics(self, other: BM25Okapi) -> PositiveIdfBM25:
        """Score with another corpus's IDF and average length (the single sentences)."""
        self.idf = other.idf
        self.avgdl = other.avgdl
        self._term_cache.clear()
        return self

    def group_scores(self, groups: Sequence[dict[str, float]]) -> np.ndarray:
        """BM25 scores of every document for a query of term groups.

        Each group is one content word of the question with its synonyms; a
        document earns the best of a group's weighted terms, not their sum, so a
        word with many synonyms cannot outweigh the rest of the question.
        """
        total = np.zeros(self.corpus_size)
        for group in groups:
            best = np.zeros(self.corpus_size)
            for term, weight in group.items():
                if term in self.idf and weight > 0:
                    best = np.maximum(best, weight * self.term_scores(term))
            total += best
        return total

    def term_scores(self, term: str) -> np.ndarray:
        """BM25 scores of every document for one term, computed once per index."""
        if term not in self._term_cache:
            # rank-bm25's get_scores for one term, for the documents that hold it.
            scores = np.zeros(self.corpus_size)
            number = self._term_ids.get(term)
            if number is not None:
                held = slice(self._posting_starts[number], self._posting_starts[number + 1])
                docs, frequency = self._posting_docs[held], self._posting_counts[held]
                scores[docs] = (self.idf.get(term) or 0) * (
                    frequency * (self.k1 + 1)
                    / (frequency + self.k1 * (1 - self.b + self.b * self._lengths[docs]
                                              / self.avgdl)))
            self._term_cache[term] = scores
        return self._term_cache[term]


@dataclass(frozen=True)
class Unit:
    """One indexed excerpt: sentences first..last of one paragraph."""

    paragraph: int
    first: int
    last: int


@dataclass(frozen=True)
class Concept:
    """One content word of a question, with the review terms that count as matching it."""

    word: str
    terms: frozenset[str]
    synonyms: frozenset[str]
    # A word only of the story around a long message's question, not of the question.
    context: bool = False


# Capitalised words in a row, perhaps joined by small words: "Getting It Right For Every
# Child", "Scottish Centre for Social Research", "Crouch & Johnson".
_NAME = re.compile(r"(?<![\w'’-])([A-Z][\w'’&-]*(?:\s+(?:(?:of|for|and|the|in|on|to|&)\s+)*"
                   r"[A-Z][\w'’&-]*)+)")
_I_FORMS = frozenset({"i", "i'm", "i’m", "i've", "i’ve", "i'd", "i’d", "i'll", "i’ll"})
_LONGEST_COMPOUND = 40
# A number as a word: "2015", a decade ("2000s", "90s") or an ordinal ("5th").
_NUMBER = re.compile(r"\d+(?:s|st|nd|rd|th)?")
# A small (stop) word as a token of a question or synonym key: "_up", "_in".
_SMALL = "_"
# Where the synonym keys made only of small words are filed (no content term leads them).
_PHRASES = ""
Entry = tuple[str, str, frozenset[str]]  # (surface word, term, alternatives)


class SynonymKey(NamedTuple):
    """A compiled synonym key: content terms, with the small words that must come before
    and after them ("in charge", "buy in"), and the terms it adds."""

    before: tuple[str, ...]
    terms: tuple[str, ...]
    after: tuple[str, ...]
    targets: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reading:
    """A message as the index reads it (``Index.read``)."""

    concepts: tuple[Concept, ...]  # story words marked as context when ``focused``
    asking: str  # the sentences that ask (the whole message when short)
    asked: tuple[Concept, ...]  # the concepts of ``asking``
    focused: bool  # the asking sentences name the topic, so only they count as support


@dataclass(frozen=True)
class Hit:
    """A retrieved excerpt: sentences first..last of one paragraph."""

    paragraph: Paragraph
    first: int
    last: int
    score: float
    coverage: float
    matched: tuple[str, ...]
    # Whether any of its sentences has questions it is known to answer (a gloss's, a
    # question set's): only then can nearness to off-topic questions speak against it.
    known: bool

    @property
    def text(self) -> str:
        """The excerpt, verbatim."""
        return self.paragraph.excerpt(self.first, self.last)


@dataclass(frozen=True)
class Tuning:
    """Retrieval parameters, measured with ``evidence-bot eval``."""

    k1: float = 1.2
    b: float = 0.75
    window: int = 2
    synonym_weight: float = 0.6
    paragraph_weight: float = 0.2
    heading_weight: float = 0.5
    heading_boost: float = 0.0
    citation_weight: float = 0.5
    synonym_credit: float = 0.6
    unknown_weight: float = 1.0
    generic_weight: float = 0.2
    lead_boost: float = 0.6
    section_match: float = 0.9
    coverage_window: int = 6
    context_weight: float = 0.3
    focus_words: int = 3
    gloss_weight: float = 1.0
    gloss_credit: float = 0.6
    ask_weight: float = 1.5
    neighbours: int = 3
    learned_credit: float = 0.5


def _windows(paragraph: Paragraph, size: int) -> list[tuple[int, int]]:
    count = len(paragraph.spans)
    return [(first, min(first + width, count) - 1)
            for width in range(1, size + 1) for first in range(count - width + 1)]


class Index:
    """BM25 over excerpts of 1..window sentences, with paragraph and heading context."""

    def __init__(self, knowledge: Knowledge, tuning: Tuning | None = None,
                 cache: Path | None = None) -> None:
        self.knowledge = knowledge
        self.tuning = t = tuning or Tuning()
        vocab: Vocabulary = knowledge.vocabulary
        self.analyzer = Analyzer(vocab.stopwords, vocab.spellings)
        cached = stemcache.load(cache, self.analyzer)
        sentence_prose: list[list[str]] = []
        para_terms: list[list[str]] = []
        self.units: list[Unit] = []
        prose_terms: list[list[str]] = []
        cited_terms: list[list[str]] = []
        gloss_terms: list[list[str]] = []
        curated_terms: list[frozenset[str]] = []
        # Each gloss question, and each question a question set answers with a sentence,
        # is tokenized once: for the sentence's gloss field and on its own.
        gloss_text = {key: self.analyzer.tokenize_known(g.text)
                      for key, g in knowledge.glosses.items()}
        ask_terms = {key: [self.analyzer.tokenize_known(a) for a in g.asks]
                     for key, g in knowledge.glosses.items()}
        # The knowledge's words are its sources' and its curators'; a question set's
        # words (typos, errands asked about) are only evidence for or against a sentence.
        curated = {key: frozenset(gloss_text[key]).union(*ask_terms[key]) for key in gloss_text}
        off_topic: list[list[str]] = []
        for example in knowledge.examples:
            terms = self.analyzer.tokenize_known(example.question)
            for key in example.sentences:
                ask_terms.setdefault(key, []).append(terms)
            if not example.sentences:
                off_topic.append(terms)
        glosses = {key: [*gloss_text.get(key, ()), *(t for a in asks for t in a)]
                   for key, asks in ask_terms.items()}
        for p_index, paragraph in enumerate(knowledge.paragraphs):
            # Long citation lists would otherwise make a sentence look long to BM25
            # and sink it; the works cited are searchable in a field of their own.
            split = [split_citations(paragraph.sentence(i)) for i in range(len(paragraph.spans))]
            prose = [self.analyzer.tokenize_known(p) for p, _ in split]
            cited = [self.analyzer.tokenize_known(c) for _, c in split]
            sentence_prose.extend(prose)
            para_terms.append([w for i in range(len(prose)) for w in prose[i] + cited[i]])
            for first, last in _windows(paragraph, max(1, t.window)):
                self.units.append(Unit(p_index, first, last))
                prose_terms.append([w for i in range(first, last + 1) for w in prose[i]])
                cited_terms.append([w for i in range(first, last + 1) for w in cited[i]])
                gloss_terms.append([w for i in range(first, last + 1)
                                    for w in glosses.get((p_index, i), ())])
                curated_terms.append(frozenset().union(
                    *(curated.get((p_index, i), ()) for i in range(first, last + 1))))
        if not self.units:
            raise ValueError("no sentences to index")
        self.unit_terms = [frozenset(p) | frozenset(c) for p, c in zip(prose_terms, cited_terms, strict=True)]
        # Statistics come from single sentences, so a two-sentence excerpt counts as
        # long and wins only when it matches more of the question than either half.
        sentences = PositiveIdfBM25(sentence_prose, k1=t.k1, b=t.b)
        self.prose = PositiveIdfBM25(prose_terms, k1=t.k1, b=t.b).with_statistics(sentences)
        self.cited = (PositiveIdfBM25(cited_terms, k1=t.k1, b=t.b) if any(cited_terms)
                      else None)
        self.paragraphs = PositiveIdfBM25(para_terms, k1=t.k1, b=t.b)
        # Curators' glosses: a field of practitioners' words for each sentence.
        self.glossed = (PositiveIdfBM25(gloss_terms, k1=t.k1, b=t.b) if any(gloss_terms)
                        else None)
        # Per excerpt, the words of its curators' glosses, and those only the question
        # sets' questions add (weaker evidence: "system", "new" from a question asked).
        self.unit_gloss_terms = curated_terms
        self.unit_learned_terms = [frozenset(g) - c for g, c in zip(gloss_terms, curated_terms,
                                                                     strict=True)]
        self._index_asks(ask_terms, off_topic)
        # The knowledge's words in order, for finding a name it mentions ("Scottish Centre
        # for Social Research"); "|" keeps one text's end from running into the next.
        headings = {s: self.analyzer.tokenize_known(s)
                    for s in dict.fromkeys(" ".join(p.section) for p in knowledge.paragraphs)}
        self._running_text = " {} ".format(" | ".join(
            " ".join(terms) for terms in [*para_terms, *headings.values()]))
        self.heading_terms = [frozenset(headings[" ".join(p.section)])
                              for p in knowledge.paragraphs]
        paras = knowledge.paragraphs
        self.section_leads = frozenset(
            i for i, p in enumerate(paras)
            if i == 0 or (p.source, p.section) != (paras[i - 1].source, paras[i - 1].section))
        self.prose_vocabulary = frozenset(self.paragraphs.idf)
        self.vocabulary = self.prose_vocabulary.union(*self.heading_terms, *curated.values())
        self.max_idf = max(self.paragraphs.idf.values())
        self.synonyms = self._compile_synonyms(vocab, cache)
        self.generic = frozenset(t for w in vocab.generic for t in self.analyzer.tokenize_known(w))
        # An errand word counts by its stem ("rotas" meets "rota") unless the knowledge,
        # its glosses or a synonym use that stem for something else ("hearings" stems
        # like "we keep hearing", "expenses" like "expensive"): then only as written.
        synonym_words = {key.terms[0] for keys in self.synonyms.values() for key in keys
                         if len(key.terms) == 1}
        self.errands = frozenset(t for w in vocab.errands for t in self.analyzer.tokenize_known(w)
                                 if t not in self.vocabulary and t not in synonym_words)
        self.errand_spellings = frozenset(fold(w) for w in vocab.errands)
        self.author_names = self._author_names()
        self._author_codes = [(name[:2], soundex(name), name, term)
                              for name, term in self.author_names.items()]
        # Questions bring endless new words: remember the recent ones, not all of them.
        self._author_like = lru_cache(maxsize=8192)(self._find_author)
        # Only the knowledge's own words are cached: this runs before any question.
        stemcache.save(cache, self.analyzer, cached)

    def _author_names(self) -> dict[str, str]:
        """Cited authors' surnames (folded) and their terms: "pallis", "wasoff", "lart".

        A word the knowledge also writes in lower case ("given", "social") is not a name.
        """
        texts = [p.text for p in self.knowledge.paragraphs]
        lower = {w for text in texts for w in re.findall(r"\b[a-z][a-z'-]*", text)}
        names: dict[str, str] = {}
        for text in texts:
            for citation in find_citations(text):
                authors = re.split(r",|&|\band\b|\bet al\b", citation.authors)
                # Readers name a pair of authors, but only the first of a longer list.
                named = authors if len(authors) <= 2 else authors[:1]
                for name in re.findall(r"[^\W\d_]+", " ".join(named)):
                    folded = fold(name)
                    terms = self.analyzer.word_terms(folded)
                    if name[0].isupper() and len(folded) >= 4 and folded not in lower and terms:
                        names[folded] = terms[0]
        return names

    def unknown_names(self, text: str) -> list[str]:
        """Names written in capitals that the knowledge never mentions ("Pupil Equity
        Funding", "the Care Inspectorate", "MS Teams"): questions about something else.

        A sentence's first word is capitalised anyway, so it is left out; a name that
        includes a cited author ("Crouch and Johnston") or is only one capitalised word
        besides an acronym the knowledge uses ("the English NHS") is not unknown.
        """
        found = []
        for match in _NAME.finditer(text):
            name = match.group(1).split()
            before = text[: match.start(1)].rstrip()
            if not before or before[-1] in ".!?:;-–—(\"'‘“":
                name = name[1:]
            capitals = [w for w in name if w[0].isupper() and fold(w) not in _I_FORMS]
            if any(self._names_author(w) for w in capitals):
                continue
            if sum(not self._known_acronym(w) for w in capitals) < 2:
                continue
            terms = self.analyzer.tokenize(" ".join(name))
            if terms and f" {' '.join(terms)} " not in self._running_text:
                found.append(" ".join(name))
        return found

    def _names_author(self, word: str) -> bool:
        bare = words(word)
        return bool(bare) and self.author_like(bare[0]) is not None  # exact or misspelt

    def _known_acronym(self, word: str) -> bool:
        return word.isupper() and len(word) > 1 and bool(
            set(self.analyzer.word_terms(fold(word))) & self.vocabulary)

    def author_like(self, word: str) -> str | None:
        """The term of the cited author a misspelt name means ("Jonson", "Pallas").

        A word the knowledge does not know meets a surname that sounds alike (same Soundex
        code), starts with the same two letters and is one letter away: so "pills",
        "crush" or "wilson" stay themselves, and are not taken for Pallis, Crouch or Wilkin.
        """
        return self._author_like(word)

    def _find_author(self, word: str) -> str | None:
        if len(word) < 4 or not word.isalpha():
            return None
        code = soundex(word)
        return next((term for start, name_code, name, term in self._author_codes
                     if name_code == code and start == word[:2]
                     and edit_distance(word, name) <= 1), None)

    def _index_asks(self, ask_terms: dict[tuple[int, int], list[list[str]]],
                    off_topic: list[list[str]]) -> None:
        """Each question a sentence is known to answer (a gloss's asks, a question set's
        answerable questions) as a document of its own, and after them the off-topic
        questions of the question sets.

        A practitioner's question that closely matches one of them is strong evidence
        for that sentence, which the long gloss field as a whole would dilute; one that
        matches an off-topic question better than any answerable one is evidence that
        the knowledge does not answer it.
        """
        keys = sorted(k for k, terms in ask_terms.items() if terms)
        asks = [(key, terms) for key in keys for terms in ask_terms[key]]
        documents = [terms for _, terms in asks] + off_topic
        self._answerable = len(asks)
        self._last_known_scores: tuple[tuple[Any, ...], np.ndarray] | None = None
        self.asks = (PositiveIdfBM25(documents, k1=self.tuning.k1, b=self.tuning.b)
                     if asks else None)
        # Asks are grouped by sentence, so a sentence's best is one reduceat slice.
        self._ask_starts = np.array([i for i, (key, _) in enumerate(asks)
                                     if i == 0 or asks[i - 1][0] != key], dtype=int)
        row = {key: n for n, key in enumerate(keys)}
        rows = [[row[(u.paragraph, i)] for i in range(u.first, u.last + 1)
                 if (u.paragraph, i) in row] for u in self.units]
        # One row of sentence numbers per excerpt, padded with a sentence that scores 0,
        # so every excerpt's best is one fancy-indexed max.
        self._unit_ask_rows = np.full((len(self.units), max(map(len, rows), default=0) or 1),
                                      len(keys), dtype=int)
        for n, unit_rows in enumerate(rows):
            self._unit_ask_rows[n, : len(unit_rows)] = unit_rows
        self._known_units = [bool(unit_rows) for unit_rows in rows]

    def _ask_scores(self, groups: list[dict[str, float]]) -> np.ndarray:
        """Per excerpt, the best BM25 score of any question its sentences are known to answer."""
        if self.asks is None:
            return np.zeros(len(self.units))
        scores = self._known_question_scores(groups)[: self._answerable]
        best = np.maximum.reduceat(scores, self._ask_starts)
        return np.append(best, 0.0)[self._unit_ask_rows].max(axis=1)

    def _known_question_scores(self, groups: list[dict[str, float]]) -> np.ndarray:
        """BM25 scores of every known question, answerable first, then off-topic.

        Ranking and the off-topic test both need them for the same question, so the
        last query's are kept (one slot, replaced whole, so threads only ever recompute).
        """
        key = tuple(tuple(sorted(group.items())) for group in groups)
        last = self._last_known_scores
        if last is not None and last[0] == key:
            return last[1]
        scores = self.asks.group_scores(groups) if self.asks is not None else np.zeros(0)
        self._last_known_scores = (key, scores)
        return scores

    def nearest_examples(self, concepts: Sequence[Concept]) -> tuple[float, float]:
        """How close the question is to known answerable and to known off-topic questions:
        the mean BM25 score of the closest few of each, so one odd example ("How does
        transformational leadership differ from transactional leadership?") cannot
        outvote the many answerable questions about leadership."""
        if self.asks is None or not concepts:
            return 0.0, 0.0
        scores = self._known_question_scores(self._groups(concepts))
        answerable, off_topic = scores[: self._answerable], scores[self._answerable:]
        return _mean_best(answerable, self.tuning.neighbours), _mean_best(off_topic, self.tuning.neighbours)

    def _compile_synonyms(self, vocab: Vocabulary,
                          cache: Path | None) -> dict[str, list[SynonymKey]]:
        """Synonym keys compiled, indexed by their first content term for quick lookup
        (kept in the start-up cache: they depend only on the file and the analyzer)."""

        def compute() -> list[list[list[str]]]:
            rows = []
            # In key order, as the vocabulary's own cache keeps them, so that a key's
            # place among those sharing its first term never depends on a cache.
            for key, values in sorted(vocab.synonyms.items()):
                targets = sorted({t for v in values for t in self.analyzer.tokenize_known(v)})
                compiled = self.synonym_key(key, frozenset(targets)) if targets else None
                if compiled is not None:
                    rows.append([list(compiled.before), list(compiled.terms),
                                 list(compiled.after), targets])
            return rows

        def read(rows: Any) -> dict[str, list[SynonymKey]] | None:
            if not isinstance(rows, list):
                return None
            compiled: dict[str, list[SynonymKey]] = {}
            try:
                for before, terms, after, targets in rows:
                    if not (terms or before) or not all(
                            isinstance(t, str) for part in (before, terms, after, targets)
                            for t in part):
                        return None
                    key = SynonymKey(tuple(before), tuple(terms), tuple(after), frozenset(targets))
                    if not key.terms:
                        # A key of small words only ("who does what"): a question's run of
                        # those words becomes one word, written closed ("whodoeswhat").
                        compiled.setdefault(_PHRASES, []).append(key)
                        key = SynonymKey((), (_closed(key.before),), (), key.targets)
                    compiled.setdefault(key.terms[0], []).append(key)
            except (TypeError, ValueError, IndexError):
                return None
            return compiled

        basis = (self.analyzer.stem_key(), sorted(vocab.synonyms.items()))
        return stemcache.keyed(cache, "synonym-keys", basis, compute, read)

    def synonym_key(self, key: str, targets: frozenset[str] = frozenset()) -> SynonymKey | None:
        """A synonym key as matched: its content terms, and the small words at its ends.

        "buy in", "joined up" and "in charge" need their "in", "up" and "in": without
        them they would be "buy", "join" and "charge". Small words inside a phrase
        ("lack of clarity") may differ, as they always could. A key made only of small
        words ("who does what") is all ``before``: it is found by those words in order.
        """
        split = [key] if " " not in key and "-" not in key else words(key)
        if not any("-" in w or self.analyzer.is_stopword(w) for w in split):
            # Most keys: their terms are the start-up cache's token list.
            terms = tuple(self.analyzer.tokenize_known(key))
            return SynonymKey((), terms, (), targets) if terms else None
        tokens = [token for word in split for token, _ in self._word_stream(word, key=True)]
        content = [i for i, token in enumerate(tokens) if not token.startswith(_SMALL)]
        if not content:
            return SynonymKey(tuple(tokens), (), (), targets) if tokens else None
        first, last = content[0], content[-1]
        return SynonymKey(tuple(tokens[:first]), tuple(tokens[i] for i in content),
                          tuple(tokens[last + 1 :]), targets)

    def asking(self, message: str, words: int | None = None) -> str:
        """The sentences of a long message that ask (ending in "?", else the last one).

        "We've got a hub where … and morale is dipping. Is there evidence on roles
        overlapping?" asks its last sentence. A short message is all question.
        ``words`` is the message's number of content words, when already known.
        """
        if words is None:
            words = len(self._concepts(message))
        if words <= self.tuning.coverage_window:
            return message
        return self._asked_sentences(message)

    def _asked_sentences(self, message: str) -> str:
        spans = [message[s:e] for s, e in self.knowledge.splitter.span_tokenize(message)]
        if len(spans) < 2:
            return message
        asked = [s for s in spans if s.rstrip().rstrip("\"'”’)").endswith("?")] or spans[-1:]
        return " ".join(asked)

    def read(self, message: str) -> Reading:
        """A message's concepts and the sentences that ask, each worked out once.

        A question that names its topic in three or more words the knowledge knows
        ("What does the evidence say about tension between professions?") is judged
        alone: words only found in the story before it are marked as context, which
        ranks a little and never counts as support. One that points back at the story
        ("Has that been seen elsewhere?", "Any thoughts?") leaves the whole message.
        """
        concepts = self._concepts(message)
        asking = self.asking(message, len(concepts))
        if asking == message:
            return Reading(tuple(concepts), message, tuple(concepts), focused=False)
        asked = self._concepts(asking)
        named = [c for c in asked if not self.is_generic(c)
                 and (c.terms | c.synonyms) & self.vocabulary]
        if len(named) < self.tuning.focus_words:
            return Reading(tuple(concepts), asking, tuple(asked), focused=False)
        asked_terms = frozenset(t for c in asked for t in c.terms)
        return Reading(tuple(c if c.terms & asked_terms else replace(c, context=True)
                             for c in concepts), asking, tuple(asked), focused=True)

    def focus(self, message: str) -> str:
        """What a message is judged by: its asking sentences when they name the topic."""
        reading = self.read(message)
        return reading.asking if reading.focused else message

    def errand_words(self, question: str | Sequence[Concept]) -> list[str]:
        """Words of a question (or its concepts) that mark an errand ("password", "rota")."""
        concepts = self._concepts(question) if isinstance(question, str) else question
        return [c.word for c in concepts
                if c.terms & self.errands or c.word in self.errand_spellings]

    def concepts(self, question: str) -> list[Concept]:
        """The question's content words, each with its stem, compound and synonym terms.

        In a long message, words only found outside its question are marked as context.
        """
        return list(self.read(question).concepts)

    def _concepts(self, question: str) -> list[Concept]:
        # The question's words in order: content words' terms, and small words as "_up".
        stream: list[tuple[str, Entry | None]] = []
        # "the review" is the whole knowledge: as a word it would match only the
        # passages that happen to mention some other review.
        for word in words(_without_self_reference(question)):
            stream.extend(self._word_stream(word))
        stream = self._join_phrases(stream)
        tokens = [token for token, _ in stream]
        where = [n for n, (_, entry) in enumerate(stream) if entry is not None]
        entries = [entry for _, entry in stream if entry is not None]
        terms = [term for _, term, _ in entries]
        extra: list[set[str]] = [set() for _ in entries]
        for i, term in enumerate(terms):
            for key in self.synonyms.get(term, ()):
                end = i + len(key.terms)
                if tuple(terms[i:end]) == key.terms and (
                        tuple(tokens[max(where[i] - len(key.before), 0) : where[i]]) == key.before
                        and tuple(tokens[where[end - 1] + 1 : where[end - 1] + 1 + len(key.after)])
                        == key.after):
                    for j in range(i, end):
                        extra[j] |= key.targets
            # A one-word key also matches a compound written apart or hyphenated.
            for alternative in entries[i][2]:
                for key in self.synonyms.get(alternative, ()):
                    if key.terms == (alternative,) and not key.before and not key.after:
                        extra[i] |= key.targets
        merged: dict[str, Concept] = {}
        for (word, term, alternatives), syn in zip(entries, extra, strict=True):
            own = frozenset({term}) | alternatives
            old = merged.get(term)
            if old is not None:
                own, syn = own | old.terms, syn | old.synonyms
            merged[term] = Concept(old.word if old else word, own, frozenset(syn) - own)
        return list(merged.values())

    def _join_phrases(self, stream: list[tuple[str, Entry | None]]
                      ) -> list[tuple[str, Entry | None]]:
        """Each run of small words that a synonym key names ("who does what") as one word,
        written closed ("whodoeswhat", as "who-does-what" is): the key's targets then
        join it like any word's. Without this, every word of it is a stop word."""
        for key in self.synonyms.get(_PHRASES, ()):
            size = len(key.before)
            tokens = [token for token, _ in stream]
            start = next((i for i in range(len(tokens) - size + 1)
                          if tuple(tokens[i : i + size]) == key.before), None)
            if start is not None:
                term = _closed(key.before)
                phrase = " ".join(token[len(_SMALL) :] for token in key.before)
                stream = [*stream[:start], (term, (phrase, term, frozenset())),
                          *stream[start + size :]]
        return stream

    def _word_stream(self, word: str, key: bool = False) -> list[tuple[str, Entry | None]]:
        """A word's tokens: an entry per content part (a compound's joined form is each
        part's alternative), and each small word as itself ("_up").

        So "multi-agency", "multi agency" and "multiagency" all count as two words,
        and each meets text that writes the compound either way; "joined-up" ends in
        "up" just as "joined up" does. A synonym ``key`` is taken as written: never
        split as a compound, nor read as a misspelt author.
        """
        parts = [p for p in word.split("-") if p] if "-" in word else (
            [word] if key else self._decompound(word) or [word])
        if len(parts) == 1:
            terms = self.analyzer.word_terms(word)
            if not terms:
                return [(_SMALL + word, None)]
            if not (key or set(terms) & self.vocabulary or terms[0] in self.synonyms):
                terms = [self.author_like(word) or terms[0]]
            return [(t, (word, t, frozenset())) for t in terms]
        joined = frozenset(self.analyzer.word_terms("".join(parts)))
        stream: list[tuple[str, Entry | None]] = []
        for part in parts:
            part_terms = self.analyzer.word_terms(part)
            stream.extend([(t, (word, t, joined - {t})) for t in part_terms]
                          or [(_SMALL + part, None)])
        if all(entry is None for _, entry in stream):
            return [(t, (word, t, frozenset())) for t in joined]
        return stream

    def _decompound(self, word: str) -> list[str]:
        """Split a closed compound the knowledge writes apart ("jointworking", "multiagency").

        No real compound is longer than 40 letters; a longer "word" (a pasted hash, a key
        held down) is not tried at every cut.
        """
        if not 7 <= len(word) <= _LONGEST_COMPOUND:
            return []
        for cut in range(2, len(word) - 3):
            left, right = word[:cut], word[cut:]
            if all(not self.analyzer.is_stopword(p) and self.analyzer.stem_word(p) in
                   self.prose_vocabulary for p in (left, right)):
                return [left, right]
        return []

    def is_generic(self, concept: Concept) -> bool:
        # Numbers the knowledge never mentions (phone numbers, dates, "the 2000s",
        # "5th") say nothing about the topic either way.
        return concept.terms <= self.generic or (
            _NUMBER.fullmatch(concept.word) is not None and not concept.terms & self.vocabulary)

    def _concept_weight(self, concept: Concept) -> float:
        if concept.context:
            return 0.0  # context ranks (a little) but never counts towards coverage
        if self.is_generic(concept):
            return self.tuning.generic_weight * self.max_idf
        # Words found only in headings or glosses are as rare as words can be.
        known = [self.paragraphs.idf.get(t, self.max_idf) for t in concept.terms | concept.synonyms
                 if t in self.vocabulary]
        # A word the knowledge has never seen, with no synonym it knows, is strong
        # evidence that the question is about something else.
        return max(known) if known else self.tuning.unknown_weight * self.max_idf

    def _groups(self, concepts: Sequence[Concept], synonyms: bool = True) -> list[dict[str, float]]:
        groups = []
        for c in concepts:
            # Generic phrasing ("way", "matter") ranks as little as it counts for coverage.
            own = self.tuning.generic_weight if self.is_generic(c) else 1.0
            if c.context:
                own *= self.tuning.context_weight
            group = dict.fromkeys(c.synonyms, own * self.tuning.synonym_weight) if synonyms else {}
            group.update(dict.fromkeys(c.terms, own))
            groups.append(group)
        return groups

    def search(self, question: str | list[Concept], k: int = 3, whole: bool = False) -> list[Hit]:
        """The k best excerpts for a question (or its concepts), best first, with coverage.

        ``whole`` judges coverage over the whole question only, never its best stretch.
        """
        concepts = self.concepts(question) if isinstance(question, str) else question
        if not concepts:
            return []
        return self._rank(concepts, self._groups(concepts), range(len(self.units)), k, whole)

    def rank_within(self, query: str, paragraphs: Sequence[int] | None, k: int) -> list[Hit]:
        """Rank excerpts for a curated query, optionally only within some paragraphs."""
        concepts = self.concepts(query)
        allowed = set(paragraphs) if paragraphs is not None else None
        candidates = [i for i, u in enumerate(self.units)
                      if (allowed is None or u.paragraph in allowed) and u.first == u.last]
        if not concepts:
            return [self._hit(i, 0.0, concepts) for i in candidates[:k]]
        return self._rank(concepts, self._groups(concepts, synonyms=False), candidates, k)

    def _rank(self, concepts: list[Concept], groups: list[dict[str, float]],
              candidates: Sequence[int], k: int, whole: bool = False) -> list[Hit]:
        t = self.tuning
        score = self.prose.group_scores(groups)
        if self.cited is not None:
            score = score + t.citation_weight * self.cited.group_scores(groups)
        if self.glossed is not None:
            score = score + t.gloss_weight * self.glossed.group_scores(groups)
            score = score + t.ask_weight * self._ask_scores(groups)
        para = self.paragraphs.group_scores(groups)
        para = para / para.max() if para.size and para.max() > 0 else para
        top = float(score.max()) if score.size and score.max() > 0 else 1.0
        weights = [self._concept_weight(c) for c in concepts]
        # Paragraphs of one section share its headings: score each heading set once.
        by_heading: dict[frozenset[str], tuple[float, float]] = {}
        for heading in self.heading_terms:
            if heading not in by_heading:
                by_heading[heading] = (self._heading_score(groups, heading),
                                       self._heading_share(concepts, weights, heading))
        scored = []
        for i in candidates:
            unit = self.units[i]
            tier = 0
            heading_score, share = by_heading[self.heading_terms[unit.paragraph]]
            value = float(score[i]) + t.paragraph_weight * top * float(para[unit.paragraph])
            value += t.heading_weight * heading_score
            value *= 1.0 + t.heading_boost * share
            if unit.first == 0 and unit.paragraph in self.section_leads:
                # A question that is little more than a section's title ("key success
                # factors") is answered by how that section opens.
                value *= 1.0 + t.lead_boost * share ** 2
                tier = (1 + unit.last - unit.first) if share >= t.section_match else 0
            scored.append((tier, value, i))
        scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
        return [self._hit(i, v, concepts, weights, whole)
                for _, v, i in scored[: max(k, 0)] if v > 0]

    def _heading_score(self, groups: list[dict[str, float]], heading: frozenset[str]) -> float:
        """BM25-like credit for question words that the section headings name."""
        idf = self.paragraphs.idf
        return sum(max((w * idf.get(term, self.max_idf) for term, w in g.items() if term in heading),
                       default=0.0) for g in groups)

    @staticmethod
    def _heading_share(concepts: list[Concept], weights: list[float],
                       heading: frozenset[str]) -> float:
        """How much of the question the section's headings name (idf-weighted)."""
        total = sum(weights)
        named = sum(w for c, w in zip(concepts, weights, strict=True)
                    if (c.terms | c.synonyms) & heading)
        return named / total if total else 0.0

    def _hit(self, index: int, score: float, concepts: list[Concept],
             weights: list[float] | None = None, whole: bool = False) -> Hit:
        unit = self.units[index]
        paragraph = self.knowledge.paragraphs[unit.paragraph]
        terms = self.unit_terms[index] | self.heading_terms[unit.paragraph]
        gloss = self.unit_gloss_terms[index]
        learned = self.unit_learned_terms[index]
        weights = weights or [self._concept_weight(c) for c in concepts]
        t = self.tuning
        matched, credit = [], []
        for c, weight in zip(concepts, weights, strict=True):
            share = (1.0 if c.terms & terms else t.synonym_credit if c.synonyms & terms
                     else t.gloss_credit if c.terms & gloss
                     else t.gloss_credit * t.synonym_credit if c.synonyms & gloss
                     else t.learned_credit if c.terms & learned
                     else t.learned_credit * t.synonym_credit if c.synonyms & learned else 0.0)
            if share:
                matched.append(c.word)
            credit.append(weight * share)
        coverage = _best_share(weights, credit, 0 if whole else self.tuning.coverage_window)
        return Hit(paragraph, unit.first, unit.last, score, coverage,
                   tuple(dict.fromkeys(matched)), self._known_units[index])


def _closed(small: Sequence[str]) -> str:
    """Small-word tokens ("_who", "_does", "_what") written as one closed word."""
    return "".join(token[len(_SMALL) :] for token in small)


def _mean_best(scores: np.ndarray, count: int) -> float:
    """The mean of the ``count`` highest scores (of all, when there are fewer)."""
    return float(np.sort(scores)[-max(count, 1):].mean()) if scores.size else 0.0


def _best_share(weights: Sequence[float], credit: Sequence[float], window: int) -> float:
    """The share of the question's weight that a passage covers, judged as a whole and
    over every run of ``window`` consecutive content words, whichever is best.

    A long message ("We've set up a hub… the health visitor and the social worker keep
    doubling up on visits — what does the evidence say?") carries context words no
    passage could match; its question is one stretch of it, and that stretch should
    decide, not the length of the story around it. A short question is judged whole.
    """
    counted = [(w, c) for w, c in zip(weights, credit, strict=True) if w > 0]
    # Running totals, so each window's sums are one subtraction.
    weight_sums, credit_sums = [0.0], [0.0]
    for w, c in counted:
        weight_sums.append(weight_sums[-1] + w)
        credit_sums.append(credit_sums[-1] + c)
    total = weight_sums[-1]
    best = credit_sums[-1] / total if total else 0.0
    if window < 1:
        return best
    for end in range(window, len(counted) + 1):
        best = max(best, (credit_sums[end] - credit_sums[end - window])
                   / (weight_sums[end] - weight_sums[end - window]))
    return best
