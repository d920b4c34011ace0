"""One tokenizer for passages and questions, and Punkt sentence splitting.

Everything here is data-free: the stemmer is NLTK's Snowball (Porter2) and
Punkt is trained on the knowledge text itself, so nothing needs ``nltk_data``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

import nltk
from nltk.metrics.distance import edit_distance as edit_distance  # for bot.index
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer

# Abbreviations the review's genre uses; Punkt would learn them only from a
# much larger text, so they are seeded (lower case, without the final dot).
ABBREVIATIONS = frozenset(
    {"al", "et al", "e.g", "i.e", "etc", "cf", "vs", "viz", "dr", "prof", "no", "nos",
     "fig", "approx", "ed", "eds", "vol", "pp", "p", "ch", "sec", "st", "mr", "mrs", "ms"}
)

# Bump when _stem_uncached or _WORD changes, so stems and token lists cached by an
# earlier version are not reused.
STEM_RULES = 2

_WORD = re.compile(r"[^\W_]+(?:[-'&][^\W_]+)*")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u00ad": "",
                         "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'"})
# US "-ize" family -> UK "-ise" family, the review's spelling.
_IZE = re.compile(r"(?<=[a-z]{3})iz(e|es|ed|ing|ation|ations|er|ers)$")


def fold(text: str) -> str:
    """Case-fold, NFKC-normalise and strip accents so "Café" and "cafe" meet."""
    if text.isascii():  # nothing to normalise: the common case, and start-up's hot path
        return text.casefold()
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Split folded text into words, keeping hyphenated compounds together."""
    out = []
    for word in _WORD.findall(fold(text)):
        if word.endswith("'s"):
            word = word[:-2]
        out.append(word.replace("'", ""))
    return [w for w in out if w]


class Analyzer:
    """Turns text into BM25 terms: fold, split compounds, respell, drop stop words, stem."""

    def __init__(self, stopwords: Iterable[str] = (), spellings: Mapping[str, str] | None = None,
                 double_stem: bool = True):
        self.double_stem = double_stem
        self.stopwords = frozenset(fold(w) for w in stopwords)
        self.spellings = {fold(k): fold(v) for k, v in (spellings or {}).items()}
        self._stemmer = SnowballStemmer("english")
        self._stems: dict[str, str] = {}
        self._texts: dict[str, list[str]] = {}
        self._word_terms = lru_cache(maxsize=65536)(self._word_terms_uncached)

    def _stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = self._stem_uncached(word)
        return stem

    @property
    def stems(self) -> dict[str, str]:
        """Every word stemmed so far, with its stem (for a cache between runs)."""
        return dict(self._stems)

    @property
    def known_texts(self) -> dict[str, list[str]]:
        """Every knowledge text tokenized so far (``tokenize_known``), with its terms."""
        return dict(self._texts)

    def remember(self, stems: Mapping[str, str],
                 texts: Mapping[str, list[str]] | None = None) -> None:
        """Take stems and token lists computed by an earlier run with the same
        spellings and stop words (see ``stem_key``)."""
        self._stems.update(stems)
        self._texts.update(texts or {})

    def stem_key(self) -> str:
        """What stems and token lists depend on: the stemmer, its version, the
        respellings and the stop words."""
        basis = repr((STEM_RULES, nltk.__version__, self.double_stem,
                      sorted(self.spellings.items()), sorted(self.stopwords)))
        return hashlib.sha256(basis.encode()).hexdigest()[:16]

    def _stem_uncached(self, word: str) -> str:
        word = self.spellings.get(word, word)
        word = _IZE.sub(lambda m: "is" + m.group(1), word)
        # Snowball leaves derivations apart ("professional" -> "profession", but
        # "professions" -> "profess"); a second pass brings most of them together.
        stem = self._stemmer.stem(word)
        # A word Snowball leaves alone would only come back unchanged again.
        return self._stemmer.stem(stem) if self.double_stem and stem != word else stem

    def is_stopword(self, word: str) -> bool:
        """True for words that carry no topic (after folding)."""
        return word in self.stopwords or len(word) < 2 and not word.isdigit()

    def word_terms(self, word: str) -> list[str]:
        """Terms for one folded word: its parts and, for a compound, the joined whole."""
        return list(self._word_terms(word))

    def _word_terms_uncached(self, word: str) -> tuple[str, ...]:
        parts = [p for p in word.split("-") if p]
        terms = [self._stem(p) for p in parts if not self.is_stopword(p)]
        if len(parts) > 1:
            joined = "".join(parts)
            if not self.is_stopword(joined):
                terms.append(self._stem(joined))
        return tuple(terms)

    def tokenize(self, text: str) -> list[str]:
        """The terms of ``text``, in order; the same function serves passages and questions."""
        terms: list[str] = []
        for word in words(text):
            terms.extend(self._word_terms(word))
        return terms

    def tokenize_known(self, text: str) -> list[str]:
        """``tokenize`` for the knowledge's own texts, remembered for the start-up cache."""
        terms = self._texts.get(text)
        if terms is None:
            terms = self._texts[text] = self.tokenize(text)
        return list(terms)

    def stem_word(self, word: str) -> str:
        """Stem one already-folded word (used for curated vocabulary)."""
        return self._stem(word)


def train_sentence_parameters(text: str) -> PunktParameters:
    """Train Punkt on the knowledge text itself, seeded with known abbreviations: what it
    learns (abbreviations, collocations, sentence starters) makes a PunktSentenceTokenizer."""
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    trainer.train(text, finalize=True)
    params: PunktParameters = trainer.get_params()
    params.abbrev_types.update(ABBREVIATIONS)
    return params


def sentence_spans(splitter: PunktSentenceTokenizer, text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph (verbatim slices of it)."""
    return [(s, e) for s, e in splitter.span_tokenize(text) if text[s:e].strip()]


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


_SOUNDEX_CODES = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"),
                  **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}


def soundex(word: str) -> str:
    """American Soundex: "Pallis", "Pallas" and "Palis" are all P420, "Jonson" is J525."""
    word = word.lower()
    if not word:
        return ""
    code, previous = word[0], _SOUNDEX_CODES.get(word[0], "")
    for ch in word[1:]:
        digit = _SOUNDEX_CODES.get(ch, "")
        if digit and digit != previous:
            code += digit
        if ch not in "hw":  # h and w do not separate two letters of one code
            previous = digit
    return (code + "000")[:4]
