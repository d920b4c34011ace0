"""Answers: verbatim quotes, citations, abstention, themes, and bad input."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from bot.citations import parse_citations
from bot.core import _FIGURE, Core, Policy
from bot.errors import ThemeNotFound
from bot.index import PositiveIdfBM25, Tuning, _best_share
from bot.text import words

QUESTIONS = [
    "why does funding get in the way of joint working?",
    "professional culture",
    "Does leadership matter?",
    "co-terminosity",
    "What did McCulloch et al find?",
]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("question", QUESTIONS)
def test_quotes_are_verbatim_sentences_of_one_paragraph(core: Core, question: str) -> None:
    answer = core.ask(question)
    assert answer.answered and 1 <= len(answer.quotes) <= 3
    paragraphs = [_flat(p.text) for p in core.knowledge.paragraphs]
    for quote in answer.quotes:
        inside = [p for p in paragraphs if _flat(quote.text) in p]
        assert len(inside) == 1, "a quote lies inside exactly one paragraph"
        paragraph = next(p for p in core.knowledge.paragraphs if _flat(p.text) == inside[0])
        sentences = [paragraph.sentence(i) for i in range(len(paragraph.spans))]
        assert any(_flat(" ".join(sentences[i:j])) == _flat(quote.text)
                   for i in range(len(sentences)) for j in range(i + 1, min(i + 3, len(sentences)) + 1))


def test_answer_carries_source_year_section_and_url(core: Core) -> None:
    quote = core.ask("What are the financial barriers to integrated working?").quotes[0]
    assert quote.source == "Exploring the evidence base for integrated children's services"
    assert quote.year == 2006
    assert quote.section == "5. What Works? › Financial Uncertainty"
    assert quote.url.startswith("https://www.gov.scot/publications/")


def test_each_quote_lists_exactly_the_works_it_cites(core: Core) -> None:
    answer = core.ask("Johnson 2003 NHS social services budget pay for what")
    top = answer.quotes[0]
    assert "whose budget would pay for what" in top.text
    assert top.citations == ("Johnson et al 2003",)
    for quote in answer.quotes:
        for citation in quote.citations:
            assert citation.split(" 19")[0].split(" 20")[0] in quote.text


def test_answers_are_deterministic(core: Core) -> None:
    fresh = Core.load()
    for question in QUESTIONS:
        assert core.ask(question) == core.ask(question) == fresh.ask(question)


def test_matched_terms_show_why_a_passage_was_chosen(core: Core) -> None:
    quote = core.ask("Is co-terminosity effective?").quotes[0]
    assert "co-terminosity" in quote.matched_terms


@pytest.mark.parametrize("question", [
    "How do I claim expenses for training?",
    "How do I move budget between cost centres in the finance system?",
    "Can someone reset my password for the case system?",
    "What time is it in New York?",
    "How do I book annual leave?",
    "Translate hello into French",
    "recipe for chocolate cake",
])
def test_unrelated_question_is_refused_with_theme_suggestions(core: Core, question: str) -> None:
    answer = core.ask(question)
    assert not answer.answered and answer.quotes == ()
    assert "couldn't find" in answer.message and answer.reason == "not_found"
    assert "professional culture" in answer.suggestions


@pytest.mark.parametrize(("question", "says"), [
    ("", "Please ask a question"),
    ("   \t ", "Please ask a question"),
    ("?!…—", "Please ask a question"),
    ("what is the and of it?", "no words I can look up"),
])
def test_empty_punctuation_and_stop_word_questions_get_a_clear_message(
        core: Core, question: str, says: str) -> None:
    answer = core.ask(question)
    assert not answer.answered and says in answer.message
    assert answer.reason == "unclear"


def test_huge_question_is_cut_with_a_notice(core: Core) -> None:
    answer = core.ask("funding " * 20_000)
    assert answer.answered
    assert len(answer.question) <= Policy().max_question_chars
    assert any("first 1,000 characters" in n for n in answer.notices)


def test_control_characters_and_odd_unicode_are_harmless(core: Core) -> None:
    answer = core.ask("fund\x00ing\x1b[31m \udcff barriers\u202e \U0001F600 ﬁnancial")
    assert answer.answered
    assert "\x00" not in answer.question and "\x1b" not in answer.question


def test_theme_names_match_loosely(core: Core) -> None:
    assert core.find_theme("culture").name == core.find_theme("Professional Culture").name
    assert "role" in core.find_theme("roles").name.lower()
    assert "financ" in core.find_theme("money").name.lower()


def test_theme_lookup_gives_key_quotes_with_citations(core: Core) -> None:
    answer = core.theme("professional culture")
    assert answer.kind == "theme" and 1 <= len(answer.quotes) <= 3
    assert any(q.citations for q in answer.quotes)
    assert all("Professional Culture" in q.section for q in answer.quotes)


def test_unknown_theme_raises_a_friendly_error(core: Core) -> None:
    with pytest.raises(ThemeNotFound, match="No theme matches “quantum physics”"):
        core.find_theme("quantum physics")


def test_idf_stays_positive_for_terms_in_most_passages(core: Core) -> None:
    # rank_bm25's BM25Okapi floors such terms to epsilon * average IDF, so a word in
    # over half the sentences could outrank a rarer one; ours stays ordered.
    corpus = [["work", "fund"], ["work", "cultur"], ["work"], ["work", "lead"], ["fund"]]
    bm25 = PositiveIdfBM25(corpus)
    assert 0 < bm25.idf["work"] < bm25.idf["fund"] < bm25.idf["lead"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["work", "fund", "lead", "team", "cultur"]),
                         min_size=1, max_size=6), min_size=1, max_size=12))
def test_statistics_and_scores_are_rank_bm25s_own(corpus: list[list[str]]) -> None:
    # The index counts with Counter and scores term by term; the figures must be
    # exactly those rank-bm25's own loop and get_scores give.
    ours = PositiveIdfBM25(corpus, k1=1.2, b=0.75)
    reference = BM25Okapi(corpus, k1=1.2, b=0.75)
    assert ours.doc_len == reference.doc_len and ours.avgdl == reference.avgdl
    assert list(ours.idf) == list(reference.idf)
    reference.idf = ours.idf
    for term in ["work", "fund", "lead", "team", "cultur", "absent"]:
        assert list(ours.term_scores(term)) == list(reference.get_scores([term]))
    query = ["work", "team", "work", "absent"]
    assert list(ours.get_scores(query)) == list(reference.get_scores(query))
    assert ours.get_batch_scores(query, [0]) == list(reference.get_batch_scores(query, [0]))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_an_answer_with_verbatim_quotes(core: Core, text: str) -> None:
    answer = core.ask(text)
    flat_knowledge = [_flat(p.text) for p in core.knowledge.paragraphs]
    for quote in answer.quotes:
        assert any(_flat(quote.text) in p for p in flat_knowledge)
        for citation in quote.citations:
            authors = re.sub(r" \d{4}[a-z]?$", "", citation)
            assert authors in quote.text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(
    ["funding", "culture", "roles", "leadership", "Johnson", "co-terminosity", "training",
     "schools", "NHS", "boundaries", "trust", "what", "why", "the", "?", "évaluation", "ICS"]),
    min_size=1, max_size=8))
def test_quotes_cite_exactly_what_they_contain(core: Core, vocabulary: list[str]) -> None:
    answer = core.ask(" ".join(vocabulary))
    for quote in answer.quotes:
        assert quote.citations == tuple(parse_citations(quote.text))
        assert len(quote.text.split()) >= 1 and quote.text == quote.text.strip()


@pytest.mark.parametrize("question", [
    "How can we make roles clearer when agencies work together?",
    "how do we stop duplicating each other's work?",
    "Can joint training break down cultural differences?",
])
def test_practice_questions_in_the_first_person_plural_are_still_answered(
        core: Core, question: str) -> None:
    assert core.ask(question).answered


LONG_STORY = ("Our hub has a health visitor, two family support workers and a nurse sharing one "
              "office above the library, and the phones ring all day. ")


def test_a_long_message_is_judged_by_the_question_it_asks(core: Core) -> None:
    message = LONG_STORY + "What does the evidence say about tension between professions?"
    assert core.index.focus(message) == "What does the evidence say about tension between professions?"
    answer = core.ask(message)
    assert answer.answered
    assert answer.quotes[0].text.startswith("Tension between professionals is an issue")
    context = {c.word for c in core.index.concepts(message) if c.context}
    assert {"library", "phones", "office"} <= context
    assert "tension" not in context


def test_story_words_do_not_count_as_support_for_an_errand(core: Core) -> None:
    errand = "How do I claim mileage for home visits?"
    assert not core.ask(errand).answered
    message = ("I started here last month and I'm still finding my feet with all the new "
               "systems and the office. " + errand)
    assert core.index.asking(message) == errand
    assert not core.ask(message).answered


@pytest.mark.parametrize("message", [
    "Funding. Barriers.",  # short: every sentence is the question
    "What did Johnson et al. (2003) report about the greatest barrier between social "
    "services and the NHS in England?",  # "al." does not end a sentence
    LONG_STORY + "Any thoughts?",  # a question naming no topic leaves the whole message
    LONG_STORY + "Has anyone written about that?",  # nor does one pointing back at the story
])
def test_short_or_single_question_messages_are_their_own_focus(core: Core, message: str) -> None:
    assert core.index.focus(message) == message
    assert not any(c.context for c in core.index.concepts(message))


def test_a_long_run_on_question_is_judged_by_its_best_stretch(core: Core) -> None:
    message = ("we spent the whole long afternoon repainting the yellow railings beside the "
               "harbour wall near the old lighthouse and honestly what does the research "
               "say about tension between professionals")
    hit = core.index.search(message, k=1)[0]
    words = [c.word for c in core.index.concepts(message)]
    assert len(words) > 2 * core.index.tuning.coverage_window
    assert hit.coverage >= core.policy.min_coverage
    quotes = core.ask(message).quotes
    assert "tension" in quotes[0].text.lower()
    assert any(q.text.startswith("Tension between professionals") for q in quotes)
    whole = Core(core.knowledge, tuning=Tuning(coverage_window=0))
    assert whole.index.search(message, k=1)[0].coverage < core.policy.min_coverage


def test_coverage_is_the_best_of_the_whole_and_each_window() -> None:
    weights = [1.0] * 8
    credit = [0.0] * 5 + [1.0] * 3
    assert _best_share(weights, credit, 0) == pytest.approx(3 / 8)
    assert _best_share(weights, credit, 4) == pytest.approx(3 / 4)
    assert _best_share(weights, credit, 3) == pytest.approx(1.0)
    # Words of zero weight (a long message's context) take no place in a window.
    assert _best_share([0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 0.0], 2) == pytest.approx(0.5)
    assert _best_share([], [], 6) == 0.0


def test_the_asking_sentence_is_found_even_when_it_names_no_topic(core: Core) -> None:
    assert core.index.asking(LONG_STORY + "Any thoughts?") == "Any thoughts?"
    assert core.index.asking("Funding. Barriers.") == "Funding. Barriers."


@pytest.mark.parametrize("question", [
    "What's the training budget for social work staff this year?",
    "How many weeks of maternity leave do council staff get?",
    "Who provides interpreters for parents who don't speak English?",
    "I've just moved across from the hospital team. Who is on the duty rota this weekend?",
    "What are the current teacher pay scales in Scotland?",
])
def test_lookups_of_local_or_current_facts_are_refused(core: Core, question: str) -> None:
    assert not core.ask(question).answered


def _without_nearness(core: Core) -> Core:
    """The bot with the test of nearness to known off-topic questions turned off."""
    return Core(core.knowledge, policy=replace(core.policy, off_topic_ratio=0.0,
                                               off_topic_ratio_practical=0.0))


@pytest.mark.parametrize(("text", "figure"), [
    ("a 3-year project that placed home-school support workers", True),
    ("reduced missed appointments by 40% in a year", True),
    ("two thirds of the schools", True),
    ("funding of £2m", True),
    ("(Sammons et al 2003, Cameron & Lart 2003)", False),
    ("the current review of its profession (21 st Century Social Work 2005)", False),
    ("one of the often cited barriers since the 1990s", False),
])
def test_a_figure_is_a_number_that_is_not_a_year_or_an_ordinal(text: str, figure: bool) -> None:
    assert bool(_FIGURE.search(text)) is figure


@pytest.mark.parametrize("question", [
    "What percentage of integrated teams are co-located?",
    "What proportion of partnerships have shared aims?",
    "How long did the West Surrey process mapping take?",
    "Are there any statistics on how many staff left because of short-term funding?",
])
def test_a_question_asking_for_a_figure_needs_a_passage_that_gives_one(
        core: Core, question: str) -> None:
    assert not core.ask(question).answered
    # Nearness to the question sets' off-topic questions may refuse it first; without
    # that test, the figure rule is what refuses it.
    answer = _without_nearness(core).ask(question)
    assert not answer.answered
    assert answer.message.startswith("That asks for a figure")


@pytest.mark.parametrize(("question", "quoted"), [
    # The review gives this figure: "a 3-year project".
    ("How long did the Webb and Vulliamy project run?", "3-year project"),
    # Counting studies is answered by the works a passage cites; "how much … matter", a degree.
    ("How many studies report cultural differences as a barrier?", "Cultural differences"),
    ("How much does it matter to get skilled staff in post?", "staff"),
])
def test_questions_that_sound_like_figures_but_are_answerable_are_answered(
        core: Core, question: str, quoted: str) -> None:
    answer = core.ask(question)
    assert answer.answered
    assert any(quoted in q.text for q in answer.quotes)


@pytest.mark.parametrize(("question", "word"), [
    ("What interview questions did Crouch and Johnson use in their health and social care "
     "study?", "interview"),
    ("What methodology did Rushmer and Pallis use?", "methodology"),
    ("Which software did West Surrey use for process mapping?", "software"),
])
def test_a_question_whose_focus_the_knowledge_never_uses_is_refused_naming_it(
        core: Core, question: str, word: str) -> None:
    assert not core.ask(question).answered
    bot = _without_nearness(core)
    answer = bot.ask(question)
    assert not answer.answered
    assert f"anything about “{word}”" in answer.message
    # Without the focus rule the study's passage would be quoted: its name covers the question.
    unfocused = Core(core.knowledge, policy=replace(bot.policy, focus_check=False))
    assert unfocused.ask(question).answered


@pytest.mark.parametrize("question", [
    "What role does organisational culture play?",  # "role" is the review's own word
    "What kind of goals should a partnership set?",
])
def test_a_focus_the_knowledge_uses_is_searched_as_usual(core: Core, question: str) -> None:
    assert core.ask(question).answered


def test_not_knowing_next_years_money_is_the_reviews_topic_not_a_lookup(core: Core) -> None:
    question = ("Is not knowing what cash you'll have next year one of the usual things that "
                "gets in the way of agencies working together?")
    assert not core._is_errand(question)
    assert core.ask(question).quotes[0].text.startswith("Financial uncertainty")


def test_a_story_set_last_week_is_not_a_lookup_of_current_facts(core: Core) -> None:
    message = ("Last week the health visitor and I both turned up at the same family's door, "
               "and nobody had picked up the school's referral at all. Does the evidence say "
               "anything about doubling up and families falling through the cracks?")
    assert core.ask(message).answered
    assert not core.ask("Does the evidence say anything about doubling up last week?").answered


def test_a_year_after_the_sources_were_published_asks_what_they_cannot_know(
        core: Core) -> None:
    assert core.knowledge.sources[0].year == 2006
    question = "What was the total budget for Scottish councils' education services in 2023-24?"
    assert core._is_errand(question)
    assert not core.ask(question).answered
    # The errand bar, not a refusal: the question may still be the review's topic.
    assert core._is_errand("Since our 2019 merger nobody knows who does what - is that common?")


def test_years_up_to_publication_are_the_reviews_own_studies(core: Core) -> None:
    question = "What did Johnson et al 2003 find about joint working between social services?"
    assert not core._is_errand(question)
    assert core.ask(question).quotes[0].citations
    # Not years: longer numbers, and numbers run into other digits.
    assert not core._after_sources("Ring 0131 20235 about joint working")
    # A date's year is a birthday or a meeting, not what the question asks about.
    assert not core._after_sources("DOB 12/03/2015, seen 1.4.2019 and 02-05-2020")
    assert core._after_sources("the 2019-20 budget")


def test_numbers_the_knowledge_never_mentions_weigh_like_generic_words(core: Core) -> None:
    concepts = core.index.concepts("guidance on accountability from the early 2000s or the 5th report")
    numbers = {c.word: core.index.is_generic(c) for c in concepts
               if c.word in {"2000s", "5th", "2003"}}
    assert numbers == {"2000s": True, "5th": True}
    # A number the review writes is a word like any other ("Johnson et al 2003").
    (year,) = [c for c in core.index.concepts("Johnson 2003") if c.word == "2003"]
    assert not core.index.is_generic(year)
    # So a decade does not sink a question about the review's own guidance.
    answer = core.ask("Is there any guidance from the government's spending watchdog, early "
                      "2000s, about keeping partnerships answerable for what they do?")
    assert answer.answered and "National Audit Office" in answer.quotes[0].text


def test_the_year_rule_needs_every_source_dated(core: Core) -> None:
    sources = tuple(replace(s, year=None) for s in core.knowledge.sources)
    undated = Core(replace(core.knowledge, sources=sources))
    assert not undated._after_sources("What changed in 2019?")


@pytest.mark.parametrize("question", [
    "What does the Children (Scotland) Act 1995 say about joint working between agencies?",
    "At what age can a child take part in their own multi-agency meeting?",
    "Is there funding for staff to do a postgraduate qualification part-time?",
    "Any tips for supervising a newly qualified social worker?",
    # Children's-services topics the review never discusses are errands too.
    "Does multi-agency working reduce reoffending among teenagers?",
    "What happens at Children's Hearings when parents don't attend?",
    "What questions come up at an interview for a team leader post?",
    "Is it legal to share a pupil's health records with the school nurse?",
    "Our partnership meeting keeps being moved - is the rota for the venue sorted?",
    "I've been asked to lead on our multi-agency hub's IT. The laptops keep dropping off the "
    "VPN every afternoon. Is there a fix?",
])
def test_questions_with_errand_words_need_the_errand_bar(core: Core, question: str) -> None:
    assert core._is_errand(question)
    assert not core.ask(question).answered


@pytest.mark.parametrize("question", [
    "Does joint training help staff from different agencies trust each other?",
    "I'm a depute head in Fife and our community school pilot money has gone. Is uncertain "
    "funding a known barrier to joint working?",  # one place name in a story is no errand
])
def test_topic_questions_are_not_errands(core: Core, question: str) -> None:
    assert not core._is_errand(question)
    assert core.ask(question).answered


@pytest.mark.parametrize("question", [
    "What is this review about?",
    "what's this bit of the review actually covering",
    "Give me an overview of the report",
    "Does the review say anything?",
    "What's this chapter for? Just the barriers, or what makes integration work too?",
    "what is this section covering - obstacles and success factors?",
    # Named by its title, or as a kind of review; "about" followed by more words.
    "quick one - the 'what works' chapter of that Scottish exec lit review, what's it "
    "actually setting out to do?",
    "what's the what works chapter actually about, quick summary?",
    "what's this 'what works' chapter even trying to do - just list the stuff that trips "
    "people up?",
])
def test_asking_about_the_review_itself_quotes_how_it_opens(core: Core, question: str) -> None:
    answer = core.ask(question)
    assert answer.answered and "in its own opening words" in answer.message
    opening = core.knowledge.paragraphs[0]
    assert answer.quotes[0].text == opening.excerpt(0, len(opening.spans) - 1)
    assert answer.quotes[0].citations == tuple(parse_citations(opening.text))


@pytest.mark.parametrize(("question", "kept"), [
    ("What does the review conclude?", ["conclude"]),
    ("what does this section say about funding", ["say", "funding"]),
    # A determiner right before the noun: a named review stays a topic.
    ("What is the Social Work Review doing?", ["social", "work", "review"]),
    ("The interim report of the Social Work Review",
     ["interim", "report", "social", "work", "review"]),
    # The review quotes a literature review: "the lit review" may be that one.
    ("what did the lit review on the social worker role find?",
     ["lit", "review", "social", "worker", "role", "find"]),
    ("does the 'what works' section mention trust", ["works", "mention", "trust"]),
    ("Cameron and Lart's review of co-terminosity", ["cameron", "lart", "review",
                                                     "co-terminosity", "co-terminosity"]),
])
def test_the_review_naming_itself_is_not_a_word_to_look_up(
        core: Core, question: str, kept: list[str]) -> None:
    assert [c.word for c in core.index.concepts(question)] == kept


def test_a_topic_asked_of_the_review_is_searched_as_usual(core: Core) -> None:
    answer = core.ask("What does the review conclude?")
    assert answer.quotes[0].section.endswith("Conclusion")
    assert "in its own opening words" not in answer.message


@pytest.mark.parametrize(("question", "errand"), [
    # "How much/many/long" asks for a figure, unless it asks whether something matters.
    ("How much does a team manager earn?", True),
    ("How many staff work in the hub?", True),
    ("How much does it matter to have the right people in post?", False),
    ("How much does backing from senior managers matter for joint working?", False),
    ("How long does it take for trust to build between agencies?", False),
    # Requests for tips, recommendations and templates; news and dates.
    ("Any tips for chairing a partnership meeting?", True),
    ("Anyone know who covers the school nurse's clinic in the holidays?", True),
    ("What's a good book on leadership for new team managers?", True),
    ("Is there a template for a multi-agency meeting agenda?", True),
    ("What's the normal age range for walking?", True),
    ("What's the usual reason partnerships fail?", False),
    ("Who won the council by-election?", True),
    ("When does the new school term start?", True),
    ("When do teachers find partner agencies most useful?", False),
    ("Is good leadership important for joint working?", False),
    ("Does anything help staff from different agencies trust each other?", False),
])
def test_how_a_question_asks_marks_an_errand(
        core: Core, question: str, errand: bool) -> None:
    assert core._is_errand(question) is errand


@pytest.mark.parametrize(("question", "errand"), [
    # "sen", "highers" and "dismissal" are errand words; "sense", "higher" and
    # "dismissed" are everyday words of answerable questions, and stem alike.
    ("Does it make sense to share training across agencies?", False),
    ("Can teams collaborate without a vision from higher up?", False),
    ("Are strategy meetings dismissed as talking shops?", False),
    ("Which SEN code do we use for a new pupil?", True),
    ("When do the Highers results come out?", True),
])
def test_errand_words_whose_stems_answerable_questions_use_count_only_as_written(
        core: Core, question: str, errand: bool) -> None:
    assert bool(core.index.errand_words(question)) is errand


def test_errand_words_that_stem_like_a_synonym_count_only_as_written(core: Core) -> None:
    assert core.index.errand_words("How do I claim my expenses?") == ["expenses"]
    assert core.index.errand_words("Is joint working expensive?") == []


def test_an_errand_is_judged_whole_not_by_its_best_stretch(core: Core) -> None:
    # The story's first words alone would be well covered; the errand would not.
    question = ("Integrated working across health, education and social work with joint "
                "training and shared vision is going well in our team, but who signs off my "
                "overtime claim and expenses form?")
    concepts = core.index.concepts(question)
    assert core._is_errand(question)
    assert core.index.search(concepts, k=1)[0].coverage >= Policy().min_coverage_practical
    assert core.index.search(concepts, k=1, whole=True)[0].coverage < Policy().min_coverage_practical
    assert not core.ask(question).answered


@pytest.mark.parametrize(("question", "section"), [
    ("Does the review cover co-terminosity?", "Key Success Factors"),
    ("What does the review say about funding?", "Financial Uncertainty"),
])
def test_a_topic_asked_of_the_review_is_not_an_overview(
        core: Core, question: str, section: str) -> None:
    answer = core.ask(question)
    assert "in its own opening words" not in answer.message
    assert answer.quotes[0].section.endswith(section)


@pytest.mark.parametrize(("word", "name"), [
    ("jonson", "johnson"), ("pallas", "pallis"), ("palis", "pallis"), ("gardiner", "gardner"),
    ("glison", "glisson"), ("atkinsen", "atkinson"),
])
def test_a_misspelt_author_means_the_cited_one(core: Core, word: str, name: str) -> None:
    assert name in core.index.author_names
    assert core.index.author_like(word) == core.index.author_names[name]
    concept = core.index.concepts(f"What did {word} find?")[0]
    assert concept.terms == {core.index.author_names[name]}


@pytest.mark.parametrize("word", [
    "lord",  # one letter from "Lart", but starts differently
    "pills", "pals",  # sound like "Pallis", but are too far from it
    "crush",  # sounds like "Crouch": two letters away
    "uber",  # rhymes with "Huber", a third author (only first authors of long lists count)
])
def test_words_near_no_author_stay_themselves(core: Core, word: str) -> None:
    assert core.index.author_like(word) is None
    assert core.index.concepts(f"what about {word}")[0].terms == set(
        core.index.analyzer.word_terms(word))


def test_only_the_first_author_of_a_long_list_is_a_name(core: Core) -> None:
    names = core.index.author_names
    assert {"wasoff", "rushmer", "pallis", "cameron", "lart", "webb", "vuillamy"} <= set(names)
    # "Wasoff, MacIver, McGuckin, Morton, Cunningham-Burley, Hinds and Given 2004"
    assert not {"maciver", "hinds", "given", "huber"} & set(names)


def test_a_question_naming_an_author_loosely_quotes_their_work(core: Core) -> None:
    # "Jonson" is all this question names: unknown as written, it would be refused.
    answer = core.ask("what did Jonson et al find?")
    assert any("Johnson" in c for c in answer.quotes[0].citations)


@pytest.mark.parametrize(("question", "word", "meets"), [
    # A key's small words at its ends count: without them "buy in" would be "buy".
    ("Do we have buy in from the bosses?", "buy", True),
    ("Do we have buy-in from the bosses?", "buy-in", True),
    ("Should the council buy new laptops?", "buy", False),
    ("who is in charge of the partnership?", "charge", True),
    ("is there a charge for parking?", "charge", False),
    ("we keep doubling up on visits", "doubling", True),
    ("doubling the budget", "doubling", False),
    ("joined-up working", "joined-up", True),
    # Small words inside a key may differ, as they always could.
    ("clear lines of responsibility", "lines", True),
    ("clear lines for responsibility", "lines", True),
])
def test_a_phrase_key_needs_the_small_words_at_its_ends(
        core: Core, question: str, word: str, meets: bool) -> None:
    concept = next(c for c in core.index.concepts(question) if c.word == word)
    assert bool(concept.synonyms) is meets


def test_a_synonym_key_is_its_content_terms_and_the_small_words_at_its_ends(core: Core) -> None:
    key = core.index.synonym_key("up in the air")
    assert key is not None and key.before == ("_up", "_in", "_the") and key.after == ()
    assert key.terms == ("air",)
    assert core.index.synonym_key("buy-in").after == ("_in",)
    # A key of small words only is all "before": it is found by those words in order.
    assert core.index.synonym_key("get to know") == (("_get", "_to", "_know"), (), (), frozenset())
    assert core.index.synonym_key("?!") is None


def test_a_synonym_key_of_small_words_only_is_found_by_its_words_in_order(core: Core) -> None:
    concepts = core.index.concepts("is not knowing who does what a barrier to integration?")
    assert [c.word for c in concepts] == ["knowing", "who does what", "barrier", "integration"]
    phrase = concepts[1]
    assert {"role", "respon"} <= phrase.synonyms and not core.index.is_generic(phrase)
    # Written hyphenated or closed, the key is the same one word.
    for question in ("who-does-what confusion", "whodoeswhat confusion"):
        assert core.index.concepts(question)[0].synonyms == phrase.synonyms
    # The same small words in another order, or only some of them, are nothing.
    for question in ("what does who know about barriers?", "who does the referrals?"):
        assert all(" " not in c.word for c in core.index.concepts(question))
    answer = core.ask("is not knowing who does what a barrier to integration?")
    assert "lack of clarity around roles and responsibilities" in answer.quotes[0].text
    assert "who does what" in answer.quotes[0].matched_terms


def test_an_ampersand_joins_an_abbreviation_into_one_word(core: Core) -> None:
    assert words("M&E, R&D and Cameron & Lart") == ["m&e", "r&d", "and", "cameron", "lart"]
    concept = core.index.concepts("is M&E essential?")[0]
    assert concept.word == "m&e" and {"monitor", "evalu"} <= concept.synonyms


@pytest.mark.parametrize(("text", "names"), [
    ("How is Pupil Equity Funding allocated to schools?", ["Pupil Equity Funding"]),
    ("The Care Inspectorate is visiting next week", ["Care Inspectorate"]),
    ("What does Getting It Right For Every Child say?", ["Getting It Right For Every Child"]),
    ("best MS Teams settings for meetings", ["MS Teams"]),
    # Names the knowledge mentions, however written.
    ("the Scottish Centre for Social Research study", []),
    ("Scottish Center for Social Research early years study", []),
    ("what did Craig Huber and Lownsbrough say?", []),
    # A cited author, even misspelt, makes a name the knowledge's own.
    ("Crouch and Johnston findings?", []), ("Webb and Vulliamy talk shops", []),
    # One word besides an acronym the knowledge uses; a sentence's first word; "I".
    ("In the English NHS, what was the sticking point?", []),
    ("Before I wade in - what is this about?", []),
    ("we must redo it by Friday and I'm tired", []),
])
def test_names_the_knowledge_never_mentions_are_found(
        core: Core, text: str, names: list[str]) -> None:
    assert core.index.unknown_names(text) == names


def test_a_question_about_a_name_the_knowledge_never_mentions_needs_the_errand_bar(
        core: Core) -> None:
    question = "How is Pupil Equity Funding allocated to schools?"
    assert core._is_errand(question) and not core.ask(question).answered
    # The same words, not as a name, are a topic question like any other.
    assert not core._is_errand("is pupil funding for schools a known barrier?")


@pytest.mark.parametrize(("word", "parts"), [
    ("jointworking", ["joint", "working"]),
    ("multiagency", ["multi", "agency"]),
    ("colocation", ["co", "location"]),
    ("partnership", []),  # a word of its own, not a compound
    ("funding", []),  # too short to be tried
    ("joint" * 10, []),  # 50 letters: no real compound is that long
])
def test_a_closed_compound_the_knowledge_writes_apart_is_split(
        core: Core, word: str, parts: list[str]) -> None:
    assert core.index._decompound(word) == parts


def test_a_pasted_run_of_letters_is_refused_plainly(core: Core) -> None:
    for text in ("M&E&" * 250, "É" * 1000, "jointworking" * 80):
        answer = core.ask(text)
        assert not answer.answered and answer.message
