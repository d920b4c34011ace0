"""The interactive console in a real terminal (a pseudo-terminal): editing, history, commands."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.console import respond

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")

UP = b"\x1b[A"


class Terminal:
    """``python -m bot console`` attached to a pseudo-terminal, read with a deadline."""

    def __init__(self, home: Path) -> None:
        self.master, slave = os.openpty()
        env = {**os.environ, "HOME": str(home), "TERM": "xterm", "INPUTRC": "/dev/null"}
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "console"], stdin=slave,
                                     stdout=slave, stderr=slave, env=env, close_fds=True)
        os.close(slave)
        self.seen = b""

    def read_until(self, needle: bytes, timeout: float = 30.0) -> bytes:
        """Everything printed until ``needle`` appears (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while needle not in self.seen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {needle!r} in {self.seen[-500:]!r}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    break
                self.seen += chunk
        found = self.seen
        self.seen = self.seen[self.seen.index(needle) + len(needle):] if needle in self.seen else b""
        return found

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.master)


def test_console_recalls_history_with_the_up_arrow_and_saves_it(tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    try:
        term.read_until(b"ask> ")
        term.type(b"co-terminosity\r")
        first = term.read_until(b"ask> ")
        assert b"inconclusive around co-terminosity" in first
        term.type(UP + b"\r")  # the same question again, recalled from history
        again = term.read_until(b"ask> ")
        assert b"inconclusive around co-terminosity" in again
        term.type(b":theme money\r")
        assert b"Financial Uncertainty" in term.read_until(b"ask> ")
        term.type(b":quit\r")
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
            term.close()
    assert "co-terminosity" in (tmp_path / ".evidence_bot_history").read_text(encoding="utf-8")


def test_console_replies_match_ask_and_unknown_commands_are_explained(core) -> None:
    assert respond(core, ":nope") == "Unknown command “:nope”. Type :help for the commands."
    assert respond(core, ":theme quantum").startswith("No theme matches")
    assert respond(core, "   ") == ""
    assert respond(core, ":quit") is None
