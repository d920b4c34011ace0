"""``evidence-bot slack --http`` end to end: a real process serving until Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakeslack import FakeSlack, get

pytest_plugins = ("slack_fixtures",)

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_slack_http_command_serves_health_until_interrupted(fake_slack: FakeSlack,
                                                            tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "EVIDENCE_BOT_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-1-cli-test", SLACK_SIGNING_SECRET="cli-secret",
               SLACK_API_URL=fake_slack.api_url,
               EVIDENCE_BOT_FEEDBACK_FILE=str(tmp_path / "votes.jsonl"))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "slack", "--http", "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status = get(f"http://127.0.0.1:{port}/healthz")[0]
                break
            except OSError:
                assert process.poll() is None, process.communicate()[1].decode()
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
        assert status == 200
        assert fake_slack.calls_to("auth.test")  # the token was checked against SLACK_API_URL
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err.decode()
    assert b"xoxb-1-cli-test" not in out + err
    logged = [json.loads(line) for line in err.decode().splitlines()]  # JSON lines only
    assert any(line.get("event") == "serving" and line["port"] == port for line in logged)
    # A clean start says nothing alarming: no warnings, only the informational lines.
    assert all(line["level"] == "INFO" for line in logged), logged
