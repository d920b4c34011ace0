"""Errors a user can cause; each carries a message fit to print as it is."""

from __future__ import annotations


class EvidenceBotError(Exception):
    """Base class: the CLI prints ``str(err)`` without a traceback and exits non-zero."""


class KnowledgeError(EvidenceBotError):
    """A knowledge folder or file is missing or malformed."""

    def __init__(self, path: object, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class ThemeNotFound(EvidenceBotError):
    """No theme matches the name asked for."""


class ConfigError(EvidenceBotError):
    """A setting (usually an environment variable) is missing or malformed."""
