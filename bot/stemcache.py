"""A cache between runs, so a cold start does not redo work that only the knowledge decides.

- Stems and token lists: Snowball stemming of the knowledge's few thousand words,
  and tokenizing its sentences, glosses and synonyms, depend only on the stemmer,
  the respellings and the stop words (``Analyzer.stem_key``), so they are kept in
  ``<cache folder>/stems-<key>.json``. Only the knowledge's own words and texts are
  written (never a question's).
- The sentence splitter: Punkt's parameters, learnt from the source texts, are kept
  in ``<cache folder>/punkt-<hash of the texts>.json``.
- The vocabulary: ``synonyms.yaml`` parsed and checked, in
  ``<cache folder>/synonyms-<hash of the file>.json`` (JSON reads far faster than
  YAML; a changed file has a new hash, so it is parsed and checked again).
- ``glosses.yaml`` parsed and checked, in ``<cache folder>/glosses-<hash>.json``, and the
  synonym keys compiled for the analyzer, in ``<cache folder>/synonym-keys-<hash>.json``.
- The question sets: what ``eval/*.yaml`` teach (each question with the sentences its
  gold strings name), in ``<cache folder>/examples-<hash of the sets and sentences>.json``.

A missing, unreadable or corrupt cache is ignored, and a read-only folder only means
the next start does the work again. Each kind keeps its few newest files (``KEEP``), so
editing the knowledge does not fill the folder with stale ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

import nltk
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from bot.text import Analyzer

T = TypeVar("T")

# Files kept per kind: the current knowledge's, and a few recent others (another
# knowledge folder sharing the cache, or the version just edited away from).
KEEP = 3
_CACHE_FILE = re.compile(r"(.+)-[0-9a-f]{16}\.json")


def _path(folder: Path, analyzer: Analyzer) -> Path:
    return folder / f"stems-{analyzer.stem_key()}.json"


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, data: object) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        return False
    _prune(path)
    return True


def _prune(path: Path) -> None:
    """Remove all but the ``KEEP`` newest cache files of ``path``'s kind."""
    kind = _CACHE_FILE.fullmatch(path.name)
    if kind is None:
        return
    try:
        same = [(entry.stat().st_mtime_ns, entry) for entry in path.parent.iterdir()
                if (m := _CACHE_FILE.fullmatch(entry.name)) and m.group(1) == kind.group(1)
                and entry != path]
        same.sort(key=lambda item: item[0], reverse=True)
        for _, old in same[KEEP - 1:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def load(folder: Path | None, analyzer: Analyzer) -> int:
    """Give the analyzer the stems and token lists cached for it; the number taken."""
    data = _read(_path(folder, analyzer)) if folder is not None else None
    if not isinstance(data, dict):
        return 0
    stems, texts = data.get("stems"), data.get("texts")
    # JSON keys are always text; checked in bulk (C loops), as a file of thousands of
    # texts is the usual case and a damaged one the rare one.
    if not isinstance(stems, dict) or not _all_text(stems.values()):
        stems = {}
    if (not isinstance(texts, dict) or not _only(map(type, texts.values()), list)
            or not _all_text(chain.from_iterable(texts.values()))):
        texts = {}
    analyzer.remember(stems, texts)
    return len(stems) + len(texts)


def _only(types: Iterable[type], kind: type) -> bool:
    return set(types) <= {kind}


def _all_text(values: Iterable[Any]) -> bool:
    return _only(map(type, values), str)


def save(folder: Path | None, analyzer: Analyzer, known: int) -> bool:
    """Write the analyzer's stems and token lists if it has more than the cache held."""
    stems, texts = analyzer.stems, analyzer.known_texts
    if folder is None or len(stems) + len(texts) <= known:
        return False
    return _write(_path(folder, analyzer), {"stems": stems, "texts": texts})


# Bump when what a kept result holds changes, so older ones are not reused.
KEYED_FORMAT = 2


def keyed(folder: Path | None, name: str, basis: object, compute: Callable[[], Any],
          read: Callable[[Any], T | None]) -> T:
    """``read`` of the JSON data ``compute()`` gives for ``basis``: the data is kept in
    ``<folder>/<name>-<hash of basis>.json`` and taken from there while ``read``
    accepts it (a cache file may hold anything: ``read`` returns None for that)."""
    path = None
    if folder is not None:
        key = hashlib.sha256(repr((KEYED_FORMAT, basis)).encode()).hexdigest()[:16]
        path = folder / f"{name}-{key}.json"
        kept = read(_read(path))
        if kept is not None:
            return kept
    data = compute()
    if path is not None:
        _write(path, data)
    result = read(data)
    if result is None:
        raise ValueError(f"{name}: computed data that cannot be read back")
    return result


def splitter(folder: Path | None, texts: Iterable[str],
             train: Callable[[str], PunktParameters]) -> PunktSentenceTokenizer:
    """A sentence splitter for these texts, with Punkt's parameters from the cache
    or from ``train`` (and then cached)."""
    text = "\n\n".join(texts)
    params = keyed(folder, "punkt", (nltk.__version__, text),
                   lambda: _punkt_data(train(text)), _punkt_params)
    return PunktSentenceTokenizer(params)


def _punkt_data(params: PunktParameters) -> dict[str, Any]:
    return {"abbrev_types": sorted(params.abbrev_types),
            "collocations": sorted(list(pair) for pair in params.collocations),
            "sent_starters": sorted(params.sent_starters),
            "ortho_context": dict(params.ortho_context)}


def _punkt_params(data: Any) -> PunktParameters | None:
    try:
        params = PunktParameters()
        params.abbrev_types = set(data["abbrev_types"])
        params.collocations = {tuple(pair) for pair in data["collocations"]}
        params.sent_starters = set(data["sent_starters"])
        for word, flags in data["ortho_context"].items():
            params.add_ortho_context(word, int(flags))
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    return params
