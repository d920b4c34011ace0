"""An interactive console over the same core and rendering as ``ask``."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.core import Core
from bot.errors import ThemeNotFound
from bot.render import themes_text, to_text

HELP = """Type a question and press Enter, for example:
  why does funding get in the way of joint working?
Commands:
  :themes        list the themes
  :theme NAME    key quotes of a theme (names match loosely: culture, roles, money)
  :help          this help
  :quit          leave (or Ctrl-D)"""

BANNER = ("evidence-bot console: questions about integrated children's services, answered "
          "with the review's own words.\nType :help for commands, :quit to leave.")


def _enable_line_editing() -> Callable[[], None]:
    """Turn on readline editing and a persistent history; return a function that saves it."""
    try:
        import readline
    except ImportError:  # e.g. Windows without pyreadline: plain input() still works
        return lambda: None
    history = Path(os.path.expanduser("~")) / ".evidence_bot_history"
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(history)

    return save


def respond(core: Core, line: str) -> str | None:
    """The console's reply to one input line; None means quit."""
    text = line.strip()
    if not text:
        return ""
    if text.startswith(":"):
        command, _, rest = text[1:].partition(" ")
        command = command.lower()
        if command in ("quit", "q", "exit"):
            return None
        if command == "help":
            return HELP
        if command == "themes":
            return themes_text(core.themes)
        if command == "theme":
            try:
                return to_text(core.theme(rest))
            except ThemeNotFound as err:
                return str(err)
        return f"Unknown command “:{command}”. Type :help for the commands."
    return to_text(core.ask(text))


def run_console(core: Core, out: TextIO | None = None,
                read: Callable[[str], str] | None = None) -> int:
    """Loop: read a line, print the reply, until :quit or end of input."""
    out = out or sys.stdout
    interactive = read is None and sys.stdin.isatty()
    save = _enable_line_editing() if interactive else (lambda: None)
    read = read or input
    out.write(BANNER + "\n")
    try:
        while True:
            try:
                line = read("\nask> " if interactive else "")
            except EOFError:
                break
            reply = respond(core, line)
            if reply is None:
                break
            if reply:
                out.write(reply + "\n")
                out.flush()
    except KeyboardInterrupt:
        out.write("\n")
    finally:
        save()
    return 0
