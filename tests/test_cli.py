"""The command line, run as a real process: ask, batch, JSON, themes, check, console, errors."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m bot`` with no network needs and no nltk_data."""
    full_env = {**os.environ, "NLTK_DATA": "/nonexistent", **(env or {})}
    full_env.pop("EVIDENCE_BOT_KNOWLEDGE", None) if not env else None
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          env=full_env, cwd=cwd or ROOT, timeout=120, check=False)


def out(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8")


def test_ask_prints_a_readable_answer_with_citations() -> None:
    result = run("ask", "why does funding get in the way of joint working?")
    text = out(result)
    assert result.returncode == 0, result.stderr
    assert "“" in text and "Financial Uncertainty" in text
    assert "Cites: " in text and "Johnson et al 2003" in text
    assert "Exploring the evidence base for integrated children's services (2006)" in text


def test_ask_json_prints_one_object_in_the_documented_shape() -> None:
    result = run("ask", "--json", "Is co-terminosity effective?")
    data = json.loads(out(result))
    assert set(data) >= {"question", "answered", "message", "passages"}
    assert data["answered"] is True
    passage = data["passages"][0]
    assert set(passage) >= {"quote", "source", "section", "citations", "url", "score",
                            "matched_terms"}
    assert "co-terminosity" in passage["quote"]
    assert isinstance(passage["citations"], list) and isinstance(passage["score"], float)


def test_batch_from_stdin_answers_every_line_in_order() -> None:
    lines = [b"What are the financial barriers?", b"", b"\xff\xfe broken utf-8 funding",
             b"control \x1b[2J chars \x00 culture", b"?!", ("x" * 100_000).encode(),
             b"Does leadership matter?"]
    result = run("ask", "--json", stdin=b"\n".join(lines) + b"\n")
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in out(result).splitlines()]
    assert len(answers) == len(lines)
    assert answers[0]["answered"] and "Financial" in answers[0]["passages"][0]["section"]
    assert answers[1]["answered"] is False and "Please ask" in answers[1]["message"]
    assert "\ufffd" in answers[2]["question"]
    assert answers[4]["answered"] is False
    assert answers[5]["notices"]
    assert answers[6]["question"] == "Does leadership matter?"
    assert result.stderr == b""


def test_plain_batch_separates_answers_and_keeps_blank_lines() -> None:
    result = run("ask", stdin=b"culture\n\nleadership\n")
    blocks = out(result).split("-" * 78 + "\n")
    assert len([b for b in blocks if b.strip()]) == 3
    assert "Please ask a question" in blocks[1]


def test_themes_lists_one_theme_a_line_with_description() -> None:
    result = run("themes")
    lines = out(result).splitlines()
    assert result.returncode == 0 and len(lines) >= 10
    assert any(line.startswith("professional culture") for line in lines)
    assert all(len(line.split("  ", 1)) == 2 for line in lines)


def test_theme_lookup_matches_loosely_and_quotes() -> None:
    result = run("theme", "money")
    assert result.returncode == 0
    assert "Financial Uncertainty" in out(result) and "“" in out(result)


def test_unknown_theme_is_a_one_line_error() -> None:
    result = run("theme", "quantum", "physics")
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith("evidence-bot: error: No theme matches") and err.count("\n") == 1


def test_check_summarises_the_bundled_knowledge() -> None:
    result = run("check")
    text = out(result)
    assert result.returncode == 0, text
    assert "what-works.md" in text and "distinct works cited" in text and text.endswith("OK\n")


def test_missing_knowledge_folder_is_a_one_line_error(tmp_path: Path) -> None:
    result = run("--knowledge", str(tmp_path / "nope"), "ask", "funding")
    assert result.returncode == 1
    assert result.stderr.decode() == f"evidence-bot: error: {tmp_path / 'nope'}: knowledge " \
                                     "folder not found\n"


def test_knowledge_folder_comes_from_the_environment(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "s.md").write_text("---\ntitle: Tiny\n---\nGardening clubs help parents meet.\n",
                                 encoding="utf-8")
    result = run("ask", "--json", "gardening clubs", env={"EVIDENCE_BOT_KNOWLEDGE": str(folder)})
    assert json.loads(out(result))["passages"][0]["source"] == "Tiny"


def test_malformed_theme_file_names_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "s.md").write_text("---\ntitle: Tiny\n---\nText here.\n", encoding="utf-8")
    (folder / "themes.yaml").write_text("themes:\n  - name: x\n    query: [a\n", encoding="utf-8")
    result = run("--knowledge", str(folder), "themes")
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert f"{folder / 'themes.yaml'}:4: invalid YAML" in err


def test_console_answers_commands_and_questions_from_piped_input() -> None:
    script = b":help\n:themes\n:theme roles\nDoes leadership matter?\n:bogus\n:quit\nnever read\n"
    result = run("console", stdin=script)
    text = out(result)
    assert result.returncode == 0
    assert ":theme NAME" in text and "professional culture" in text
    assert "Clarity of roles and responsibilities" in text
    assert "Unknown command" in text and "never read" not in text


def test_runs_from_another_folder_without_nltk_data(tmp_path: Path) -> None:
    result = run("ask", "joint training", cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert result.returncode == 0 and "“" in out(result)


def test_no_command_prints_help() -> None:
    result = run()
    assert result.returncode == 2 and "ask" in out(result) and "console" in out(result)


@pytest.mark.parametrize("args", [("ask", "--bogus"), ("theme",)])
def test_usage_errors_do_not_traceback(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2 and b"Traceback" not in result.stderr


def _checked(tmp_path: Path, prose: str, files: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `check` on a one-sentence knowledge folder with the given extra files."""
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "s.md").write_text(f"---\ntitle: Tiny\n---\n{prose}\n", encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return run("--knowledge", str(folder), "check")


@pytest.mark.parametrize(("prose", "files", "problem", "fine"), [
    # An errand word the knowledge uses: questions about it would need the errand bar.
    ("Parking near schools helps parents.", {"errand-words.txt": "parking\nrota\n"},
     "errand-words.txt: 'parking' occurs in the knowledge", "'rota'"),
    # An errand word that is also a synonym key: the two lists disagree.
    ("Recruitment of staff helps.",
     {"errand-words.txt": "vacancy\nrota\n",
      "synonyms.yaml": "synonyms:\n  vacancy: [recruitment]\n"},
     "errand-words.txt: 'vacancy' is also a key in synonyms.yaml", "'rota'"),
    # A synonym key with no words: no question can match it. (One made only of small
    # words, "get to know", is matched by those words in order.)
    ("Trust and understanding help.",
     {"synonyms.yaml": "synonyms:\n  '?!': [trust]\n  get to know: [trust]\n"},
     "synonyms.yaml: '?!' has no words", "'get to know'"),
])
def test_check_reports_one_problem_and_only_it(tmp_path: Path, prose: str,
                                               files: dict[str, str], problem: str,
                                               fine: str) -> None:
    result = _checked(tmp_path, prose, files)
    text = out(result)
    assert result.returncode == 1
    assert problem in text
    assert fine not in text and text.endswith("1 problem(s) found\n")


def test_ask_keeps_its_stem_cache_where_the_environment_says(tmp_path: Path) -> None:
    first = run("ask", "--json", "funding worries", env={"EVIDENCE_BOT_CACHE_DIR": str(tmp_path)})
    assert len(list(tmp_path.glob("stems-*.json"))) == 1
    second = run("ask", "--json", "funding worries", env={"EVIDENCE_BOT_CACHE_DIR": str(tmp_path)})
    assert out(first) == out(second) and json.loads(out(second))["answered"]
    off = tmp_path / "off-run"
    run("ask", "funding", env={"EVIDENCE_BOT_CACHE_DIR": "off", "HOME": str(off)})
    assert not off.exists()


def test_the_command_line_loads_its_core_with_the_collector_off_then_freezes_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import cli
    from bot.config import Settings
    from bot.core import Core

    seen: list[bool] = []
    real_load = Core.load

    def load(*args: object, **kwargs: object) -> Core:
        seen.append(gc.isenabled())
        return real_load(*args, **kwargs)

    monkeypatch.setattr(Core, "load", load)
    frozen = gc.get_freeze_count()
    core = cli._load_core(Settings.from_env())
    assert seen == [False]  # no collector passes over the objects being made
    assert gc.isenabled()  # on again for whatever the command does next
    assert gc.get_freeze_count() > frozen  # and the core's objects are out of its way
    assert core.ask("What gets in the way of joint working?").answered


def test_loading_a_core_restores_the_collector_even_when_the_knowledge_is_bad(
        tmp_path: Path) -> None:
    from bot.core import Core
    from bot.errors import EvidenceBotError

    assert gc.isenabled()
    with pytest.raises(EvidenceBotError):
        Core.load(tmp_path / "no-such-folder")
    assert gc.isenabled()
