"""Learning from the question sets in a knowledge folder's ``eval/``: answerable questions
teach their gold sentence, off-topic ones teach what to refuse, and ``eval`` scores a
set it learned from as unseen."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.check import check_knowledge
from bot.core import Core, Policy
from bot.errors import KnowledgeError
from bot.evaluate import evaluate, load_question_set
from bot.knowledge import bundled_folder, load_knowledge

FINANCE = "Financial uncertainty is one of the often cited barriers"
# Answered by the bundled review alone: "team", "budget", "pay", "training" are its words.
EXPENSES = "can the team budget pay for my train fare to the conference"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The bundled knowledge without its question sets."""
    target = tmp_path / "knowledge"
    shutil.copytree(bundled_folder(), target, ignore=shutil.ignore_patterns("eval"))
    return target


def write_set(folder: Path, name: str, text: str) -> Path:
    path = folder / "eval" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


TEACHING = f"""
    in_scope:
      - q: what is flurbing, and does it matter?
        gold: ["{FINANCE}"]
    out_of_scope:
      - can the team budget cover my travel to the training day?
      - who pays for the conference fees this year?
"""


def test_an_answerable_question_teaches_its_gold_sentence(folder: Path) -> None:
    question = "is flurbing a barrier to joint working?"
    before = Core.load(folder).ask(question)
    assert before.answered and not before.quotes[0].text.startswith(FINANCE)
    write_set(folder, "team.yaml", TEACHING)
    after = Core.load(folder).ask(question)
    assert after.quotes[0].text.startswith(FINANCE)
    assert "flurbing" in after.quotes[0].matched_terms


def test_off_topic_questions_teach_what_to_refuse(folder: Path) -> None:
    assert Core.load(folder).ask(EXPENSES).answered
    write_set(folder, "team.yaml", TEACHING)
    core = Core.load(folder)
    refused = core.ask(EXPENSES)
    assert not refused.answered and refused.reason == "not_found"
    # The review's own questions about money are still answered.
    assert core.ask("who pays for joint working?").answered


def test_off_topic_questions_do_not_speak_against_a_source_with_no_known_questions(
        folder: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "second-source" / "early-years.md"
    shutil.copy(fixture, folder / "sources" / "early-years.md")
    write_set(folder, "team.yaml", f"""
        in_scope:
          - q: is money a barrier to joint working?
            gold: ["{FINANCE}"]
        out_of_scope:
          - do mobile libraries still visit the villages?
          - which families get help with travel to the health centre?
          - can the team budget cover my travel to the training day?
          - can the team budget pay my train fare to a course?
          - who pays for the conference fees this year?
    """)
    core = Core.load(folder)
    question = "Do mobile clinics help families in villages get to checks?"
    answerable, off_topic = core.index.nearest_examples(core.index.concepts(question))
    assert off_topic > answerable  # nearer the off-topic questions, which know only the review
    answer = core.ask(question)
    assert answer.answered
    assert answer.quotes[0].source == "Early years outreach in rural communities"
    # Where the best passage is the review's, which has known questions, it refuses.
    refused = core.ask(EXPENSES)
    assert not refused.answered and refused.reason == "not_found"


def test_an_errand_is_refused_at_a_lower_nearness_to_off_topic_questions() -> None:
    errand, question = "how do I make joint working succeed?", "what makes joint working succeed?"
    core = Core.load()
    assert ([c.terms for c in core.index.concepts(errand)]
            == [c.terms for c in core.index.concepts(question)])
    answerable, off_topic = core.index.nearest_examples(core.index.concepts(errand))
    ratio = off_topic / answerable
    assert 0 < ratio < 1
    strict = Core.load(policy=Policy(off_topic_ratio=ratio * 1.1,
                                     off_topic_ratio_practical=ratio * 0.9))
    assert strict.ask(question).answered
    refused = strict.ask(errand)
    assert not refused.answered and refused.reason == "not_found"
    assert Core.load(policy=Policy(off_topic_ratio=ratio * 1.1,
                                   off_topic_ratio_practical=ratio * 1.05)).ask(errand).answered
    assert Policy().off_topic_ratio_practical < Policy().off_topic_ratio
    # A ratio of 0 turns the test off for the questions it applies to.
    assert Core.load(policy=Policy(off_topic_ratio=ratio * 1.1,
                                   off_topic_ratio_practical=0)).ask(errand).answered


def test_examples_record_their_set_and_sentences(folder: Path) -> None:
    write_set(folder, "team.yaml", TEACHING)
    knowledge = load_knowledge(folder)
    taught, *off_topic = knowledge.examples
    assert taught.origin == "team.yaml" and len(taught.sentences) == 1
    p, i = taught.sentences[0]
    assert knowledge.paragraphs[p].sentence(i).startswith(FINANCE)
    assert [e.sentences for e in off_topic] == [(), ()]


def test_a_set_that_says_learn_false_teaches_nothing(folder: Path) -> None:
    write_set(folder, "team.yaml", "learn: false\n" + textwrap.dedent(TEACHING))
    assert load_knowledge(folder).examples == ()
    assert Core.load(folder).ask(EXPENSES).answered


def test_a_gold_string_in_no_single_sentence_teaches_nothing_and_check_says_so(
        folder: Path) -> None:
    write_set(folder, "team.yaml", """
        in_scope:
          - q: what did the review find?
            gold: ["joint working"]
          - q: what is flurbing?
            gold: ["words that are nowhere in the review"]
    """)
    assert load_knowledge(folder).examples == ()
    report = check_knowledge(folder)
    assert not report.ok
    assert any(p.startswith("eval/team.yaml:2: no gold string of 'what did the review find?'")
               for p in report.problems)
    assert any(p.startswith("eval/team.yaml:4: ") for p in report.problems)
    assert "Question sets: 1, 1 learned from: 0 answerable questions" in report.text()


def test_eval_scores_a_set_it_learned_from_as_unseen(folder: Path) -> None:
    path = write_set(folder, "team.yaml", TEACHING)
    core = Core.load(folder)
    report = evaluate(core, load_question_set(path))
    assert report.left_out == ["team.yaml"]
    unseen = evaluate(core.unlearn({"team.yaml"}), load_question_set(path))
    assert unseen.left_out == []
    assert report.to_dict() | {"left_out": []} == unseen.to_dict()
    # Without the leave-out, the bot would have seen the answer it is scored on.
    assert core.ask("what is flurbing, and does it matter?").quotes[0].text.startswith(FINANCE)
    assert report.hit1 == 0 and report.misses[0]["kind"] == "refused"
    assert "scored unseen:           learning from team.yaml left out" in report.text()


def test_a_copy_of_a_learned_set_elsewhere_is_scored_unseen_too(folder: Path,
                                                                tmp_path: Path) -> None:
    write_set(folder, "team.yaml", TEACHING)
    copy = tmp_path / "copy.yaml"
    copy.write_text(textwrap.dedent(TEACHING), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "--knowledge", str(folder), "eval",
                             str(copy)], capture_output=True, text=True, check=True)
    assert "learning from team.yaml left out" in result.stdout


def test_the_development_set_is_never_learned_from() -> None:
    assert not load_question_set(bundled_folder() / "eval" / "dev-questions.yaml").learn
    knowledge = load_knowledge()
    assert knowledge.examples
    assert "dev-questions.yaml" not in {e.origin for e in knowledge.examples}


@pytest.mark.parametrize(("text", "message"), [
    ("learn: maybe\nout_of_scope: [a]\n", r"team\.yaml:1: 'learn' must be true or false"),
    ("in_scope:\n  - q: fine\n    gold: [x]\n  - q: no gold\n",
     r"team\.yaml:4: each in_scope item needs"),
    ("out_of_scope: [a\n", r"team\.yaml:\d+: invalid YAML"),
])
def test_a_malformed_set_in_the_knowledge_names_file_and_line(folder: Path, text: str,
                                                              message: str) -> None:
    (folder / "eval").mkdir()
    (folder / "eval" / "team.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(folder)


def test_the_start_up_cache_keeps_examples_until_a_set_changes(folder: Path,
                                                               tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = write_set(folder, "team.yaml", TEACHING)
    first = load_knowledge(folder, cache).examples
    assert list(cache.glob("examples-*.json"))
    assert load_knowledge(folder, cache).examples == first
    path.write_text(textwrap.dedent(TEACHING).replace("who pays for the conference fees this "
                                                      "year?", "is the canteen open?"),
                    encoding="utf-8")
    changed = load_knowledge(folder, cache).examples
    assert [e.question for e in changed][-1] == "is the canteen open?"
