"""A cache of word stems between runs, so a cold start does not re-stem the knowledge.

Snowball stemming of the knowledge's few thousand words is most of start-up. The
stems depend only on the stemmer and the respellings (``Analyzer.stem_key``), so
they are kept in ``<cache folder>/stems-<key>.json``. Only the knowledge's own
words are written (never a question's). A missing, unreadable or corrupt cache
is ignored, and a read-only folder only means the next start stems again.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from bot.text import Analyzer


def _path(folder: Path, analyzer: Analyzer) -> Path:
    return folder / f"stems-{analyzer.stem_key()}.json"


def load(folder: Path | None, analyzer: Analyzer) -> int:
    """Give the analyzer the stems cached for it; the number taken (0 when none)."""
    if folder is None:
        return 0
    try:
        data = json.loads(_path(folder, analyzer).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(data, dict):
        return 0
    stems = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
    analyzer.remember(stems)
    return len(stems)


def save(folder: Path | None, analyzer: Analyzer, known: int) -> bool:
    """Write the analyzer's stems if it has more than the cache held; True if written."""
    stems = analyzer.stems
    if folder is None or len(stems) <= known:
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".stems-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(stems, out, ensure_ascii=False, sort_keys=True)
        os.replace(tmp, _path(folder, analyzer))
    except OSError:
        return False
    return True
