"""The README's examples are real output: each shown transcript must match the program."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def transcripts() -> list[tuple[list[str], list[str]]]:
    """(arguments, shown output lines up to a '...' line) for each `$ evidence-bot` example."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            if not chunk.startswith("$ evidence-bot "):
                continue
            command, *shown = chunk.rstrip("\n").split("\n")
            args = shlex.split(command[2:].split("  #")[0])[1:]
            found.append((args, shown))
    return found


CASES = [c for c in transcripts()
         if c[0][:1] in (["ask"], ["themes"], ["theme"], ["check"], ["eval"])
         and "--json" not in c[0]]


def test_readme_has_the_main_examples() -> None:
    commands = [" ".join(args) for args, _ in CASES]
    assert any(c.startswith("ask why does funding") for c in commands)
    assert "themes" in commands and "check" in commands


@pytest.mark.parametrize(("args", "shown"), CASES, ids=[" ".join(a)[:40] for a, _ in CASES])
def test_readme_example_matches_real_output(args: list[str], shown: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                            text=True, check=False)
    actual = (result.stdout + result.stderr).splitlines()
    expected = shown[: shown.index("...")] if "..." in shown else shown
    if args == ["check"]:  # the folder's absolute path differs per machine
        actual, expected = actual[1:], expected[1:]
    assert len(actual) >= len(expected)
    for got, want in zip(actual, expected, strict=False):
        # A line shown cut short with "..." must start like the real one.
        if "..." in want:
            assert got.startswith(want.split("...")[0].rstrip(", ")), (got, want)
        else:
            assert got == want
