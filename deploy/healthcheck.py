"""Container health check for evidence-bot (standard library only: slim images have no curl).

    python healthcheck.py          check http://127.0.0.1:PORT/healthz if the container runs
                                   `evidence-bot slack --http` (PORT from its --port, default
                                   3000); in Socket Mode there is no HTTP endpoint, so pass
    python healthcheck.py URL      check URL, whatever the mode

Exit status 0 when healthy (or nothing to check), 1 otherwise, as Docker's HEALTHCHECK expects.
The mode is read from the command line of the container's first process, so the image's one
HEALTHCHECK suits both `slack` and `slack --http` without a separate setting to keep in step.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

HEALTH_PATH = "/healthz"
DEFAULT_PORT = 3000
TIMEOUT_SECONDS = 3.0
PID1_CMDLINE = Path("/proc/1/cmdline")


def http_port(cmdline: bytes) -> int | None:
    """The port of `slack --http` in a NUL-separated command line, or None if not HTTP mode."""
    # Split on whitespace too, so `sh -c "evidence-bot slack --http ..."` is understood.
    words = cmdline.replace(b"\0", b" ").decode("utf-8", "replace").split()
    if "--http" not in words:
        return None
    port = DEFAULT_PORT
    for i, word in enumerate(words):
        value = None
        if word == "--port" and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith("--port="):
            value = word.partition("=")[2]
        if value is not None and value.isdigit():
            port = int(value)
    return port


def check(url: str, timeout: float = TIMEOUT_SECONDS) -> tuple[bool, str]:
    """GET ``url``: (True, detail) on 200, (False, reason) on anything else."""
    try:
        with urlopen(url, timeout=timeout) as response:
            status = response.status
    except HTTPError as err:
        err.close()
        return False, f"{url} answered {err.code}"
    except (URLError, OSError) as err:
        return False, f"{url} unreachable: {getattr(err, 'reason', err)}"
    if status != 200:
        return False, f"{url} answered {status}"
    return True, f"{url} answered 200"


def main(argv: Sequence[str] | None = None, pid1_cmdline: Path = PID1_CMDLINE) -> int:
    """Run the check; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        url = args[0]
    else:
        try:
            port = http_port(pid1_cmdline.read_bytes())
        except OSError:
            port = None
        if port is None:
            print("Socket Mode (no --http): no HTTP endpoint to check")
            return 0
        url = f"http://127.0.0.1:{port}{HEALTH_PATH}"
    healthy, detail = check(url)
    print(detail, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
