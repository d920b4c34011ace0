"""Load a knowledge folder: Markdown sources with YAML front matter, themes, vocabulary."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from nltk.tokenize.punkt import PunktSentenceTokenizer

from bot import stemcache
from bot.errors import KnowledgeError
from bot.text import fold, sentence_spans, train_sentence_parameters

SECTION_SEPARATOR = " › "
# Page furniture that some copied web pages carry; never part of the text.
_FURNITURE = {"back to top"}
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Source:
    """One publication (or part of one) in the knowledge folder."""

    id: str
    title: str
    path: Path
    year: int | None = None
    publisher: str | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a source, with its section path and verbatim sentence spans."""

    source: Source
    section: tuple[str, ...]
    number: int
    line: int
    text: str
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def section_path(self) -> str:
        """Section headings joined as "5. What Works? › Financial Uncertainty"."""
        return SECTION_SEPARATOR.join(self.section)

    def sentence(self, i: int) -> str:
        """The i-th sentence, verbatim."""
        start, end = self.spans[i]
        return self.text[start:end]

    def excerpt(self, first: int, last: int) -> str:
        """Sentences first..last (inclusive), verbatim, as one slice of the paragraph."""
        return self.text[self.spans[first][0] : self.spans[last][1]]


@dataclass(frozen=True)
class Theme:
    """A topic practitioners look up, and how its passages are found."""

    name: str
    description: str
    aliases: tuple[str, ...] = ()
    query: str = ""
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """Curated language: stop words, UK/US spellings, practitioner synonyms."""

    stopwords: frozenset[str] = frozenset()
    generic: frozenset[str] = frozenset()
    errands: frozenset[str] = frozenset()
    spellings: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Gloss:
    """A curator's words for one sentence: phrases, and questions it answers (never quoted)."""

    text: str = ""
    asks: tuple[str, ...] = ()


class Example(NamedTuple):
    """A question from a curator's question set that the bot learns from: an answerable
    one with the sentences its gold strings name, or an off-topic one (no sentences)."""

    question: str
    sentences: tuple[tuple[int, int], ...]
    origin: str  # the question set's file name


@dataclass(frozen=True)
class InScope:
    """A question the knowledge answers, with strings any correct quote contains."""

    question: str
    gold: tuple[str, ...]
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class QuestionSet:
    """In-scope questions with gold strings, and out-of-scope questions."""

    path: str
    in_scope: tuple[InScope, ...]
    out_of_scope: tuple[str, ...]
    # False keeps the set unseen: the bot never learns from it (the development set).
    learn: bool = True


@dataclass(frozen=True)
class Knowledge:
    """Everything loaded from one knowledge folder."""

    folder: Path
    sources: tuple[Source, ...]
    paragraphs: tuple[Paragraph, ...]
    themes: tuple[Theme, ...]
    vocabulary: Vocabulary
    splitter: PunktSentenceTokenizer
    # (paragraph index, sentence index) -> a curator's gloss in practitioners' words.
    glosses: dict[tuple[int, int], Gloss] = field(default_factory=dict)
    # Questions from the question sets in ``eval/``, answerable and off-topic.
    examples: tuple[Example, ...] = ()


def bundled_folder() -> Path:
    """The knowledge shipped with the package (in the wheel) or beside it (in a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "knowledge_data", here.parent / "knowledge"):
        if (candidate / "sources").is_dir() or (candidate / "themes.yaml").is_file():
            return candidate
    raise KnowledgeError(here / "knowledge_data", "the bundled knowledge folder is missing")


_META = ("__line__", "__keylines__")


# libyaml's C parser, where PyYAML has it, reads the vocabulary ten times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that records each mapping's line and its keys' lines, and rejects
    duplicate keys (YAML would silently keep the last one; a curator wants to know)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        key_lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                continue  # unhashable keys: the base class reports them
            if key in key_lines:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            key_lines[key] = key_node.start_mark.line + 1
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__keylines__"] = key_lines
        return mapping


class _LineList(list):  # type: ignore[type-arg]
    """A parsed YAML list that remembers the line of each item (a plain word has no room)."""

    lines: list[int]


def _construct_list(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[_LineList]:
    items = _LineList()
    items.lines = [child.start_mark.line + 1 for child in node.value]
    yield items  # yielded first, as PyYAML does, so recursive structures still work
    items.extend(loader.construct_sequence(node))


_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_list)


def read_text(path: Path) -> str:
    """A file's UTF-8 text; unreadable or undecodable files raise KnowledgeError naming them."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise KnowledgeError(path, f"is not valid UTF-8 ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise KnowledgeError(path, f"cannot be read ({err.strerror})") from None


def parse_yaml(path: Path, text: str, line_offset: int = 0) -> Any:
    """Parse YAML, recording mapping lines; errors name the file and line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise KnowledgeError(path, f"invalid YAML: {problem}", line) from None


def line_of(value: Any, default: int | None = None, key: Any = None) -> int | None:
    """The line of a parsed mapping (or of one of its keys, or a list's item), for errors."""
    if isinstance(value, _LineList) and isinstance(key, int) and 0 <= key < len(value.lines):
        return value.lines[key]
    if not isinstance(value, dict):
        return default
    if key is not None and key in value.get("__keylines__", {}):
        return value["__keylines__"][key]
    return value.get("__line__", default)


def strip_lines(value: Any) -> Any:
    """The parsed value without the line bookkeeping."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k not in _META}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def _text_field(path: Path, data: dict[str, Any], key: str, line: int | None,
                required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise KnowledgeError(path, f"'{key}' is required", line)
        return None
    if not isinstance(value, (str, int, float)):
        raise KnowledgeError(path, f"'{key}' must be text", line)
    return str(value).strip()


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], list[str], int]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise KnowledgeError(path, "must start with YAML front matter between '---' lines", 1)
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            data = parse_yaml(path, "\n".join(lines[1:i]), line_offset=1)
            if not isinstance(data, dict):
                raise KnowledgeError(path, "front matter must be a YAML mapping", 2)
            return data, lines[i + 1 :], i + 2
    raise KnowledgeError(path, "front matter is not closed with a '---' line", 1)


def _parse_source(path: Path, folder: Path) -> tuple[Source, list[tuple[tuple[str, ...], int, str]]]:
    data, body, first_line = _split_front_matter(path, read_text(path))
    line = 2
    title = _text_field(path, data, "title", line, required=True)
    year_text = _text_field(path, data, "year", line)
    year = None
    if year_text is not None:
        match = re.search(r"\b(1[5-9]\d\d|2\d\d\d)\b", year_text)
        if not match:
            raise KnowledgeError(path, f"'year' must be a year, not {year_text!r}", line)
        year = int(match.group(1))
    authors = data.get("authors") or ()
    if isinstance(authors, str):
        authors = (authors,)
    if not isinstance(authors, (list, tuple)) or not all(isinstance(a, str) for a in authors):
        raise KnowledgeError(path, "'authors' must be a list of names", line)
    source = Source(
        id=path.relative_to(folder).with_suffix("").as_posix(),
        title=title or "",
        path=path,
        year=year,
        publisher=_text_field(path, data, "publisher", line),
        authors=tuple(a.strip() for a in authors),
        url=_text_field(path, data, "url", line),
    )
    blocks: list[tuple[tuple[str, ...], int, str]] = []
    headings: list[tuple[int, str]] = []
    buffer: list[str] = []
    buffer_line = first_line

    def flush() -> None:
        if buffer:
            blocks.append((tuple(h for _, h in headings), buffer_line, " ".join(buffer)))
            buffer.clear()

    for offset, raw in enumerate(body):
        stripped = raw.strip()
        heading = _HEADING.match(stripped)
        if not stripped or heading or stripped.casefold() in _FURNITURE:
            flush()
            if heading:
                level, name = len(heading.group(1)), heading.group(2).strip()
                headings = [(lv, h) for lv, h in headings if lv < level] + [(level, name)]
            continue
        if not buffer:
            buffer_line = first_line + offset
        buffer.append(stripped)
    flush()
    if not blocks:
        raise KnowledgeError(path, "has no text after its front matter")
    return source, blocks


def _mappings(path: Path, items: list[Any], problem: str) -> Iterator[tuple[dict[str, Any], int | None]]:
    """Each item of a YAML list with its line; anything but a mapping is an error there."""
    for n, item in enumerate(items):
        line = line_of(item, line_of(items, None, n))
        if not isinstance(item, dict):
            raise KnowledgeError(path, problem, line)
        yield item, line


def _load_themes(path: Path) -> tuple[Theme, ...]:
    if not path.is_file():
        return ()
    data = parse_yaml(path, read_text(path))
    items = data.get("themes") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise KnowledgeError(path, "must hold a list of themes under 'themes:'", line_of(data, 1))
    themes: list[Theme] = []
    seen: set[str] = set()
    for item, line in _mappings(path, items, "each theme must be a mapping with name and "
                                "description"):
        name = _text_field(path, item, "name", line, required=True) or ""
        if name.casefold() in seen:
            raise KnowledgeError(path, f"theme {name!r} is defined twice", line)
        seen.add(name.casefold())
        aliases = item.get("aliases") or []
        sections = item.get("sections") or item.get("section") or []
        if isinstance(sections, str):
            sections = [sections]
        for key, value in (("aliases", aliases), ("sections", sections)):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise KnowledgeError(path, f"'{key}' of theme {name!r} must be a list of text",
                                     line)
        query = _text_field(path, item, "query", line) or ""
        if not query and not sections:
            raise KnowledgeError(path, f"theme {name!r} needs a 'query' or 'sections' to find "
                                 "its passages", line)
        themes.append(Theme(
            name=name,
            description=_text_field(path, item, "description", line, required=True) or "",
            aliases=tuple(a.strip() for a in aliases),
            query=query,
            sections=tuple(s.strip() for s in sections),
        ))
    return tuple(themes)


def _load_glosses(path: Path, paragraphs: tuple[Paragraph, ...],
                  cache: Path | None = None) -> dict[tuple[int, int], Gloss]:
    """Curators' glosses, each tied to the one sentence that opens with its ``sentence``
    (kept parsed in the start-up cache, keyed by the file and the sentences).

    An entry's ``gloss`` (phrases) and ``asks`` (questions the sentence answers) are
    both practitioners' words for it; they are searched together.
    """
    if not path.is_file():
        return {}
    text = read_text(path)
    sentences = [paragraph.sentence(i) for paragraph in paragraphs
                 for i in range(len(paragraph.spans))]

    def compute() -> list[list[Any]]:
        return [[p, i, g.text, list(g.asks)]
                for (p, i), g in _parse_glosses(path, text, paragraphs).items()]

    def read(rows: Any) -> dict[tuple[int, int], Gloss] | None:
        if not isinstance(rows, list):
            return None
        try:
            glosses = {(int(p), int(i)): Gloss(str(gloss), tuple(map(str, asks)))
                       for p, i, gloss, asks in rows}
        except (TypeError, ValueError):
            return None
        return glosses if all(0 <= p < len(paragraphs) and 0 <= i < len(paragraphs[p].spans)
                              for p, i in glosses) else None

    return stemcache.keyed(cache, "glosses", (text, sentences), compute, read)


def _parse_glosses(path: Path, text: str,
                   paragraphs: tuple[Paragraph, ...]) -> dict[tuple[int, int], Gloss]:
    """``glosses.yaml`` parsed and checked: each entry by the sentence it glosses."""
    data = parse_yaml(path, text)
    if data is None:
        return {}
    if not isinstance(data, list):
        raise KnowledgeError(path, "must be a list of entries with 'sentence' and 'gloss'",
                             line_of(data, 1))
    openings = {(p, i): " ".join(fold(paragraph.sentence(i)).split())
                for p, paragraph in enumerate(paragraphs) for i in range(len(paragraph.spans))}
    glosses: dict[tuple[int, int], Gloss] = {}
    for item, line in _mappings(path, data, "each entry must be a mapping with 'sentence' "
                                "and 'gloss'"):
        opening = _text_field(path, item, "sentence", line, required=True) or ""
        asks = item.get("asks") or []
        if not isinstance(asks, list) or not all(isinstance(a, str) for a in asks):
            raise KnowledgeError(path, "'asks' must be a list of questions", line)
        gloss = Gloss(_text_field(path, item, "gloss", line, required=not asks) or "",
                      tuple(a.strip() for a in asks if a.strip()))
        wanted = " ".join(fold(opening).split())
        where = [key for key, text in openings.items() if text.startswith(wanted)]
        if not where:
            raise KnowledgeError(path, f"no sentence of the knowledge opens with {opening!r}", line)
        if len(where) > 1:
            raise KnowledgeError(path, f"{len(where)} sentences open with {opening!r}; quote "
                                 "more of its opening words", line)
        if where[0] in glosses:
            raise KnowledgeError(path, f"the sentence opening {opening!r} is glossed twice", line)
        glosses[where[0]] = gloss
    return glosses


def normalize(text: str) -> str:
    """Text compared loosely: case-folded, runs of white space as one space."""
    return " ".join(text.casefold().split())


def load_question_set(path: str | Path, text: str | None = None) -> QuestionSet:
    """Read a question set in the ``dev-questions.yaml`` format, naming file and line on error."""
    path = Path(path)
    if text is None:
        if not path.is_file():
            raise KnowledgeError(path, "question set not found")
        text = read_text(path)
    data = parse_yaml(path, text)
    if not isinstance(data, dict):
        raise KnowledgeError(path, "must be a mapping with 'in_scope' and 'out_of_scope'", 1)
    in_scope = []
    for item in data.get("in_scope") or []:
        line = line_of(item, line_of(data))
        clean: Any = strip_lines(item)
        if (not isinstance(clean, dict) or not isinstance(clean.get("q"), str)
                or not isinstance(clean.get("gold"), list) or not clean["gold"]
                or not all(isinstance(g, str) for g in clean["gold"])):
            raise KnowledgeError(path, "each in_scope item needs 'q' (text) and 'gold' (a "
                                 "non-empty list of text)", line)
        in_scope.append(InScope(clean["q"], tuple(clean["gold"]), line))
    out = data.get("out_of_scope") or []
    if not isinstance(out, list) or not all(isinstance(q, str) for q in out):
        raise KnowledgeError(path, "'out_of_scope' must be a list of questions", line_of(data))
    learn = data.get("learn", True)
    if not isinstance(learn, bool):
        raise KnowledgeError(path, "'learn' must be true or false", line_of(data, 1, "learn"))
    if not in_scope and not out:
        raise KnowledgeError(path, "holds no questions", 1)
    return QuestionSet(str(path), tuple(in_scope), tuple(out), learn)


def sentence_texts(paragraphs: tuple[Paragraph, ...]) -> dict[tuple[int, int], str]:
    """Every sentence, normalized, by (paragraph, sentence) number: where gold strings
    are looked for."""
    return {(p, i): normalize(paragraph.sentence(i))
            for p, paragraph in enumerate(paragraphs) for i in range(len(paragraph.spans))}


def taught_sentences(item: InScope,
                     sentences: dict[tuple[int, int], str]) -> list[tuple[int, int]]:
    """The sentences an answerable question teaches: each one a gold string of it is
    found in alone (a string in no sentence, or in several, names none)."""
    taught = []
    for gold in item.gold:
        wanted = normalize(gold)
        found = [key for key, text in sentences.items() if wanted in text]
        if len(found) == 1 and found[0] not in taught:
            taught.append(found[0])
    return taught


def _load_examples(folder: Path, paragraphs: tuple[Paragraph, ...],
                   cache: Path | None) -> tuple[Example, ...]:
    """What the question sets in ``folder`` teach: each answerable question belongs to the
    sentences its gold strings name (a string found in no sentence, or in several,
    teaches nothing; ``check`` reports it); each off-topic question is an example of
    what the knowledge does not answer. Sets that say ``learn: false`` are left out."""
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        return ()
    texts = [(path, read_text(path)) for path in files]
    sentences = sentence_texts(paragraphs)

    def compute() -> list[list[Any]]:
        rows: list[list[Any]] = []
        for path, text in texts:
            questions = load_question_set(path, text)
            if not questions.learn:
                continue
            for item in questions.in_scope:
                keys = taught_sentences(item, sentences)
                if keys:
                    rows.append([item.question, [list(k) for k in keys], path.name])
            rows += [[q, [], path.name] for q in questions.out_of_scope]
        return rows

    def read(rows: Any) -> tuple[Example, ...] | None:
        if not isinstance(rows, list):
            return None
        try:
            examples = tuple(Example(q, tuple((int(p), int(i)) for p, i in keys), str(origin))
                             for q, keys, origin in rows)
        except (TypeError, ValueError):
            return None
        if not all(isinstance(e.question, str) and key in sentences
                   for e in examples for key in e.sentences):
            return None
        return examples

    # The sets and the sentences, hashed here: the store would hash their long repr.
    digest = hashlib.sha256()
    for part in [p.name + "\0" + t for p, t in texts] + [s for _, s in sorted(sentences.items())]:
        digest.update(part.encode() + b"\0")
    basis = digest.hexdigest()
    return stemcache.keyed(cache, "examples", basis, compute, read)


def _load_wordlist(path: Path) -> frozenset[str]:
    words: set[str] = set()
    for line in read_text(path).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.update(line.split())
    return frozenset(words)


def _section(path: Path, data: dict[str, Any], name: str,
             what: str) -> list[tuple[Any, Any, int | None]]:
    """The (key, value, line) entries of one mapping section of a vocabulary file."""
    block = data.get(name) or {}
    if not isinstance(block, dict):
        raise KnowledgeError(path, f"'{name}' must {what}", line_of(data, 1, name))
    return [(k, v, line_of(block, None, k)) for k, v in block.items() if k not in _META]


def _own_or_bundled(folder: Path, name: str) -> Path:
    path = folder / name
    return path if path.is_file() else bundled_folder() / name


def _load_vocabulary(folder: Path, cache: Path | None = None) -> Vocabulary:
    stopwords = _load_wordlist(_own_or_bundled(folder, "stopwords.txt"))
    generic = _load_wordlist(_own_or_bundled(folder, "generic-words.txt"))
    errands = _load_wordlist(_own_or_bundled(folder, "errand-words.txt"))
    syn_path = folder / "synonyms.yaml"
    if not syn_path.is_file():
        return Vocabulary(stopwords=stopwords, generic=generic, errands=errands)
    text = read_text(syn_path)
    data = stemcache.keyed(cache, "synonyms", text, lambda: _parse_synonyms(syn_path, text),
                           lambda kept: kept if _is_parsed_synonyms(kept) else None)
    return Vocabulary(stopwords=stopwords, generic=generic, errands=errands,
                      spellings=data["spellings"],
                      synonyms={key: tuple(values) for key, values in data["synonyms"].items()})


def _is_parsed_synonyms(data: Any) -> bool:
    """True for what ``_parse_synonyms`` returns (a cache file may hold anything)."""
    return (isinstance(data, dict) and set(data) == {"spellings", "synonyms"}
            and isinstance(data["spellings"], dict) and isinstance(data["synonyms"], dict)
            and all(isinstance(k, str) and isinstance(v, str)
                    for k, v in data["spellings"].items())
            and all(isinstance(k, str) and isinstance(v, list) and all(isinstance(w, str) for w in v)
                    for k, v in data["synonyms"].items()))


def _parse_synonyms(syn_path: Path, text: str) -> dict[str, dict[str, Any]]:
    """``synonyms.yaml`` checked, as {"spellings": {word: word}, "synonyms": {key: [words]}}."""
    data = parse_yaml(syn_path, text)
    if data is None:
        return {"spellings": {}, "synonyms": {}}
    if not isinstance(data, dict):
        raise KnowledgeError(syn_path, "must be a mapping with 'spellings' and 'synonyms'", 1)
    unknown = sorted(set(data) - {"spellings", "synonyms", *_META}, key=str)
    if unknown:
        raise KnowledgeError(syn_path, f"unknown section {unknown[0]!r} (expected "
                             "'spellings' and 'synonyms')", line_of(data, 1, unknown[0]))
    spellings: dict[str, str] = {}
    for key, value, line in _section(syn_path, data, "spellings", "map a spelling to another"):
        if not isinstance(value, str):
            raise KnowledgeError(syn_path, f"spelling {key!r} must map to one word", line)
        spellings[str(key)] = value
    synonyms: dict[str, list[str]] = {}
    for key, value, line in _section(syn_path, data, "synonyms", "map a word or phrase to a list"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise KnowledgeError(syn_path, f"synonyms of {key!r} must be a list of words", line)
        synonyms[str(key)] = list(value)
    return {"spellings": spellings, "synonyms": synonyms}


def load_knowledge(folder: str | Path | None = None, cache: Path | None = None) -> Knowledge:
    """Load and validate a knowledge folder (the bundled one when ``folder`` is None).

    ``cache`` is a folder where the sentence splitter trained on the sources and the
    parsed vocabulary are kept between runs (see ``bot.stemcache``).
    """
    root = Path(folder) if folder is not None else bundled_folder()
    if not root.exists():
        raise KnowledgeError(root, "knowledge folder not found")
    if not root.is_dir():
        raise KnowledgeError(root, "is not a folder")
    paths = sorted(p for p in root.rglob("*.md") if p.name.lower() != "readme.md")
    if not paths:
        raise KnowledgeError(root, "holds no sources (Markdown files with YAML front matter)")
    parsed = [_parse_source(p, root) for p in paths]
    splitter = stemcache.splitter(cache, (text for _, blocks in parsed for _, _, text in blocks),
                                  train_sentence_parameters)
    paragraphs: list[Paragraph] = []
    for source, blocks in parsed:
        for number, (section, line, text) in enumerate(blocks):
            spans = tuple(sentence_spans(splitter, text))
            paragraphs.append(Paragraph(source, section, number, line, text, spans))
    return Knowledge(
        folder=root,
        sources=tuple(s for s, _ in parsed),
        paragraphs=tuple(paragraphs),
        glosses=_load_glosses(root / "glosses.yaml", tuple(paragraphs), cache),
        examples=_load_examples(root / "eval", tuple(paragraphs), cache),
        themes=_load_themes(root / "themes.yaml"),
        vocabulary=_load_vocabulary(root, cache),
        splitter=splitter,
    )
