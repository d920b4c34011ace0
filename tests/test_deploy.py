"""The deployment files, parsed for real: a broken image, compose file, proxy config, unit or
example settings file is caught here, without a Docker engine."""

from __future__ import annotations

import configparser
import http.server
import importlib.util
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from bot.cli import _parser
from bot.slack_server import EVENTS_PATH, HEALTH_PATH

if TYPE_CHECKING:
    from slack_fixtures import RunningApp

pytest_plugins = ("slack_fixtures",)

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
HEALTHCHECK = DEPLOY / "healthcheck.py"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
UNIT_FILE = DEPLOY / "evidence-bot.service"
ENV_EXAMPLE = DEPLOY / ".env.example"
NGINX_CONF = DEPLOY / "nginx.conf"

SOCKET_BOT = "bot"
HTTP_BOT = "bot-http"
BOT_PORT = 3000
# Variables in .env.example that the bot does not read: Docker Compose reads them.
COMPOSE_ONLY_VARIABLES = {"PROXY_PORT", "COMPOSE_PROFILES"}


# --- Dockerfile ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    args: str
    stage: int


def dockerfile() -> list[Instruction]:
    """The instructions of deploy/Dockerfile, each tagged with its stage (0 = first FROM)."""
    instructions: list[Instruction] = []
    stage = -1
    pending = ""
    for raw in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # comments may sit between continuation lines too
        pending = f"{pending} {line}" if pending else line
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        keyword, _, args = pending.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, args.strip(), stage))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continuation line"
    return instructions


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    """The instructions of the stage that becomes the image."""
    last = max(i.stage for i in instructions)
    return [i for i in instructions if i.stage == last]


def exec_form(args: str) -> list[str]:
    """A JSON-array (exec form) argument list; shell form is not allowed for these."""
    assert args.startswith("["), f"use the exec form (a JSON array), not {args!r}"
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value


def one(instructions: list[Instruction], keyword: str) -> Instruction:
    """The last instruction with this keyword (the one that takes effect)."""
    found = [i for i in instructions if i.keyword == keyword]
    assert found, f"no {keyword} in the final stage"
    return found[-1]


def env_of(instructions: list[Instruction]) -> dict[str, str]:
    """ENV settings (KEY=value form) of a stage."""
    env: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "ENV":
            for word in shlex.split(ins.args):
                key, sep, value = word.partition("=")
                assert sep, f"use ENV KEY=value, not {ins.args!r}"
                env[key] = value
    return env


def image_command() -> list[str]:
    """What the image runs by default: ENTRYPOINT followed by CMD."""
    stage = final_stage(dockerfile())
    return exec_form(one(stage, "ENTRYPOINT").args) + exec_form(one(stage, "CMD").args)


def test_image_is_built_on_slim_python_311() -> None:
    images = [i.args.split()[0] for i in dockerfile() if i.keyword == "FROM"]
    assert images and all(image == "python:3.11-slim" for image in images)


def test_image_runs_as_a_fixed_non_root_user() -> None:
    stage = final_stage(dockerfile())
    user = one(stage, "USER").args.split(":")[0]
    assert user.isdigit() and int(user) >= 1000, "a fixed numeric UID, not root"
    useradd = [i.args for i in stage if i.keyword == "RUN" and "useradd" in i.args]
    assert useradd and f"--uid {user}" in useradd[0]


def test_image_runs_the_documented_socket_mode_command_by_default() -> None:
    command = image_command()
    assert command[0] == "evidence-bot"
    args = _parser().parse_args(command[1:])
    assert args.command == "slack" and not args.http
    assert "evidence-bot slack" in deploy_section()


def test_image_environment_keeps_output_unbuffered_and_no_pyc_files() -> None:
    env = env_of(final_stage(dockerfile()))
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PATH"].startswith("/opt/venv/bin:")


def test_image_keeps_the_vote_log_on_a_volume() -> None:
    stage = final_stage(dockerfile())
    feedback = PurePosixPath(env_of(stage)["EVIDENCE_BOT_FEEDBACK_FILE"])
    volumes = exec_form(one(stage, "VOLUME").args)
    assert str(feedback.parent) in volumes


def test_image_exposes_the_http_port_and_stops_with_sigint() -> None:
    stage = final_stage(dockerfile())
    assert one(stage, "EXPOSE").args.split() == [str(BOT_PORT)]
    assert one(stage, "STOPSIGNAL").args == "SIGINT"


def test_image_healthcheck_runs_the_shipped_script_against_healthz() -> None:
    stage = final_stage(dockerfile())
    options, _, command = one(stage, "HEALTHCHECK").args.partition("CMD ")
    assert "--interval=" in options and "--timeout=" in options
    argv = exec_form(command.strip())
    assert argv[0] == "python"
    copies = [i.args.split() for i in stage if i.keyword == "COPY"]
    assert ["deploy/healthcheck.py", argv[1]] in copies
    module = load_healthcheck()
    assert module.HEALTH_PATH == HEALTH_PATH == "/healthz"
    assert module.DEFAULT_PORT == BOT_PORT


def test_image_installs_the_project_non_editable_with_redis_support() -> None:
    runs = " ".join(i.args for i in dockerfile() if i.keyword == "RUN")
    assert re.search(r"pip install \"\.\[redis\]\"", runs)
    assert "-e " not in runs and "--editable" not in runs
    assert "evidence-bot check" in runs, "the build proves the wheel carries the knowledge"


# --- .dockerignore ------------------------------------------------------------------------

def dockerignore_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex matching a path or anything under it."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i:end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(f"^{out}(?:/.*)?$")


def sent_to_docker(path: str) -> bool:
    """Whether .dockerignore lets ``path`` (relative to the repo) into the build context."""
    included = True
    for raw in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        if dockerignore_regex(pattern).match(path):
            included = negated  # the last matching line wins
    return included


def test_build_context_sends_everything_the_dockerfile_copies() -> None:
    for ins in dockerfile():
        if ins.keyword != "COPY" or "--from=" in ins.args:
            continue
        for source in ins.args.split()[:-1]:
            matches = sorted(ROOT.glob(source))
            if not any(ch in source for ch in "*?["):
                assert matches, f"COPY {source}: no such file in the repository"
            for match in matches:
                files = [match] if match.is_file() else sorted(match.rglob("*.*"))
                for file in files:
                    relative = file.relative_to(ROOT).as_posix()
                    if "__pycache__" not in relative:
                        assert sent_to_docker(relative), f"{relative} is in .dockerignore"


@pytest.mark.parametrize("path", [".env", "deploy/.env", "evidence-bot-feedback.jsonl",
                                  ".git/config", "venv/bin/python", "tests/test_deploy.py",
                                  "bot/__pycache__/cli.cpython-311.pyc"])
def test_build_context_leaves_out_secrets_logs_and_caches(path: str) -> None:
    assert not sent_to_docker(path)


# --- docker-compose.yml -------------------------------------------------------------------

def compose() -> dict[str, Any]:
    """The compose file, parsed (anchors and merge keys resolved by PyYAML)."""
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def services(profile: str) -> dict[str, dict[str, Any]]:
    """The services a profile starts."""
    return {name: spec for name, spec in compose()["services"].items()
            if profile in spec.get("profiles", [])}


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment: mapping, or list of KEY=value."""
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.partition("=")[::2] for item in env)
    return {key: str(value) for key, value in env.items()}


def healthcheck_test(service: dict[str, Any]) -> list[str]:
    """A service's health check command, as a list."""
    test = service["healthcheck"]["test"]
    return test if isinstance(test, list) else ["CMD-SHELL", test]


def test_every_service_belongs_to_exactly_one_profile() -> None:
    for name, spec in compose()["services"].items():
        assert spec.get("profiles") in (["socket"], ["http"]), name
    assert set(services("socket")) == {SOCKET_BOT}
    assert set(services("http")) == {HTTP_BOT, "redis", "proxy"}


def test_bots_are_built_from_the_repository_with_the_deploy_dockerfile() -> None:
    for name in (SOCKET_BOT, HTTP_BOT):
        build = compose()["services"][name]["build"]
        context = (COMPOSE_FILE.parent / build["context"]).resolve()
        assert (context / "pyproject.toml").is_file()
        assert (context / build["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()


def test_socket_mode_service_runs_one_socket_mode_bot() -> None:
    bot = compose()["services"][SOCKET_BOT]
    args = _parser().parse_args(bot["command"])
    assert args.command == "slack" and not args.http
    assert "ports" not in bot and bot.get("deploy", {}).get("replicas", 1) == 1
    assert bot["env_file"] == ".env" and ENV_EXAMPLE.is_file()


def test_http_mode_runs_several_replicas_of_the_http_bot() -> None:
    bot = services("http")[HTTP_BOT]
    assert bot["deploy"]["replicas"] >= 2
    args = _parser().parse_args(bot["command"])
    assert args.command == "slack" and args.http
    assert args.host == "0.0.0.0" and args.port == BOT_PORT
    assert "ports" not in bot, "only the proxy is published"
    assert bot["env_file"] == ".env"


def test_http_replicas_share_answered_events_through_redis() -> None:
    http = services("http")
    redis_url = environment(http[HTTP_BOT])["REDIS_URL"]
    match = re.fullmatch(r"redis://([\w-]+):(\d+)/\d+", redis_url)
    assert match and match.group(1) in http and match.group(1) == "redis"
    assert http["redis"]["image"].startswith("redis:")
    assert http[HTTP_BOT]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "redis-cli" in healthcheck_test(http["redis"])


def test_http_services_have_health_checks_and_restart_policies() -> None:
    http = services("http")
    bot_check = healthcheck_test(http[HTTP_BOT])
    assert "/app/healthcheck.py" in bot_check
    assert f"http://127.0.0.1:{BOT_PORT}{HEALTH_PATH}" in bot_check
    assert any(HEALTH_PATH in part for part in healthcheck_test(http["proxy"]))
    for name, spec in compose()["services"].items():
        assert spec["restart"] in ("unless-stopped", "always", "on-failure"), name


def test_bots_run_read_only_with_tmp_and_the_feedback_volume() -> None:
    feedback_dir = str(PurePosixPath(
        env_of(final_stage(dockerfile()))["EVIDENCE_BOT_FEEDBACK_FILE"]).parent)
    declared = compose()["volumes"]
    for name in (SOCKET_BOT, HTTP_BOT):
        bot = compose()["services"][name]
        assert bot["read_only"] is True and "/tmp" in bot["tmpfs"]
        mounts = dict(volume.split(":")[:2][::-1] for volume in bot["volumes"])
        assert mounts[feedback_dir] in declared, "a named volume holds the vote log"
        assert bot["cap_drop"] == ["ALL"]


def test_proxy_publishes_nginx_with_this_config_and_waits_for_healthy_bots() -> None:
    proxy = services("http")["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    (published,) = proxy["ports"]
    assert published.endswith(":80") and "${PROXY_PORT" in published
    assert proxy["depends_on"][HTTP_BOT]["condition"] == "service_healthy"
    assert proxy["read_only"] is True


# --- nginx.conf ---------------------------------------------------------------------------

@dataclass
class Directive:
    """An nginx directive: name, arguments, and the block it opens (if any)."""

    name: str
    args: list[str]
    block: list[Directive] = field(default_factory=list)

    def find(self, name: str) -> list[Directive]:
        """Child directives called ``name``."""
        return [d for d in self.block if d.name == name]


def nginx() -> Directive:
    """deploy/nginx.conf as a tree of directives."""
    text = re.sub(r"#[^\n]*", "", NGINX_CONF.read_text(encoding="utf-8"))
    tokens = re.findall(r'"[^"]*"|[{};]|[^\s{};"]+', text)
    root = Directive("main", [])
    stack = [root]
    words: list[str] = []
    for token in tokens:
        if token in (";", "{"):
            directive = Directive(words[0], [w.strip('"') for w in words[1:]])
            stack[-1].block.append(directive)
            if token == "{":
                stack.append(directive)
            words = []
        elif token == "}":
            assert not words, f"missing ';' after {words}"
            stack.pop()
        else:
            words.append(token)
    assert len(stack) == 1 and not words, "unbalanced braces in nginx.conf"
    return root


def test_nginx_balances_over_the_http_bot_replicas() -> None:
    (http,) = nginx().find("http")
    (upstream,) = http.find("upstream")
    servers = upstream.find("server")
    assert [s.args[0] for s in servers] == [f"{HTTP_BOT}:{BOT_PORT}"]
    assert "resolve" in servers[0].args, "re-resolve the service as replicas change"
    assert http.find("resolver")[0].args[0] == "127.0.0.11"


@pytest.mark.parametrize("path", [EVENTS_PATH, HEALTH_PATH])
def test_nginx_proxies_slack_events_and_healthz_to_the_bots(path: str) -> None:
    (http,) = nginx().find("http")
    (upstream,) = http.find("upstream")
    (server,) = http.find("server")
    locations = {tuple(loc.args): loc for loc in server.find("location")}
    location = locations[("=", path)]
    assert location.find("proxy_pass")[0].args == [f"http://{upstream.args[0]}"]


def test_nginx_listens_on_the_port_compose_publishes_and_writes_only_to_tmpfs() -> None:
    root = nginx()
    (http,) = root.find("http")
    (server,) = http.find("server")
    assert server.find("listen")[0].args == ["80"]
    proxy = services("http")["proxy"]
    assert proxy["ports"][0].rsplit(":", 1)[1] == "80"
    writable = [d.args[0] for d in root.find("pid")]
    writable += [d.args[0] for d in http.block if d.name.endswith("_temp_path")]
    assert len(writable) == 6
    for path in writable:
        assert any(path.startswith(tmpfs + "/") for tmpfs in proxy["tmpfs"]), path


def test_nginx_answers_404_outside_the_bot_paths() -> None:
    (http,) = nginx().find("http")
    (server,) = http.find("server")
    locations = {tuple(loc.args): loc for loc in server.find("location")}
    assert locations[("/",)].find("return")[0].args == ["404"]


# --- systemd unit -------------------------------------------------------------------------

def unit() -> configparser.ConfigParser:
    """The systemd unit, parsed (the last of repeated keys wins)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(UNIT_FILE.read_text(encoding="utf-8"))
    return parser


def unit_values(key: str) -> list[str]:
    """Every value of a repeatable [Service] key, such as Environment=."""
    return [line.partition("=")[2] for line in UNIT_FILE.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"{key}=")]


def test_unit_runs_socket_mode_from_the_venv_as_a_dedicated_user() -> None:
    service = unit()["Service"]
    argv = shlex.split(service["ExecStart"])
    assert argv[0] == "/opt/evidence-bot/venv/bin/evidence-bot"
    args = _parser().parse_args(argv[1:])
    assert args.command == "slack" and not args.http
    assert service["User"] == "evidence-bot" and service["User"] not in ("root", "0")
    assert service["EnvironmentFile"] == "/etc/evidence-bot/env"
    assert service["Restart"] == "on-failure"
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_unit_is_hardened() -> None:
    service = unit()["Service"]
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict",
                       "ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes",
                       "CapabilityBoundingSet": ""}.items():
        assert service[key] == value, key


def test_unit_can_write_the_vote_log_and_nothing_else() -> None:
    environment = dict(value.partition("=")[::2] for value in unit_values("Environment"))
    feedback_dir = str(PurePosixPath(environment["EVIDENCE_BOT_FEEDBACK_FILE"]).parent)
    assert unit_values("ReadWritePaths") == [feedback_dir]
    assert feedback_dir == "/var/lib/" + unit()["Service"]["StateDirectory"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not here")
def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # Verify needs an executable ExecStart: point it at the evidence-bot installed here.
    installed = Path(sys.executable).parent / "evidence-bot"
    if not installed.exists():
        pytest.skip("the evidence-bot script is not installed next to this Python")
    text = UNIT_FILE.read_text(encoding="utf-8").replace(
        "/opt/evidence-bot/venv/bin/evidence-bot", str(installed))
    copy = tmp_path / "evidence-bot.service"
    copy.write_text(text, encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(copy)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    for problem in ("Unknown key", "Unknown section", "Failed to parse", "Invalid"):
        assert problem not in result.stderr, result.stderr


# --- .env.example -------------------------------------------------------------------------

def variables_read_by_config() -> set[str]:
    """The environment variables bot/config.py reads, from its source."""
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r"\b(?:get|integer|getenv)\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", source))
    names |= set(re.findall(r"environ\[\s*[\"']([A-Z][A-Z0-9_]+)[\"']\s*\]", source))
    return names


def env_example() -> dict[str, str]:
    """Every KEY=value line of .env.example, set or commented out."""
    settings: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"#?\s?([A-Z][A-Z0-9_]+)=(.*)", line)
        if match:
            settings[match.group(1)] = match.group(2)
    return settings


def test_config_variables_are_found_in_its_source() -> None:
    # Guards the regex: if it stopped matching, the next test would prove nothing.
    assert {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "REDIS_URL",
            "EVIDENCE_BOT_RATE_LIMIT"} <= variables_read_by_config()


def test_env_example_names_every_variable_the_bot_reads() -> None:
    missing = variables_read_by_config() - set(env_example())
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_env_example_names_no_variable_nobody_reads() -> None:
    unknown = set(env_example()) - variables_read_by_config() - COMPOSE_ONLY_VARIABLES
    assert not unknown, f".env.example has {sorted(unknown)}, which nothing reads"
    compose_text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert "${PROXY_PORT" in compose_text


def test_env_example_every_variable_is_explained_by_a_comment() -> None:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.fullmatch(r"#?\s?[A-Z][A-Z0-9_]+=.*", line):
            above = lines[number - 1]
            assert above.startswith("# ") and not re.fullmatch(r"# [A-Z0-9_]+=.*", above), line


def test_env_example_uses_placeholders_not_real_looking_secrets() -> None:
    settings = env_example()
    assert settings["SLACK_BOT_TOKEN"] == "xoxb-your-bot-token"
    assert settings["SLACK_APP_TOKEN"] == "xapp-your-app-token"
    assert settings["SLACK_SIGNING_SECRET"] == "your-signing-secret"
    for name, value in settings.items():
        assert not re.search(r"xox[abpr]-\d|xapp-\d|[0-9a-f]{24}", value), name


def test_env_example_lines_suit_both_compose_and_systemd() -> None:
    # systemd keeps a trailing "# ..." and the quotes in the value; compose strips them.
    for name, value in env_example().items():
        assert " #" not in value and not value.startswith(("'", '"')), name


def test_env_example_keeps_redis_and_feedback_path_unset() -> None:
    # The compose file sets REDIS_URL for the HTTP bots; the image and the unit choose
    # the feedback path. Set here, they would override those for every deployment.
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for name in ("REDIS_URL", "EVIDENCE_BOT_FEEDBACK_FILE", "EVIDENCE_BOT_KNOWLEDGE"):
        assert re.search(rf"^# {name}=", text, re.MULTILINE), name
        assert not re.search(rf"^{name}=", text, re.MULTILINE), name


# --- README section -----------------------------------------------------------------------

def deploy_section() -> str:
    """The README's "## Deploy" section, up to the next top-level section."""
    text = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Deploy\n") + 1
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_readme_section_documents_both_modes_and_the_request_url() -> None:
    text = deploy_section()
    assert text.startswith("## Deploy\n")
    for needed in ("evidence-bot slack --http --host 0.0.0.0 --port 3000",
                   "docker compose --profile socket up", "docker compose --profile http up",
                   "https://your-host/slack/events", "EVIDENCE_BOT_LOG_QUESTIONS",
                   "/etc/evidence-bot/env", "### Privacy"):
        assert needed in text, needed


# --- healthcheck.py -----------------------------------------------------------------------

def load_healthcheck() -> ModuleType:
    """deploy/healthcheck.py as a module."""
    spec = importlib.util.spec_from_file_location("deploy_healthcheck", HEALTHCHECK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def health_server() -> Iterator[Callable[[int], int]]:
    """Start a local server whose /healthz answers a given status; returns its port."""
    servers: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def start(status: int) -> int:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                code = status if self.path == HEALTH_PATH else 404
                body = b"ok\n" if code == 200 else b"no\n"
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return server.server_address[1]

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def closed_port() -> int:
    """A local port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    """Run deploy/healthcheck.py as Docker would."""
    return subprocess.run([sys.executable, str(HEALTHCHECK), *args], capture_output=True,
                          text=True, timeout=30, check=False)


def cmdline(tmp_path: Path, *argv: str) -> Path:
    """A stand-in for /proc/1/cmdline (NUL-separated arguments)."""
    path = tmp_path / "cmdline"
    path.write_bytes(b"".join(arg.encode() + b"\0" for arg in argv))
    return path


def test_healthcheck_passes_when_healthz_answers_200(
        health_server: Callable[[int], int]) -> None:
    port = health_server(200)
    result = run_script(f"http://127.0.0.1:{port}{HEALTH_PATH}")
    assert result.returncode == 0, result.stderr
    assert "200" in result.stdout


def test_healthcheck_fails_while_the_bot_is_starting(
        health_server: Callable[[int], int]) -> None:
    port = health_server(503)
    result = run_script(f"http://127.0.0.1:{port}{HEALTH_PATH}")
    assert result.returncode == 1
    assert "503" in result.stderr


def test_healthcheck_fails_when_nothing_listens(closed_port: int) -> None:
    result = run_script(f"http://127.0.0.1:{closed_port}{HEALTH_PATH}")
    assert result.returncode == 1
    assert "unreachable" in result.stderr


def test_healthcheck_passes_in_socket_mode_with_nothing_listening(tmp_path: Path) -> None:
    module = load_healthcheck()
    pid1 = cmdline(tmp_path, "/sbin/docker-init", "--", "evidence-bot", "slack")
    assert module.main([], pid1_cmdline=pid1) == 0


def test_healthcheck_in_http_mode_checks_the_port_the_bot_was_given(
        tmp_path: Path, health_server: Callable[[int], int], closed_port: int) -> None:
    module = load_healthcheck()
    port = health_server(200)
    up = cmdline(tmp_path, "/opt/venv/bin/python", "/opt/venv/bin/evidence-bot", "slack",
                 "--http", "--host", "0.0.0.0", "--port", str(port))
    assert module.main([], pid1_cmdline=up) == 0
    down = cmdline(tmp_path, "evidence-bot", "slack", "--http", f"--port={closed_port}")
    assert module.main([], pid1_cmdline=down) == 1


@pytest.mark.parametrize(("argv", "port"), [
    (b"evidence-bot\0slack\0", None),
    (b"evidence-bot\0slack\0--http\0", 3000),
    (b"evidence-bot\0slack\0--http\0--port\08080\0", 8080),
    (b"/bin/sh\0-c\0evidence-bot slack --http --port=9000\0", 9000),
])
def test_healthcheck_reads_the_mode_and_port_from_the_command_line(
        argv: bytes, port: int | None) -> None:
    assert load_healthcheck().http_port(argv) == port


@pytest.mark.slow
def test_healthcheck_passes_against_the_real_http_mode_server(
        tmp_path: Path, slack: RunningApp) -> None:
    pid1 = cmdline(tmp_path, "evidence-bot", "slack", "--http", "--port",
                   str(slack.server.effective_port))
    assert load_healthcheck().main([], pid1_cmdline=pid1) == 0
