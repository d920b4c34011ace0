"""parse_citations: the works a review sentence cites, as "Author(s) YEAR" strings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.citations import Citation, find_citations, parse_citations

SOURCE = Path(__file__).resolve().parents[1] / "knowledge" / "sources" / "what-works.md"


def _paragraphs() -> list[str]:
    """The review's body paragraphs, each joined onto one line, headings left out."""
    body = SOURCE.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    blocks = (" ".join(line.strip() for line in block.splitlines()) for block in body.split("\n\n"))
    return [b.strip() for b in blocks if b.strip() and not b.lstrip().startswith("#")]


def _sentences() -> list[str]:
    # The review writes "et al" without a dot, so a plain splitter is exact here.
    return [s for p in _paragraphs() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", p)]


def _sentence(starting: str) -> str:
    matches = [s for s in _sentences() if s.startswith(starting)]
    assert len(matches) == 1, starting
    return matches[0]


# --- the forms the review uses ------------------------------------------------------------


def test_parenthetical_list_gives_each_work_in_order() -> None:
    text = ("arise time and again (Cameron & Lart 2002, Integrated Care Network 2004, "
            "Park & Turnbull 2003, Johnson et al 2003).")
    assert parse_citations(text) == ["Cameron & Lart 2002", "Integrated Care Network 2004",
                                     "Park & Turnbull 2003", "Johnson et al 2003"]


def test_run_on_author_list_closed_by_a_year_is_one_work() -> None:
    text = ("(Sammons et al 2003, Cameron & Lart 2003, Wilkin et al 2003, van Eyk & Baum 2002, "
            "Johnson et al 2003, Tisdall, Wallace, McGregor, Atkinson et al 2001)")
    assert parse_citations(text) == [
        "Sammons et al 2003", "Cameron & Lart 2003", "Wilkin et al 2003", "van Eyk & Baum 2002",
        "Johnson et al 2003", "Tisdall, Wallace, McGregor, Atkinson et al 2001",
    ]


@pytest.mark.parametrize("work", [
    "Wasoff, MacIver, McGuckin, Morton, Cunningham-Burley, Hinds and Given 2004",
    "Wilkin, White & Kinder 2003",
    "Coles, Britton & Hicks 2004",
    "Craig, Huber & Lownsbrough 2004",
])
def test_comma_separated_co_authors_stay_one_work(work: str) -> None:
    assert parse_citations(f"(Harbin 1996, {work}, Coxon 2005)") == ["Harbin 1996", work,
                                                                    "Coxon 2005"]


def test_lowercase_particle_is_part_of_the_surname() -> None:
    assert parse_citations("(van Eyk & Baum 2002)") == ["van Eyk & Baum 2002"]
    assert parse_citations("(de Vries 2001)") == ["de Vries 2001"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Johnson et al (2003) reported that", ["Johnson et al 2003"]),
    ("Crouch & Johnson (2003) report differences", ["Crouch & Johnson 2003"]),
    ("Rushmer & Pallis (2002) suggest that", ["Rushmer & Pallis 2002"]),
    ("However, in their review, Cameron & Lart (2003) conclude", ["Cameron & Lart 2003"]),
])
def test_narrative_citation_takes_the_names_before_the_year(text: str, expected: list[str]) -> None:
    assert parse_citations(text) == expected


def test_two_narrative_citations_joined_by_and_are_two_works() -> None:
    text = "Similarly, Gardner (2003) and Glisson & Hemmelgard (1998) highlight the link."
    assert parse_citations(text) == ["Gardner 2003", "Glisson & Hemmelgard 1998"]


@pytest.mark.parametrize(("text", "expected"), [
    ("emerged from Cameron & Lart's (2003) review", "Cameron & Lart 2003"),
    ("McCulloch et al's (2004) findings from school staff", "McCulloch et al 2004"),
    ("For instance, Webb & Vuillamy's (2001) evaluation", "Webb & Vuillamy 2001"),
    ("O\u2019Brien\u2019s (2004) study", "O\u2019Brien 2004"),
    ("Jones' (2003) study", "Jones 2003"),
])
def test_possessive_drops_the_apostrophe_s(text: str, expected: str) -> None:
    assert parse_citations(text) == [expected]


def test_possessive_corporate_author_is_cited_without_the() -> None:
    text = "Perhaps assisting with clarity is the National Audit Office's (2001) guidance."
    assert parse_citations(text) == ["National Audit Office 2001"]


def test_undated_possessive_pair_keeps_the_texts_own_and() -> None:
    text = "This is supported by Rushmer and Pallis's argument about the disaster of blurring."
    assert parse_citations(text) == ["Rushmer and Pallis"]


def test_undated_possessive_et_al_is_cited() -> None:
    assert parse_citations("Smith et al's work shows this.") == ["Smith et al"]


@pytest.mark.parametrize("text", [
    "identified in the Scottish Centre for Social Research's study exploring",
    "confirming the Integrated Care Network's comment that",
    "the Health and Safety Executive's guidance",
])
def test_undated_possessive_organisation_is_described_not_cited(text: str) -> None:
    assert parse_citations(text) == []


def test_undated_authors_in_a_dated_list_are_kept_without_a_year() -> None:
    text = "contributes to successful integration (Park & Turnbull, Integrated Care Network 2004)."
    assert parse_citations(text) == ["Park & Turnbull", "Integrated Care Network 2004"]


def test_report_title_before_the_citation_is_not_listed() -> None:
    text = 'according to the report "Schools Out" (Craig, Huber & Lownsbrough 2004).'
    assert parse_citations(text) == ["Craig, Huber & Lownsbrough 2004"]


def test_space_inside_the_parenthesis_and_acronym_author() -> None:
    assert parse_citations("consistent in developing the approach ( HMIe 2004).") == ["HMIe 2004"]


def test_ordinal_corporate_author_keeps_the_texts_spelling() -> None:
    text = "the current review of its profession (21 st Century Social Work 2005)."
    assert parse_citations(text) == ["21 st Century Social Work 2005"]


def test_citations_either_side_of_a_trailing_clause_are_both_found() -> None:
    text = ("one way to clarify the roles of partners involved in joint working "
            "(Rushmer & Pallis 2002) as well as allowing time and support for workers to "
            "achieve effective collaboration (Wasoff et al 2004).")
    assert parse_citations(text) == ["Rushmer & Pallis 2002", "Wasoff et al 2004"]


@pytest.mark.parametrize(("text", "expected"), [
    ("(Wasoff et al 2004)", ["Wasoff et al 2004"]),
    ("(Percy-Smith 2005)", ["Percy-Smith 2005"]),
    ("(Sloper 2004, Percy-Smith 2005, Craig et al 2004)",
     ["Sloper 2004", "Percy-Smith 2005", "Craig et al 2004"]),
    ("(Gardner 2003, Atkinson et al 2002)", ["Gardner 2003", "Atkinson et al 2002"]),
    ("(Rushmore & Pallis 2002)", ["Rushmore & Pallis 2002"]),
    ("(Sammons et al 2003)", ["Sammons et al 2003"]),
    ("(Stewart et al 2003, Percy-Smith 2005)", ["Stewart et al 2003", "Percy-Smith 2005"]),
    ("(Integrated Care Network 2003)", ["Integrated Care Network 2003"]),
])
def test_simple_parenthetical_citations(text: str, expected: list[str]) -> None:
    assert parse_citations(text) == expected


@pytest.mark.parametrize("text", [
    "evaluation of a 3-year project that placed home-school support workers",
    "# 5. What Works?",
    'such as the appointment of "co-ordinators" or "integration managers"',
    'have been described as the "engine for joint service delivery"',
    "The interim report of the Social Work Review recognises the diverse roles",
    "Process mapping was undertaken by West Surrey to overcome some of the barriers.",
    "HMIe suggest it to be a key factor for success.",
    "Joint working (in schools and health centres) helped.",
    "(ICS)",
    "(2001)",
    "published (January 2006)",
    "(in the 1990s)",
    "(Health & Safety)",
    "",
])
def test_text_without_a_citation_gives_nothing(text: str) -> None:
    assert parse_citations(text) == []


def test_described_research_centre_is_not_listed_beside_its_citation() -> None:
    text = ("Difficulties were also identified in the Scottish Centre for Social Research's "
            "study exploring the effectiveness of early years policies (Wasoff et al 2004).")
    assert parse_citations(text) == ["Wasoff et al 2004"]


# --- forms other reviews use ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("(Smith 2001; Jones 2002)", ["Smith 2001", "Jones 2002"]),
    ("(Smith, 2001)", ["Smith 2001"]),
    ("(Smith & Jones, 2001)", ["Smith & Jones 2001"]),
    ("(Smith et al., 2001)", ["Smith et al 2001"]),
    ("(Scottish Executive, 2004)", ["Scottish Executive 2004"]),
    ("Smith et al. (2003) found", ["Smith et al 2003"]),
    ("(Smith 2001a)", ["Smith 2001a"]),
    ("(Smith 2001, 2003)", ["Smith 2001", "Smith 2003"]),
    ("(Smith 2001a, 2001b)", ["Smith 2001a", "Smith 2001b"]),
    ("Smith (2001, 2003) argues", ["Smith 2001", "Smith 2003"]),
    ("(Smith 2001: 23)", ["Smith 2001"]),
    ("(Smith 2001, p. 4)", ["Smith 2001"]),
    ("Wilkin, White & Kinder (2003) found", ["Wilkin, White & Kinder 2003"]),
    ("Smith, Jones, and Brown (2003) found", ["Smith, Jones, and Brown 2003"]),
    ("(Smith, Jones, and Brown 2003)", ["Smith, Jones, and Brown 2003"]),
    ("Department of Health (2001) guidance", ["Department of Health 2001"]),
])
def test_other_citation_styles(text: str, expected: list[str]) -> None:
    assert parse_citations(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("(e.g. Smith 2001)", ["Smith 2001"]),
    ("(see Smith 2001)", ["Smith 2001"]),
    ("(See Smith 2001)", ["Smith 2001"]),
    ("(cf. Smith 2001)", ["Smith 2001"]),
    ("(see also Smith & Jones 2001; Brown 2002)", ["Smith & Jones 2001", "Brown 2002"]),
    ("(e.g. Park & Turnbull, Smith 2001)", ["Park & Turnbull", "Smith 2001"]),
    ("(The Scottish Office 1999)", ["Scottish Office 1999"]),
])
def test_lead_in_words_are_dropped(text: str, expected: list[str]) -> None:
    assert parse_citations(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("However Smith (2003) says", ["Smith 2003"]),
    ("In Scotland, Smith & Jones (2003) found", ["Smith & Jones 2003"]),
])
def test_sentence_opening_words_are_not_authors(text: str, expected: list[str]) -> None:
    assert parse_citations(text) == expected


def test_en_dash_in_a_surname_is_kept() -> None:
    assert parse_citations("(Percy\u2013Smith 2005)") == ["Percy\u2013Smith 2005"]


def test_non_breaking_spaces_separate_words_and_are_kept_verbatim() -> None:
    text = "(Smith\u00a0et\u00a0al\u00a02001)"
    assert parse_citations(text) == ["Smith\u00a0et\u00a0al 2001"]
    assert find_citations(text) == [Citation("Smith\u00a0et\u00a0al", "2001")]


def test_unclosed_parenthesis_is_not_a_citation() -> None:
    assert parse_citations("(Smith 2001") == []
    assert parse_citations("(Jones (Smith 2001)") == ["Smith 2001"]


# --- ordering, duplicates, the Citation record ----------------------------------------------


def test_repeated_works_are_listed_once_in_order_of_first_appearance() -> None:
    text = ("Gardner (2003) agrees (Sloper 2004, Gardner 2003). Later (Percy-Smith 2005, "
            "Sloper 2004) and Gardner (2003) again; Park & Turnbull (2003) too.")
    assert parse_citations(text) == ["Gardner 2003", "Sloper 2004", "Percy-Smith 2005",
                                     "Park & Turnbull 2003"]


def test_same_authors_with_different_years_are_different_works() -> None:
    text = "(Integrated Care Network 2003) and (Integrated Care Network 2004, Park & Turnbull)"
    assert parse_citations(text) == ["Integrated Care Network 2003",
                                     "Integrated Care Network 2004", "Park & Turnbull"]


def test_citation_records_split_authors_from_year() -> None:
    text = "(Park & Turnbull, Integrated Care Network 2004)"
    assert find_citations(text) == [Citation("Park & Turnbull", None),
                                    Citation("Integrated Care Network", "2004")]
    assert [str(c) for c in find_citations(text)] == parse_citations(text)


# --- the real review, sentence by sentence ---------------------------------------------------

KEY_SENTENCES = {
    "Similar barriers": ["Cameron & Lart 2002", "Integrated Care Network 2004",
                         "Park & Turnbull 2003", "Johnson et al 2003"],
    "Financial uncertainty is one": [
        "Sammons et al 2003", "Cameron & Lart 2003", "Wilkin et al 2003", "van Eyk & Baum 2002",
        "Johnson et al 2003", "Tisdall, Wallace, McGregor, Atkinson et al 2001"],
    "Cultural differences": [
        "Cameron & Lart 2003", "Harbin 1996", "Wilkin, White & Kinder 2003",
        "Wasoff, MacIver, McGuckin, Morton, Cunningham-Burley, Hinds and Given 2004",
        "van Eyk & Baum 2002", "Johnson et al 2003", "Coxon 2005"],
    "Crouch & Johnson": ["Crouch & Johnson 2003"],
    "Process mapping": [],
    "Tension between professionals": ["Craig, Huber & Lownsbrough 2004"],
    "Instead incremental approaches": [],
    "The importance of clear aims": ["Cameron & Lart 2003"],
    "This is supported by Rushmer": ["Rushmer and Pallis"],
    "McCulloch et al's": ["McCulloch et al 2004"],
    "Difficulties in defining boundaries": ["Wasoff et al 2004"],
    "Developing formal policies": ["Rushmer & Pallis 2002", "Wasoff et al 2004"],
    "Lack of clarity in roles": ["21 st Century Social Work 2005"],
    "The interim report": [],
    "For instance, Webb": ["Webb & Vuillamy 2001"],
    "Perhaps assisting": ["National Audit Office 2001"],
    "For instance, clarity of aims": [
        "Sloper 2004", "Integrated Care Network 2003", "Coles, Britton & Hicks 2004",
        "Sammons et al 2003", "HMIe 2004", "Cameron & Lart 2003", "Rushmer & Pallis 2002",
        "Dolan 1996", "Harbin 1996", "Stewart et al 2003", "Atkinson et al 2001"],
    "Joint training": ["Sloper 2004", "Percy-Smith 2005", "Craig et al 2004"],
    "Similarly, Gardner": ["Gardner 2003", "Glisson & Hemmelgard 1998"],
    "Strategic support": ["Gardner 2003", "Atkinson et al 2002"],
    "Simply bringing": ["Rushmore & Pallis 2002"],
    "Despite being": ["HMIe 2004"],
    "HMIe suggest": [],
    "It is also often claimed": ["Park & Turnbull", "Integrated Care Network 2004"],
    "However, in their review": ["Cameron & Lart 2003"],
    "There is a significant amount": [],
}


@pytest.mark.parametrize("opening", list(KEY_SENTENCES))
def test_key_sentences_of_the_review(opening: str) -> None:
    assert parse_citations(_sentence(opening)) == KEY_SENTENCES[opening]


def test_whole_review_cites_exactly_the_expected_works() -> None:
    cited = parse_citations(" ".join(_paragraphs()))
    assert cited == [
        "Cameron & Lart 2002", "Integrated Care Network 2004", "Park & Turnbull 2003",
        "Johnson et al 2003", "Sammons et al 2003", "Cameron & Lart 2003", "Wilkin et al 2003",
        "van Eyk & Baum 2002", "Tisdall, Wallace, McGregor, Atkinson et al 2001", "Harbin 1996",
        "Wilkin, White & Kinder 2003",
        "Wasoff, MacIver, McGuckin, Morton, Cunningham-Burley, Hinds and Given 2004",
        "Coxon 2005", "Crouch & Johnson 2003", "Craig, Huber & Lownsbrough 2004",
        "Rushmer and Pallis", "McCulloch et al 2004", "Rushmer & Pallis 2002",
        "Wasoff et al 2004", "21 st Century Social Work 2005", "Stewart et al 2003",
        "Percy-Smith 2005", "Webb & Vuillamy 2001", "National Audit Office 2001",
        "Sloper 2004", "Integrated Care Network 2003", "Coles, Britton & Hicks 2004",
        "HMIe 2004", "Dolan 1996", "Atkinson et al 2001", "Craig et al 2004", "Gardner 2003",
        "Glisson & Hemmelgard 1998", "Atkinson et al 2002", "Rushmore & Pallis 2002",
        "Park & Turnbull",
    ]


def test_each_paragraph_cites_the_union_of_its_sentences() -> None:
    for paragraph in _paragraphs():
        by_sentence: list[str] = []
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph):
            by_sentence += [c for c in parse_citations(sentence) if c not in by_sentence]
        assert parse_citations(paragraph) == by_sentence


def test_every_cited_author_string_occurs_in_its_sentence() -> None:
    for sentence in _sentences():
        for citation in find_citations(sentence):
            assert citation.authors in sentence


# --- robustness ------------------------------------------------------------------------------

NOISE = st.sampled_from([
    "Smith", "Jones", "van", "Eyk", "et", "al", "et al.", "&", "and", "'s", "’s", "'", ",",
    ";", "(", ")", "( ", " )", "2001", "2003a", "1990s", "21", "st", "Century", "the", "The",
    "Office", "of", "e.g.", "see", ":", "23", ".", " ", "\u00a0", "\u2013", "-", "However",
])
SURNAMES = st.sampled_from(["Smith", "Jones", "Percy-Smith", "O'Brien", "McGregor", "van Eyk"])
AUTHORS = st.one_of(
    SURNAMES,
    st.tuples(SURNAMES, st.sampled_from([" & ", " and "]), SURNAMES).map("".join),
    SURNAMES.map(lambda s: s + " et al"),
    st.sampled_from(["Integrated Care Network", "HMIe", "National Audit Office"]),
)
WORKS = st.tuples(AUTHORS, st.integers(1950, 2024).map(str))
PROSE = st.lists(st.sampled_from(["joint", "working", "is", "reported", "by", "in", "schools"]),
                 max_size=6).map(" ".join)


@settings(max_examples=300)
@given(st.lists(NOISE, max_size=40).map(" ".join))
def test_noisy_citation_fragments_give_verbatim_unique_authors(text: str) -> None:
    citations = find_citations(text)
    assert len(set(citations)) == len(citations)
    for citation in citations:
        assert citation.authors in text
        assert citation.year is None or re.fullmatch(r"\d{4}[a-z]?", citation.year)
    assert parse_citations(text) == parse_citations(text)


@settings(max_examples=200)
@given(PROSE, st.lists(WORKS, min_size=1, max_size=6), PROSE)
def test_well_formed_parenthetical_list_yields_each_work(
    before: str, works: list[tuple[str, str]], after: str
) -> None:
    text = f"{before} ({'; '.join(f'{a} {y}' for a, y in works)}) {after}"
    expected = list(dict.fromkeys(f"{a} {y}" for a, y in works))
    assert parse_citations(text) == expected


@settings(max_examples=200)
@given(PROSE, WORKS, st.sampled_from(["", "'s"]), PROSE)
def test_well_formed_narrative_citation_is_found(
    before: str, work: tuple[str, str], possessive: str, after: str
) -> None:
    authors, year = work
    text = f"{before} {authors}{possessive} ({year}) {after}"
    assert parse_citations(text) == [f"{authors} {year}"]


@pytest.mark.parametrize("text", [
    "(A, " * 25000,
    "(" * 100000,
    "(" + "Smith " * 20000 + "2001)",
    "(" + "see " * 20000 + "Smith 2001)",
    "Smith & " * 12500 + "Jones (2001)",
    "A's " * 25000,
    "(Smith et al 2001, Jones & Brown 2002) " * 2500,
    "(" + " " * 100000 + ")",
])
def test_adversarial_100kb_input_completes(text: str) -> None:
    assert len(text) >= 80000
    result = parse_citations(text)
    assert all(isinstance(c, str) for c in result)
