"""Benchmark: cold start, batch answering and HTTP mode under load, side by side in one table.

Run it with ``evidence-bot bench`` (or ``python -m bot.bench``); ``--quick`` is a
smaller run for tests. Times on a shared machine are noisy, so every figure is a
median or a ratio measured in the same run, and runs that are compared are
interleaved. All network traffic stays on 127.0.0.1 (a local fake Slack), and
every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.fakeslack import FakeSlack

COLD_QUESTION = "why does funding get in the way of joint working?"
BASELINE_IMPORTS = "import nltk, rank_bm25, yaml"
QUIET_GC = "import gc; gc.disable()"
COLD_TARGET_RATIO = 1.5
BATCH_TARGET_MS = 2.0
ACK_LIMIT_S = 3.0
ANSWER_WAIT_S = 60.0
# Bolt's own default when create_app gets no executor; the bench passes an equal
# one so it can shut it down, keeping the measured app the one production runs.
BOLT_DEFAULT_WORKERS = 5
SUBPROCESS_TIMEOUT_S = 120.0
REQUEST_TIMEOUT_S = 10.0

# Practitioner-style question pieces (and some off-topic ones, which the bot must
# refuse); combined deterministically so every run asks the same questions.
TEMPLATES = (
    "why does {} get in the way of joint working?",
    "what helps with {}?",
    "how can we improve {} between agencies?",
    "is there evidence that {} matters for integrated services?",
    "what does the review say about {}?",
    "{}",
    "barriers to {}",
    "does {} make a difference for children and families?",
    "how do managers support {} in a multi-agency team?",
    "What works for {} when services are integrated?",
)
TOPICS = (
    "funding", "professional culture", "trust between professionals", "information sharing",
    "clarity of roles and responsibilities", "leadership", "co-location", "joint training",
    "communication", "shared budgets", "staff turnover", "line management",
    "health visitors and social workers", "teachers", "multi-agency meetings",
    "pooled budgets", "time to build relationships", "parental involvement",
    "evaluation of outcomes", "professional status and power",
)
OFF_TOPIC = (
    "Who won the World Cup in 2018?",
    "what's the weather in Leeds tomorrow",
    "recipe for banana bread",
    "how do I reset my password",
    "hello",
    "?!",
    "tell me a joke",
    "My client Jane Smith (born 03/04/2011) lives at 12 High Street, what should I do?",
)


@dataclass(frozen=True)
class Row:
    """One line of the report: what was measured, the result, the target and the verdict."""

    measure: str
    result: str
    target: str = ""
    verdict: str = ""


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


def machine_line() -> str:
    """Cores, CPU model and Python version: what the numbers depend on."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        model = platform.processor() or model
    return (f"Machine: {os.cpu_count()} cores, {model}, "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{platform.system()} {platform.machine()}")


def questions(count: int, seed: int = 2006) -> list[str]:
    """``count`` varied practitioner questions (about one in eight off-topic), the same every run."""
    rng = random.Random(seed)
    asked: list[str] = []
    for _ in range(count):
        if rng.random() < 0.125:
            asked.append(rng.choice(OFF_TOPIC))
        else:
            asked.append(rng.choice(TEMPLATES).format(rng.choice(TOPICS)))
    return asked


def _package_root() -> Path:
    # The folder holding the `bot` package this module came from: subprocesses run
    # there so `python -m bot` is this very package, checkout or installed.
    return Path(__file__).resolve().parent.parent


def _knowledge_args(knowledge: Path | None) -> list[str]:
    return ["--knowledge", str(knowledge)] if knowledge else []


def _timed_run(argv: Sequence[str], stdin: bytes | None = None) -> tuple[float, bytes]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *argv], input=stdin, capture_output=True,
                          cwd=_package_root(), timeout=SUBPROCESS_TIMEOUT_S, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} exited {done.returncode}: "
                           f"{done.stderr.decode('utf-8', 'replace')[-500:]}")
    return elapsed, done.stdout


def _progress(progress: TextIO | None, text: str) -> None:
    if progress is not None:
        progress.write(f"bench: {text}\n")
        progress.flush()


# -- a. cold start ---------------------------------------------------------------


def bench_cold_start(runs: int, knowledge: Path | None, progress: TextIO | None
                     ) -> tuple[list[Row], float]:
    """Median wall time of a fresh ``python -m bot ask`` against bare imports of its libraries.

    The bot imports its libraries with the cyclic garbage collector off (see
    ``bot.startup``), so the ratio is also given against bare imports done the
    same way: that one is the bot's own start-up, with nothing of the collector in it.
    """
    ask = ["-m", "bot", *_knowledge_args(knowledge), "ask", COLD_QUESTION]
    bare = ["-c", BASELINE_IMPORTS]
    quiet = ["-c", f"{QUIET_GC}; {BASELINE_IMPORTS}"]
    # One untimed run of each first, so the page cache is warm for all alike.
    for args in (ask, bare, quiet):
        _timed_run(args)
    ask_times: list[float] = []
    bare_times: list[float] = []
    quiet_times: list[float] = []
    for i in range(runs):
        _progress(progress, f"cold start {i + 1}/{runs}")
        # A B C A B C ...: drift in machine load hits every side equally.
        elapsed, output = _timed_run(ask)
        if not output.strip():
            raise RuntimeError("`python -m bot ask` printed nothing")
        ask_times.append(elapsed)
        bare_times.append(_timed_run(bare)[0])
        quiet_times.append(_timed_run(quiet)[0])
    ask_median = statistics.median(ask_times)
    bare_median = statistics.median(bare_times)
    quiet_median = statistics.median(quiet_times)
    ratio = ask_median / bare_median
    rows = [
        Row(f"Cold start: python -m bot ask \"…\" (median of {runs})", f"{ask_median:.2f} s"),
        Row(f"Cold start: python -c \"{BASELINE_IMPORTS}\"", f"{bare_median:.2f} s"),
        Row(f"Cold start: python -c \"{QUIET_GC}; {BASELINE_IMPORTS}\"", f"{quiet_median:.2f} s"),
        Row("Cold start ratio (ask / bare imports)", f"{ratio:.2f}×",
            f"≤ {COLD_TARGET_RATIO}×", verdict(ratio <= COLD_TARGET_RATIO)),
        Row("Cold start ratio (ask / bare imports, collector off)",
            f"{ask_median / quiet_median:.2f}×"),
    ]
    return rows, ask_median


# -- b. batch ----------------------------------------------------------------------


def bench_batch(count: int, knowledge: Path | None, cold_ask_s: float,
                progress: TextIO | None) -> list[Row]:
    """Per-question time of ``Core.ask`` in-process (median of 3) and through ``ask --json``."""
    from bot.core import Core

    asked = questions(count)
    core = Core.load(knowledge)
    totals: list[float] = []
    answered = 0
    for i in range(3):
        _progress(progress, f"batch in-process {i + 1}/3")
        start = time.perf_counter()
        answered = sum(core.ask(q).answered for q in asked)
        totals.append(time.perf_counter() - start)
    per_ms = statistics.median(totals) / count * 1000

    stdin = "".join(q + "\n" for q in asked).encode("utf-8")
    walls: list[float] = []
    for i in range(3):
        _progress(progress, f"batch through the CLI {i + 1}/3")
        wall, output = _timed_run(["-m", "bot", *_knowledge_args(knowledge), "ask", "--json"],
                                  stdin)
        lines = output.decode("utf-8").splitlines()
        if len(lines) != count:
            raise RuntimeError(f"`ask --json` printed {len(lines)} lines for {count} questions")
        walls.append(wall)
    wall = statistics.median(walls)
    # The CLI pays one start-up (the cold start measured in part a), then answers in a loop.
    net_ms = max(wall - cold_ask_s, 0.0) / count * 1000
    return [
        Row(f"Batch: Core.ask in-process, {count:,} questions ({answered:,} answered), "
            "median of 3", f"{per_ms:.2f} ms/question", f"≤ {BATCH_TARGET_MS:g} ms",
            verdict(per_ms <= BATCH_TARGET_MS)),
        Row(f"Batch: python -m bot ask --json, {count:,} questions on stdin, median of 3",
            f"{net_ms:.2f} ms/question net of start-up ({wall:.2f} s wall)"),
    ]


# -- c. HTTP mode under load ----------------------------------------------------------


def _post_command(url: str, secret: str, question: str, response_url: str, user: str
                  ) -> tuple[int, float]:
    """POST one signed ``/evidence`` command as Slack does; return (status, seconds to ack)."""
    from slack_sdk.signature import SignatureVerifier

    body = urllib.parse.urlencode({
        "token": "legacy", "team_id": "T0BENCH", "channel_id": "C0BENCH",
        "channel_name": "general", "user_id": user, "user_name": "practitioner",
        "command": "/evidence", "text": question, "api_app_id": "A0BENCH",
        "response_url": response_url, "trigger_id": "1.2.3",
    })
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    })
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        with err:
            status = err.code
    except OSError:
        status = 0  # refused, reset or timed out: counted as not acknowledged
    return status, time.perf_counter() - start


def _percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def bench_http(count: int, clients: int, knowledge: Path | None,
               progress: TextIO | None) -> list[Row]:
    """Signed slash commands from concurrent clients to the real app in HTTP mode."""
    from bot.config import Settings
    from bot.core import Core
    from bot.fakeslack import FakeSlack, get
    from bot.slack_app import create_app
    from bot.slack_server import EVENTS_PATH, HEALTH_PATH

    secret = "bench-signing-secret-0123456789abcdef"
    asked = questions(count, seed=2007)
    core = Core.load(knowledge)
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="evidence-bot-bench-"))
        # Under deliberate load waitress warns of each queued request; that is the point here.
        stack.enter_context(_quiet("waitress.queue"))
        fake = FakeSlack()
        stack.callback(fake.close)
        executor = ThreadPoolExecutor(max_workers=BOLT_DEFAULT_WORKERS,
                                      thread_name_prefix="bench-listener")
        stack.callback(executor.shutdown, wait=True)
        settings = Settings(
            knowledge_dir=knowledge, slack_bot_token="xoxb-0000-bench-token",
            slack_signing_secret=secret, slack_api_url=fake.api_url,
            feedback_path=Path(tmp) / "feedback.jsonl",
            # 0 = no per-user limit: this measures throughput, not the limiter.
            rate_limit_per_minute=0,
        )
        app = create_app(core, settings, executor=executor)
        base, thread = stack.enter_context(_serving(app))
        _progress(progress, f"HTTP: {count} slash commands from {clients} clients")
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="bench-client") as pool:
            futures = [pool.submit(_post_command, base + EVENTS_PATH, secret, q,
                                   fake.response_url(f"b{i}"), f"U{i % clients:04d}")
                       for i, q in enumerate(asked)]
            results = [f.result(timeout=REQUEST_TIMEOUT_S * count) for f in futures]
        _progress(progress, "HTTP: waiting for the answers")
        delivered = _wait_for_answers(fake, count, ANSWER_WAIT_S)
        elapsed = time.perf_counter() - started
        health = get(base + HEALTH_PATH)[0]
        alive = thread.is_alive() and health == 200
    acks = [seconds for status, seconds in results if status == 200]
    in_time = sum(1 for s in acks if s < ACK_LIMIT_S)
    ms = [seconds * 1000 for _, seconds in results]
    return [
        Row(f"HTTP: {count} signed /evidence from {clients} clients, ack p50 / p99 / max",
            f"{_percentile(ms, 50):.0f} / {_percentile(ms, 99):.0f} / {max(ms):.0f} ms"),
        Row("HTTP: throughput, first request to last answer",
            f"{delivered / elapsed:.0f} answers/s ({elapsed:.1f} s)"),
        Row(f"HTTP: acknowledged (200) within {ACK_LIMIT_S:g} s", f"{in_time}/{count}",
            "all", verdict(in_time == count)),
        Row(f"HTTP: answers delivered at response_url (wait ≤ {ANSWER_WAIT_S:g} s)",
            f"{delivered}/{count}", "all", verdict(delivered == count)),
        Row("HTTP: server still up at the end (GET /healthz)",
            f"{'yes' if alive else 'no'} ({health})", "yes", verdict(alive)),
    ]


@contextlib.contextmanager
def _serving(app: App) -> Iterator[tuple[str, threading.Thread]]:
    """Serve the app as `evidence-bot slack --http` does, on 127.0.0.1; close it after."""
    from bot.slack_server import make_http_server

    # The default thread count, as in production.
    server = make_http_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, name="bench-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", thread
    finally:
        server.close()
        thread.join(10)


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence one logger's warnings for a while, then restore its level."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _wait_for_answers(fake: FakeSlack, count: int, timeout: float) -> int:
    """How many distinct response_urls got a post, waiting (bounded) for ``count``."""
    deadline = time.monotonic() + timeout
    while True:
        paths = {call.path for call in fake.calls_to("response_url")}
        if len(paths) >= count or time.monotonic() >= deadline:
            return len(paths)
        time.sleep(0.05)


# -- the report --------------------------------------------------------------------------


def format_table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table, padded so it also reads well in a terminal."""
    header = Row("Measure", "Result", "Target", "Verdict")
    cells = [(r.measure, r.result, r.target, r.verdict) for r in (header, *rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(c) for c in cells[1:])])


def run_bench(quick: bool, out: TextIO, *, knowledge: Path | None = None,
              progress: TextIO | None = None) -> int:
    """Run the three benchmarks and print one table; 0 if every target is met, else 1."""
    cold_runs, batch_count, http_count, http_clients = (3, 300, 60, 10) if quick else (7, 2000, 300, 25)
    # Subprocesses run in the package's folder, so a relative --knowledge must be made absolute.
    knowledge = Path(knowledge).resolve() if knowledge else None
    cold_rows, cold_ask_s = bench_cold_start(cold_runs, knowledge, progress)
    rows = [*cold_rows, *bench_batch(batch_count, knowledge, cold_ask_s, progress),
            *bench_http(http_count, http_clients, knowledge, progress)]
    out.write(f"evidence-bot benchmark ({'quick' if quick else 'full'})\n")
    out.write(machine_line() + "\n\n")
    out.write(format_table(rows) + "\n")
    passed = sum(r.verdict == "PASS" for r in rows)
    failed = sum(r.verdict == "FAIL" for r in rows)
    out.write(f"\nTargets: {passed} passed, {failed} failed\n")
    out.flush()
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot.bench [--quick]``."""
    from bot.config import Settings

    parser = argparse.ArgumentParser(
        prog="python -m bot.bench",
        description="Measure cold start, batch answering and HTTP mode under load.")
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    args = parser.parse_args(argv)
    # The same knowledge the `python -m bot ask` subprocesses will read from the environment.
    knowledge = Settings.from_env().knowledge_dir
    return run_bench(args.quick, sys.stdout, knowledge=knowledge, progress=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
