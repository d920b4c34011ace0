"""The benchmark runs end to end and reports every section; its timings are not asserted."""

from __future__ import annotations

import io
import re

import pytest

from bot.bench import OFF_TOPIC, questions
from bot.cli import main

VERDICT = re.compile(r"^(PASS|FAIL)$")


def table_rows(report: str) -> dict[str, tuple[str, str, str]]:
    """The report's table as measure -> (result, target, verdict)."""
    rows = {}
    for line in report.splitlines():
        if line.startswith("| ") and not line.startswith("| Measure "):
            measure, result, target, verdict = (c.strip() for c in line.strip("|").split("|"))
            rows[measure] = (result, target, verdict)
    return rows


def row(rows: dict[str, tuple[str, str, str]], prefix: str) -> tuple[str, str, str]:
    """The one row whose measure starts with ``prefix``."""
    (found,) = [v for k, v in rows.items() if k.startswith(prefix)]
    return found


def test_benchmark_questions_are_the_same_every_run_and_varied() -> None:
    asked = questions(2000)
    assert asked == questions(2000)
    assert len(set(asked)) > 100
    assert set(OFF_TOPIC) & set(asked), "off-topic questions must be in the mix"


@pytest.mark.slow
def test_quick_bench_reports_each_section_with_numbers_and_verdicts() -> None:
    out = io.StringIO()
    status = main(["bench", "--quick"], out=out)
    report = out.getvalue()

    assert re.search(r"^Machine: \d+ cores, .+, \w+ 3\.\d+\.\d+", report, re.MULTILINE)
    rows = table_rows(report)

    assert re.fullmatch(r"\d+\.\d\d s", row(rows, "Cold start: python -m bot ask")[0])
    assert re.fullmatch(r"\d+\.\d\d s", row(rows, 'Cold start: python -c "import nltk')[0])
    assert re.fullmatch(r"\d+\.\d\d s", row(rows, 'Cold start: python -c "import gc')[0])
    ratio, target, verdict = row(rows, "Cold start ratio (ask / bare imports)")
    assert re.fullmatch(r"\d+\.\d\d×", ratio) and target == "≤ 1.5×" and VERDICT.match(verdict)
    # The same start-up against bare imports done as the bot does them: informative only.
    quiet, target, verdict = row(rows, "Cold start ratio (ask / bare imports, collector off)")
    assert re.fullmatch(r"\d+\.\d\d×", quiet) and target == verdict == ""

    per_question, target, verdict = row(rows, "Batch: Core.ask in-process, 300 questions")
    assert re.fullmatch(r"\d+\.\d\d ms/question", per_question)
    assert target == "≤ 2 ms" and VERDICT.match(verdict)
    assert re.fullmatch(r"\d+\.\d\d ms/question net of start-up \(\d+\.\d\d s wall\)",
                        row(rows, "Batch: python -m bot ask --json, 300 questions")[0])

    assert re.fullmatch(r"\d+ / \d+ / \d+ ms", row(rows, "HTTP: 60 signed /evidence from 10 clients")[0])
    assert re.fullmatch(r"\d+ answers/s \(\d+\.\d s\)", row(rows, "HTTP: throughput")[0])
    acked, _, verdict = row(rows, "HTTP: acknowledged (200) within 3 s")
    assert re.fullmatch(r"\d+/60", acked) and VERDICT.match(verdict)
    # Not a timing: every practitioner's command gets its answer, and the server survives.
    assert row(rows, "HTTP: answers delivered at response_url") == ("60/60", "all", "PASS")
    assert row(rows, "HTTP: server still up") == ("yes (200)", "yes", "PASS")

    verdicts = [v for _, _, v in rows.values() if v]
    failed = verdicts.count("FAIL")
    assert f"Targets: {verdicts.count('PASS')} passed, {failed} failed" in report
    assert status == (1 if failed else 0)
