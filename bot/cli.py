"""Command line: ask, console, themes, theme, check, eval, slack, bench."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from bot import __version__
from bot.config import Settings
from bot.errors import EvidenceBotError
from bot.startup import collector_paused

PROG = "evidence-bot"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Answer questions about integrated children's services by quoting the "
                    "evidence review verbatim, with citations.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--knowledge", metavar="DIR",
                        help="knowledge folder (default: $EVIDENCE_BOT_KNOWLEDGE or the bundled one)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = sub.add_parser("ask", help="answer a question (or one per line from standard input)")
    ask.add_argument("question", nargs="*", help="the question; omit to read standard input")
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines for stdin)")

    sub.add_parser("console", help="interactive questions with line editing and history")
    sub.add_parser("themes", help="list the themes, one a line")
    theme = sub.add_parser("theme", help="the key quotes of one theme")
    theme.add_argument("name", nargs="+", help="theme name (matched loosely)")
    theme.add_argument("--json", action="store_true", help="print JSON")
    sub.add_parser("check", help="validate the knowledge folder and summarise it")

    ev = sub.add_parser("eval", help="measure answer quality on a question set")
    ev.add_argument("file", help="YAML question set (in_scope with gold strings, out_of_scope)")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")

    slack = sub.add_parser("slack", help="run the Slack app (Socket Mode, or --http)")
    slack.add_argument("--http", action="store_true", help="serve HTTP events instead")
    slack.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to bind")
    slack.add_argument("--port", type=int, default=3000, help="HTTP mode: port (default 3000)")

    bench = sub.add_parser("bench", help="measure cold start, batch speed and HTTP mode under load")
    bench.add_argument("--quick", action="store_true", help="a smaller, faster run")

    return parser


def _load_core(settings: Settings):  # noqa: ANN202 - imported lazily to keep --help fast
    # The core lives until the command ends: its imports, knowledge and index are made
    # with the collector off, then frozen (about a third of a cold start).
    with collector_paused(freeze=True):
        from bot.core import Core

        return Core.load(settings.knowledge_dir, policy=_policy(settings),
                         cache=settings.cache_dir)


def _policy(settings: Settings):  # noqa: ANN202
    from bot.core import Policy

    return Policy(max_question_chars=settings.max_question_chars)


def _print(text: str, out: TextIO) -> None:
    out.write(text + "\n")
    out.flush()


def _answer_text(answer, as_json: bool) -> str:  # noqa: ANN001
    from bot.render import to_text

    if as_json:
        return json.dumps(answer.to_dict(), ensure_ascii=False)
    return to_text(answer)


def _stdin_lines() -> Sequence[str]:
    # Read bytes so one invalid UTF-8 line is answered (with U+FFFD) rather than
    # aborting the whole batch.
    for raw in sys.stdin.buffer:
        yield raw.decode("utf-8", "replace").rstrip("\r\n")


def cmd_ask(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Answer one question, or each line of standard input in order."""
    core = _load_core(settings)
    if args.question:
        _print(_answer_text(core.ask(" ".join(args.question)), args.json), out)
        return 0
    for line in _stdin_lines():
        text = _answer_text(core.ask(line), args.json)
        _print(text if args.json else text + "\n" + "-" * 78, out)
    return 0


def cmd_themes(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """List the themes."""
    from bot.knowledge import load_knowledge
    from bot.render import themes_text

    _print(themes_text(load_knowledge(settings.knowledge_dir).themes), out)
    return 0


def cmd_theme(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Show one theme's key quotes."""
    core = _load_core(settings)
    _print(_answer_text(core.theme(" ".join(args.name)), args.json), out)
    return 0


def cmd_console(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Run the interactive console."""
    from bot.console import run_console

    return run_console(_load_core(settings), out=out)


def cmd_check(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Validate the knowledge folder and print a summary."""
    from bot.check import check_knowledge

    report = check_knowledge(settings.knowledge_dir)
    _print(report.text(), out)
    return 0 if report.ok else 1


def cmd_eval(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Measure answer quality on a question set."""
    from bot.evaluate import evaluate, load_question_set

    report = evaluate(_load_core(settings), load_question_set(args.file))
    _print(json.dumps(report.to_dict(), indent=2) if args.json else report.text(), out)
    return 0


def cmd_slack(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Run the Slack app in Socket Mode or HTTP mode."""
    from bot import slack_app
    from bot.logs import configure_logging

    settings.require_slack(http=args.http)
    # JSON lines on stderr, before anything (Bolt's auth.test included) can log.
    configure_logging(settings)
    core = _load_core(settings)
    if args.http:
        slack_app.run_http(core, settings, host=args.host, port=args.port)
    else:
        slack_app.run_socket_mode(core, settings)
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Run the benchmark and print its table; non-zero if a target was missed."""
    from bot.bench import run_bench

    return run_bench(args.quick, out, knowledge=settings.knowledge_dir, progress=sys.stderr)


COMMANDS = {
    "ask": cmd_ask, "themes": cmd_themes, "theme": cmd_theme, "console": cmd_console,
    "check": cmd_check, "eval": cmd_eval, "slack": cmd_slack, "bench": cmd_bench,
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the ``evidence-bot`` command; returns the exit status."""
    out = out or sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(out)
        return 2
    try:
        settings = Settings.from_env().with_knowledge(args.knowledge)
        return COMMANDS[args.command](args, settings, out)
    except EvidenceBotError as err:
        sys.stderr.write(f"{PROG}: error: {err}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say.
        sys.stderr.close()
        return 0
