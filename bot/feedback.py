"""Record 👍/👎 votes on answers as JSON Lines in a local file."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.privacy import personal_data_kinds

VOTES = ("up", "down")


def hash_user(user_id: str, salt: str) -> str:
    """A stable pseudonym for a Slack user id (keyed hash), so no raw ids are stored."""
    digest = hmac.new(salt.encode("utf-8"), user_id.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:16]


def _now() -> datetime:
    return datetime.now(timezone.utc)


class FeedbackLog:
    """Appends one JSON object a line per vote; safe to call from many threads."""

    def __init__(self, path: Path, salt: str, clock: Callable[[], datetime] = _now) -> None:
        self.path = Path(path)
        self._salt = salt
        self._clock = clock
        self._lock = threading.Lock()

    def record(self, *, vote: str, kind: str, question: str | None, passage_ids: Sequence[str],
               user_id: str | None, personal_data: bool = False) -> dict[str, Any]:
        """Append one vote and return the record written (raises OSError if it can't).

        A question that looks like it holds personal data is never written: the
        record says ``"question": null, "personal_data": true`` instead.
        """
        if vote not in VOTES:
            raise ValueError(f"vote must be one of {VOTES}, not {vote!r}")
        # Checked here too so no caller (or an old button) can put such text on disk.
        personal = personal_data or bool(question and personal_data_kinds(question))
        entry: dict[str, Any] = {
            "ts": self._clock().isoformat(timespec="seconds"),
            "vote": vote,
            "kind": kind,
            "question": None if personal else question,
            "personal_data": personal,
            "passages": list(passage_ids),
            "user": hash_user(user_id, self._salt) if user_id else None,
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write() of one line in append mode: lines never interleave.
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
        return entry
