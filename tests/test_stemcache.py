"""The start-up cache between runs: used when valid, ignored when not, never holds questions."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot import knowledge as knowledge_module
from bot import stemcache
from bot.config import Settings
from bot.core import Core
from bot.errors import KnowledgeError
from bot.index import split_citations
from bot.knowledge import load_knowledge
from bot.text import Analyzer

QUESTIONS = ["why does funding get in the way of joint working?", "professional culture",
             "What pay band is a school nurse on?"]


def test_a_second_start_takes_its_stems_from_the_cache(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    knowledge = load_knowledge()
    first = Core(knowledge, cache=tmp_path)
    files = list(tmp_path.glob("stems-*.json"))
    assert len(files) == 1
    cached = json.loads(files[0].read_text(encoding="utf-8"))
    assert cached["stems"]["professional"] == first.index.analyzer.stems["professional"]
    opening = split_citations(knowledge.paragraphs[0].sentence(0))[0]
    assert cached["texts"][opening] == first.index.analyzer.tokenize(opening)
    calls: list[str] = []
    for name in ("_stem_uncached", "tokenize"):
        original = getattr(Analyzer, name)
        monkeypatch.setattr(Analyzer, name, lambda self, arg, original=original, name=name:
                            calls.append(f"{name}: {arg}") or original(self, arg))
    second = Core(knowledge, cache=tmp_path)
    assert calls == []  # every word and text of the knowledge came from the cache
    for question in QUESTIONS:
        assert second.ask(question) == first.ask(question)


def test_questions_are_never_written_to_the_cache(tmp_path: Path) -> None:
    core = Core(load_knowledge(), cache=tmp_path)
    core.ask("zebrafish husbandry")
    Core(load_knowledge(), cache=tmp_path)
    text = next(tmp_path.glob("stems-*.json")).read_text(encoding="utf-8")
    assert "zebrafish" not in text and "husbandry" not in text


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"stems": {"funding": 3}}', "",
                                     '{"stems": [], "texts": {"a": "b"}}',
                                     '{"stems": {"funding": "fund"}, "texts": {"a": ["b", 3]}}'])
def test_a_corrupt_cache_is_ignored_and_replaced(tmp_path: Path, content: str) -> None:
    knowledge = load_knowledge()
    vocab = knowledge.vocabulary
    path = tmp_path / f"stems-{Analyzer(vocab.stopwords, vocab.spellings).stem_key()}.json"
    path.write_text(content, encoding="utf-8")
    core = Core(knowledge, cache=tmp_path)
    assert core.ask(QUESTIONS[0]).answered
    assert json.loads(path.read_text(encoding="utf-8"))["stems"]["funding"] == "fund"


def test_an_unusable_cache_folder_only_means_stemming_again(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    core = Core(load_knowledge(), cache=blocked / "cache")
    assert core.ask(QUESTIONS[0]).answered
    assert stemcache.load(None, core.index.analyzer) == 0
    assert stemcache.save(None, core.index.analyzer, 0) is False


def test_the_cache_key_follows_the_respellings_and_stop_words() -> None:
    assert Analyzer(spellings={"color": "colour"}).stem_key() != Analyzer().stem_key()
    assert Analyzer(["the"]).stem_key() != Analyzer().stem_key()
    assert Analyzer(spellings={"color": "colour"}).stem_key() == \
        Analyzer(spellings={"color": "colour"}).stem_key()


@pytest.mark.parametrize(("env", "expected"), [
    ({"EVIDENCE_BOT_CACHE_DIR": "/srv/cache"}, Path("/srv/cache")),
    ({"EVIDENCE_BOT_CACHE_DIR": "off", "HOME": "/home/a"}, None),
    ({"XDG_CACHE_HOME": "/x", "HOME": "/home/a"}, Path("/x/evidence-bot")),
    ({"HOME": "/home/a"}, Path("/home/a/.cache/evidence-bot")),
    ({}, None),
])
def test_the_cache_folder_comes_from_the_environment(env: dict[str, str],
                                                     expected: Path | None) -> None:
    assert Settings.from_env(env).cache_dir == expected


def test_a_second_start_takes_its_sentence_splitter_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_knowledge(cache=tmp_path)
    assert len(list(tmp_path.glob("punkt-*.json"))) == 1
    message = "Dr. Smith met the team e.g. at 3 p.m. on Mon. It went well. Did it? Yes."
    trained = list(load_knowledge().splitter.span_tokenize(message))
    monkeypatch.setattr("bot.knowledge.train_sentence_parameters",
                        lambda text: pytest.fail("trained again"))
    second = load_knowledge(cache=tmp_path)
    assert [p.spans for p in second.paragraphs] == [p.spans for p in first.paragraphs]
    assert list(second.splitter.span_tokenize(message)) == trained


@pytest.mark.parametrize("content", ["{not json", "[]", '{"abbrev_types": 3}', ""])
def test_a_corrupt_splitter_cache_is_ignored_and_replaced(tmp_path: Path, content: str) -> None:
    load_knowledge(cache=tmp_path)
    path = next(tmp_path.glob("punkt-*.json"))
    path.write_text(content, encoding="utf-8")
    knowledge = load_knowledge(cache=tmp_path)
    assert [p.spans for p in knowledge.paragraphs] == [p.spans for p in load_knowledge().paragraphs]
    assert "abbrev_types" in json.loads(path.read_text(encoding="utf-8"))


def test_a_second_start_takes_its_vocabulary_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_knowledge(cache=tmp_path)
    assert len(list(tmp_path.glob("synonyms-*.json"))) == 1
    parsed: list[str] = []
    original = knowledge_module.parse_yaml
    monkeypatch.setattr(knowledge_module, "parse_yaml",
                        lambda path, *args, **kwargs: parsed.append(path.name)
                        or original(path, *args, **kwargs))
    second = load_knowledge(cache=tmp_path)
    # Only the source's front matter and the small themes file are read as YAML: the
    # vocabulary, the glosses and the question sets come from the cache.
    assert parsed == ["what-works.md", "themes.yaml"]
    assert second.vocabulary == first.vocabulary == load_knowledge().vocabulary
    assert second.glosses == first.glosses == load_knowledge().glosses
    assert second.examples == first.examples == load_knowledge().examples


# (cache file, what it holds, damaged contents): each is ignored and written again.
CORRUPT = [
    *[("synonyms", "vocabulary", c) for c in ["{not json", "[]", '{"spellings": {}, "synonyms": 3}',
                                             '{"spellings": {}, "synonyms": {"money": [1]}}', ""]],
    *[("glosses", "glosses", c) for c in ["{not json", "{}", "[[0, 0, 3]]", '[[99, 0, "x", []]]',
                                         '[["a", 0, "x", []]]', ""]],
    *[("examples", "examples", c) for c in ["{not json", "{}", '[["q", [[999, 0]], "x.yaml"]]',
                                           '[["q", 3, "x.yaml"]]']],
]


@pytest.mark.parametrize(("name", "field", "content"), CORRUPT)
def test_a_corrupt_knowledge_cache_is_ignored_and_replaced(tmp_path: Path, name: str, field: str,
                                                           content: str) -> None:
    kept = load_knowledge(cache=tmp_path)
    path = next(tmp_path.glob(f"{name}-*.json"))
    written = path.read_text(encoding="utf-8")
    path.write_text(content, encoding="utf-8")
    again = load_knowledge(cache=tmp_path)
    assert getattr(again, field) == getattr(kept, field) == getattr(load_knowledge(), field)
    assert path.read_text(encoding="utf-8") == written


def test_a_changed_vocabulary_is_parsed_and_checked_again(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "s.md").write_text("---\ntitle: Tiny\n---\nFunding helps.\n", encoding="utf-8")
    synonyms = folder / "synonyms.yaml"
    synonyms.write_text("synonyms:\n  money: [funding]\n", encoding="utf-8")
    cache = tmp_path / "cache"
    assert load_knowledge(folder, cache).vocabulary.synonyms == {"money": ("funding",)}
    synonyms.write_text("synonyms:\n  money: [funding]\n  cash: 3\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(folder, cache)
    assert err.value.line == 3 and "'cash'" in str(err.value)


@pytest.mark.parametrize("content", ["{not json", "{}", "[[1, 2]]", '[[[], [3], [], []]]',
                                     '[[[], [], [], ["x"]]]'])
def test_a_corrupt_synonym_keys_cache_is_ignored_and_replaced(tmp_path: Path,
                                                              content: str) -> None:
    first = Core(load_knowledge(cache=tmp_path), cache=tmp_path).index.synonyms
    path = next(tmp_path.glob("synonym-keys-*.json"))
    path.write_text(content, encoding="utf-8")
    again = Core(load_knowledge(cache=tmp_path), cache=tmp_path).index.synonyms
    assert again == first == Core(load_knowledge()).index.synonyms
    assert len(json.loads(path.read_text(encoding="utf-8"))) > 2000


def test_each_kind_of_cache_file_keeps_only_its_newest_few(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a cache file", encoding="utf-8")
    made = []
    for version in range(stemcache.KEEP + 2):
        value = stemcache.keyed(tmp_path, "glosses", version, lambda v=version: [v],
                                lambda data: data if isinstance(data, list) else None)
        assert value == [version]
        (path,) = set(tmp_path.glob("glosses-*.json")) - set(made)
        made.append(path)
        # Older files look older, however coarse the file system's clock.
        for age, earlier in enumerate(reversed(made)):
            stamp = 1_700_000_000 - 60 * age
            if earlier.exists():
                os.utime(earlier, (stamp, stamp))
        stemcache.keyed(tmp_path, "punkt", version % 2, lambda: {"n": 1}, lambda data: data)
    assert sorted(tmp_path.glob("glosses-*.json")) == sorted(made[-stemcache.KEEP:])
    assert len(list(tmp_path.glob("punkt-*.json"))) == 2  # another kind is counted apart
    assert other.exists()
    # A kept file is still used: the newest version is read back without computing.
    assert stemcache.keyed(tmp_path, "glosses", stemcache.KEEP + 1, list,
                           lambda data: data) == [stemcache.KEEP + 1]
