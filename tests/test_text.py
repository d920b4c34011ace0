"""The tokenizer and sentence splitter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nltk.tokenize.punkt import PunktSentenceTokenizer

from bot.text import (
    Analyzer,
    edit_distance,
    sentence_spans,
    soundex,
    train_sentence_parameters,
    words,
)

STOP = ["the", "of", "and", "is", "a", "to", "in"]


def test_case_accents_and_width_are_folded() -> None:
    analyzer = Analyzer(STOP)
    assert analyzer.tokenize("CAFÉ Naïve ＮＨＳ") == analyzer.tokenize("cafe naive nhs")


def test_hyphenated_compound_matches_joined_and_spaced_spellings() -> None:
    analyzer = Analyzer(STOP)
    text_terms = set(analyzer.tokenize("co-terminosity and multi-disciplinary working"))
    assert set(analyzer.tokenize("coterminosity")) <= text_terms
    assert set(analyzer.tokenize("multidisciplinary")) <= text_terms
    assert set(analyzer.tokenize("disciplinary")) <= text_terms


def test_unicode_hyphens_and_curly_apostrophes_are_normalised() -> None:
    analyzer = Analyzer(STOP)
    assert analyzer.tokenize("joint\u2011working") == analyzer.tokenize("joint-working")
    assert analyzer.tokenize("Lart\u2019s review") == analyzer.tokenize("Lart's review")


def test_possessive_is_stripped() -> None:
    assert words("Cameron & Lart's (2003) review") == ["cameron", "lart", "2003", "review"]


def test_stemming_joins_inflections() -> None:
    analyzer = Analyzer(STOP)
    assert analyzer.tokenize("barriers") == analyzer.tokenize("barrier")
    assert analyzer.tokenize("integrated") == analyzer.tokenize("integration")


def test_us_ize_spelling_meets_uk_ise() -> None:
    analyzer = Analyzer(STOP)
    assert analyzer.tokenize("organizations prioritized") == analyzer.tokenize(
        "organisations prioritised")


def test_curated_spelling_map_applies_before_stemming() -> None:
    analyzer = Analyzer(STOP, spellings={"behavior": "behaviour"})
    assert analyzer.tokenize("behavior") == analyzer.tokenize("behaviour")


def test_stop_words_are_dropped_case_insensitively() -> None:
    analyzer = Analyzer(STOP)
    assert analyzer.tokenize("The Role of THE school") == analyzer.tokenize("role school")


def test_punkt_keeps_et_al_and_eg_inside_sentences() -> None:
    text = ("Smith et al. (2003) found gaps in provision. Barriers, e.g. funding, recur "
            "in studies. Joint training helps.")
    splitter = PunktSentenceTokenizer(train_sentence_parameters(text))
    sentences = [text[s:e] for s, e in sentence_spans(splitter, text)]
    assert sentences == ["Smith et al. (2003) found gaps in provision.",
                         "Barriers, e.g. funding, recur in studies.", "Joint training helps."]


@given(st.text())
def test_tokenize_never_fails_and_yields_clean_terms(text: str) -> None:
    analyzer = Analyzer(STOP)
    terms = analyzer.tokenize(text)
    assert all(t and not any(ch.isspace() for ch in t) for t in terms)
    assert analyzer.tokenize(text) == terms


@pytest.mark.parametrize(("word", "code"), [
    ("Pallis", "p420"), ("Pallas", "p420"), ("Palis", "p420"),
    ("Ashcraft", "a261"),  # h does not separate the s and c of one code
    ("Tymczak", "t522"), ("Pfister", "p236"), ("Robert", "r163"), ("Rupert", "r163"),
    ("Lee", "l000"), ("", ""),
])
def test_soundex_codes_follow_the_american_rules(word: str, code: str) -> None:
    assert soundex(word) == code


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("kitten", "sitting", 3), ("wassof", "wasoff", 2), ("lort", "lart", 1),
    ("", "abc", 3), ("abc", "", 3), ("same", "same", 0),
])
def test_edit_distance_counts_inserted_deleted_and_replaced_letters(
        a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance
