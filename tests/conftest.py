"""Shared fixtures: the bundled core, and tiny knowledge folders written to tmp_path."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core import Core

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _stem_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Programs the tests start keep their start-up cache out of the real home folder."""
    os.environ["EVIDENCE_BOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def core() -> Core:
    """The core over the bundled knowledge, loaded once per test run."""
    return Core.load()


@pytest.fixture
def write_knowledge(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write files (relative path -> text, dedented) into a fresh knowledge folder."""

    def write(files: dict[str, str]) -> Path:
        folder = tmp_path / "knowledge"
        for name, text in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return folder

    return write
