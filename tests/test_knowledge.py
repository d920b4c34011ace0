"""Loading knowledge folders: the bundled review, extra sources, and malformed files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core import Core
from bot.errors import KnowledgeError
from bot.knowledge import Gloss, bundled_folder, load_knowledge

SOURCE = """
---
title: A test source
publisher: Test Office
year: 2020
url: https://example.org/test
---

# Part one

## Alpha

First sentence about alpha. Second sentence about alpha.

Back to top
"""


def assert_load_fails_at(path: Path, message: str, line: int) -> None:
    """Loading the folder holding ``path`` fails with ``message``, naming the file and line."""
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(path.parent)
    assert message in str(err.value)
    assert re.match(rf"^{re.escape(str(path))}:{line}: ", str(err.value))


def test_bundled_review_has_every_what_works_subsection() -> None:
    knowledge = load_knowledge()
    sections = {p.section_path for p in knowledge.paragraphs}
    assert sections == {
        "5. What Works?",
        "5. What Works? › Financial Uncertainty",
        "5. What Works? › Professional Culture",
        "5. What Works? › Clarity of roles and responsibilities",
        "5. What Works? › Lack of shared understanding",
        "5. What Works? › Key Success Factors",
        "5. What Works? › Conclusion",
    }
    (source,) = knowledge.sources
    assert source.title == "Exploring the evidence base for integrated children's services"
    assert (source.publisher, source.year) == ("Scottish Executive", 2006)
    assert source.url.endswith("/pages/6/")


def test_bundled_text_is_the_review_verbatim() -> None:
    # Every paragraph occurs, whitespace aside, in the source file; no page furniture.
    source_text = (bundled_folder() / "sources" / "what-works.md").read_text(encoding="utf-8")
    flat = " ".join(source_text.split())
    knowledge = load_knowledge()
    assert len(knowledge.paragraphs) == 13
    for paragraph in knowledge.paragraphs:
        assert " ".join(paragraph.text.split()) in flat
        assert "Back to top" not in paragraph.text
        joined = " ".join(paragraph.sentence(i) for i in range(len(paragraph.spans)))
        assert " ".join(joined.split()) == " ".join(paragraph.text.split())


def test_headings_build_a_section_path_and_furniture_is_dropped(write_knowledge) -> None:
    folder = write_knowledge({"a.md": SOURCE})
    knowledge = load_knowledge(folder)
    (paragraph,) = knowledge.paragraphs
    assert paragraph.section_path == "Part one › Alpha"
    assert paragraph.text == "First sentence about alpha. Second sentence about alpha."
    assert len(paragraph.spans) == 2


def test_a_second_source_is_indexed_and_named_in_answers(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(bundled_folder(), folder)
    fixture = Path(__file__).parent / "fixtures" / "second-source" / "early-years.md"
    shutil.copy(fixture, folder / "sources" / "early-years.md")
    core = Core.load(folder)
    assert len(core.knowledge.sources) == 2
    answer = core.ask("Do mobile clinics help families in villages get to checks?")
    assert answer.answered
    top = answer.quotes[0]
    assert top.source == "Early years outreach in rural communities"
    assert top.year == 2019 and top.section == "Findings › Travel"
    assert "Mobile clinics visiting villages" in top.text
    cited = [c for c in ("Morgan & Price 2017", "Rural Health Trust 2018")
             if c.rsplit(" ", 1)[0] in top.text]
    assert top.citations == tuple(cited) and "Rural Health Trust 2018" in cited
    review = core.ask("What are the financial barriers to integrated working?")
    assert review.quotes[0].source.startswith("Exploring the evidence base")
    # A question asking for a figure is answered where a source gives one ("by a third").
    figure = core.ask("How many fewer appointments were missed with mobile clinics?")
    assert figure.answered
    assert "by a third" in figure.quotes[0].text


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("no front matter\n", "must start with YAML front matter", 1),
        # libyaml reports where the flow sequence should have closed; PyYAML, its start.
        ("---\ntitle: [unclosed\n---\nText.\n", "invalid YAML", (2, 3)),
        ("---\nyear: 2001\n---\nText.\n", "'title' is required", 2),
        ("---\ntitle: T\nyear: soon\n---\nText.\n", "'year' must be a year", 2),
        ("---\ntitle: T\n", "front matter is not closed", 1),
        ("---\ntitle: T\n---\n\n# Only a heading\n", "has no text", None),
    ],
)
def test_malformed_source_names_file_and_line(write_knowledge, text: str, message: str,
                                              line: int | tuple[int, ...] | None) -> None:
    folder = write_knowledge({"bad.md": text})
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(folder)
    assert message in str(err.value)
    assert str(err.value).startswith(str(folder / "bad.md"))
    assert err.value.line in line if isinstance(line, tuple) else err.value.line == line


def test_source_that_is_not_utf8_is_named(write_knowledge) -> None:
    folder = write_knowledge({})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "latin1.md").write_bytes(b"---\ntitle: Caf\xe9\n---\nText.\n")
    with pytest.raises(KnowledgeError, match=r"latin1\.md: is not valid UTF-8"):
        load_knowledge(folder)


def test_missing_and_empty_folders_are_reported(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="knowledge folder not found"):
        load_knowledge(tmp_path / "nowhere")
    with pytest.raises(KnowledgeError, match="holds no sources"):
        load_knowledge(tmp_path)


@pytest.mark.parametrize(
    ("themes", "message", "line"),
    [
        ("themes:\n  - name: money\n    description: d\n    query: funding\n"
         "  - name: culture\n    query: culture\n", "'description' is required", 5),
        ("themes:\n  - name: money\n    description: d\n", "needs a 'query' or 'sections'", 2),
        ("themes:\n  - name: a\n    description: d\n    query: q\n    aliases: x\n",
         "'aliases' of theme 'a' must be a list", 2),
        ("themes: [\n", "invalid YAML", 2),
        ("themes:\n  - name: a\n    description: d\n    query: q\n  - money\n",
         "each theme must be a mapping", 5),
        ("themes:\n  - name: a\n    description: d\n    query: q\n"
         "  - name: A\n    description: d\n    query: q\n", "defined twice", 5),
    ],
)
def test_malformed_themes_file_names_file_and_line(write_knowledge, themes: str, message: str,
                                                   line: int) -> None:
    folder = write_knowledge({"a.md": SOURCE, "themes.yaml": themes})
    assert_load_fails_at(folder / "themes.yaml", message, line)


def test_malformed_synonyms_file_names_file_and_line(write_knowledge) -> None:
    folder = write_knowledge({"a.md": SOURCE,
                              "synonyms.yaml": "synonyms:\n  money: {funding: 1}\n"})
    with pytest.raises(KnowledgeError, match=r"synonyms\.yaml:2: synonyms of 'money'"):
        load_knowledge(folder)
    folder = write_knowledge({"a.md": SOURCE, "synonyms.yaml": "words:\n  a: b\n"})
    with pytest.raises(KnowledgeError, match="unknown section 'words'"):
        load_knowledge(folder)


def test_folder_without_vocabulary_uses_bundled_stop_words(write_knowledge) -> None:
    knowledge = load_knowledge(write_knowledge({"a.md": SOURCE}))
    assert "the" in knowledge.vocabulary.stopwords
    assert knowledge.themes == ()


def test_duplicate_yaml_key_is_an_error_with_its_line(write_knowledge) -> None:
    folder = write_knowledge({"a.md": SOURCE,
                              "synonyms.yaml": "synonyms:\n  money: [funding]\n  money: [budget]\n"})
    with pytest.raises(KnowledgeError, match=r"synonyms\.yaml:3: invalid YAML: duplicate key 'money'"):
        load_knowledge(folder)


def test_malformed_synonym_is_reported_at_its_own_line(write_knowledge) -> None:
    folder = write_knowledge({"a.md": SOURCE, "synonyms.yaml":
                              "synonyms:\n  cash: [funding]\n  staff: [workers]\n  money: 3\n"})
    with pytest.raises(KnowledgeError, match=r"synonyms\.yaml:4: synonyms of 'money'"):
        load_knowledge(folder)


GLOSSED = SOURCE.replace("Second sentence about alpha.", "Second sentence about alpha.\n\n"
                         "## Beta\n\nBudgets were cut in half. Nobody knew what came next.")


def test_a_gloss_lets_everyday_words_find_its_sentence(write_knowledge) -> None:
    plain = write_knowledge({"a.md": GLOSSED})
    assert not Core.load(plain).ask("money worries").answered
    (plain / "glosses.yaml").write_text(
        '# everyday words for sentences\n'
        '- sentence: "Budgets were cut"\n'
        '  gloss: "money worries; short of cash; cuts"\n', encoding="utf-8")
    knowledge = load_knowledge(plain)
    beta = next(i for i, p in enumerate(knowledge.paragraphs) if p.section[-1] == "Beta")
    assert knowledge.glosses == {(beta, 0): Gloss("money worries; short of cash; cuts")}
    answer = Core(knowledge).ask("money worries")
    assert answer.answered
    assert answer.quotes[0].text == "Budgets were cut in half."  # the gloss is never quoted
    assert answer.quotes[0].matched_terms == ("money", "worries")


def test_questions_a_sentence_answers_are_searched_with_its_gloss(write_knowledge) -> None:
    folder = write_knowledge({"a.md": GLOSSED, "glosses.yaml":
                              '- sentence: "Nobody knew"\n'
                              '  asks: ["what happens next year?", "is the future unclear?"]\n'
                              '- sentence: "Budgets were cut"\n'
                              '  gloss: "money worries"\n'
                              '  asks: ["short of cash?"]\n'})
    knowledge = load_knowledge(folder)
    assert sorted(knowledge.glosses.values(), key=lambda g: g.text) == [
        Gloss("", ("what happens next year?", "is the future unclear?")),
        Gloss("money worries", ("short of cash?",))]
    assert Core(knowledge).ask("is the future unclear").quotes[0].text == "Nobody knew what came next."
    # Each question is also a document of its own: the closest one picks its sentence.
    hit = Core(knowledge).index.search("short of cash", k=1)[0]
    assert hit.text == "Budgets were cut in half."


def test_bundled_glosses_cover_every_sentence_of_the_review() -> None:
    knowledge = load_knowledge()
    sentences = {(p, i) for p, paragraph in enumerate(knowledge.paragraphs)
                 for i in range(len(paragraph.spans))}
    assert set(knowledge.glosses) == sentences
    assert all(len(g.text.split()) >= 10 and len(g.asks) >= 6 for g in knowledge.glosses.values())


@pytest.mark.parametrize(
    ("glosses", "message", "line"),
    [
        ('- sentence: "Budgets were cut"\n  gloss: "money"\n- sentence: "Gamma rays"\n'
         '  gloss: "x"\n', "no sentence of the knowledge opens with 'Gamma rays'", 3),
        ('- sentence: "First"\n  gloss: "x"\n- sentence: "Budgets"\n  gloss: "y"\n'
         '- sentence: "budgets  WERE"\n  gloss: "z"\n', "glossed twice", 5),
        ('- sentence: "Nobody knew"\n', "'gloss' is required", 1),
        ('sentence: "Nobody knew"\ngloss: "x"\n', "must be a list of entries", 1),
        ('- "Nobody knew"\n', "each entry must be a mapping", 1),
        ('- sentence: "Nobody knew"\n  gloss: [a, b]\n', "'gloss' must be text", 1),
        ('- sentence: "Nobody knew"\n  asks: "why?"\n', "'asks' must be a list of questions", 1),
    ],
)
def test_malformed_glosses_name_file_and_line(write_knowledge, glosses: str, message: str,
                                              line: int) -> None:
    folder = write_knowledge({"a.md": GLOSSED, "glosses.yaml": glosses})
    assert_load_fails_at(folder / "glosses.yaml", message, line)


def test_a_gloss_opening_shared_by_two_sentences_asks_for_more_words(write_knowledge) -> None:
    folder = write_knowledge({"a.md": GLOSSED, "glosses.yaml":
                              '- sentence: "First sentence"\n  gloss: "x"\n'
                              '- sentence: "Second sentence"\n  gloss: "y"\n'
                              '- sentence: "Budgets"\n  gloss: "z"\n'})
    assert len(load_knowledge(folder).glosses) == 3
    folder = write_knowledge({"a.md": GLOSSED.replace("Nobody knew", "First sentence knew"),
                              "glosses.yaml": '- sentence: "First sentence"\n  gloss: "x"\n'})
    with pytest.raises(KnowledgeError, match=r"glosses\.yaml:1: 2 sentences open with"):
        load_knowledge(folder)


def test_errand_words_come_from_the_folder_or_the_bundle(write_knowledge) -> None:
    assert "password" in load_knowledge(write_knowledge({"a.md": SOURCE})).vocabulary.errands
    folder = write_knowledge({"a.md": SOURCE, "errand-words.txt": "# mine\nrota rotas\n"})
    assert load_knowledge(folder).vocabulary.errands == {"rota", "rotas"}


def test_each_asked_question_is_scored_on_its_own(write_knowledge) -> None:
    folder = write_knowledge({"a.md": GLOSSED, "glosses.yaml":
                              '- sentence: "Budgets were cut"\n'
                              '  asks: ["who pays for the new posts?"]\n'
                              '- sentence: "Nobody knew"\n'
                              '  asks: ["what comes next?", "is the future unclear?"]\n'})
    index = Core.load(folder).index
    scores = index._ask_scores(index._groups(index.concepts("is the future unclear")))
    beta = {i for i, p in enumerate(index.knowledge.paragraphs) if p.section[-1] == "Beta"}
    for n, unit in enumerate(index.units):
        covers_nobody = unit.paragraph in beta and unit.first <= 1 <= unit.last
        assert (scores[n] > 0) == covers_nobody
    assert len({round(float(s), 9) for s in scores if s > 0}) == 1  # the best ask, not a sum


def test_asking_what_the_sources_cover_quotes_how_each_opens(write_knowledge) -> None:
    folder = write_knowledge({
        "a.md": "---\ntitle: Alpha\n---\nAlpha opens here. It goes on.\n\nLater text.\n",
        "b.md": "---\ntitle: Beta\n---\n# Part\n\nBeta opens here.\n",
    })
    answer = Core(load_knowledge(folder)).ask("What is this review about?")
    assert answer.answered
    assert answer.message.startswith("What the 2 sources I hold cover, in their own opening")
    assert [q.text for q in answer.quotes] == ["Alpha opens here. It goes on.", "Beta opens here."]
    assert [q.source for q in answer.quotes] == ["Alpha", "Beta"]
