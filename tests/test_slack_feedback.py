"""Votes are appended to the feedback file as JSON Lines, safely from many threads."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.feedback import FeedbackLog, hash_user


def test_vote_is_one_json_line_with_question_passages_and_hashed_user(tmp_path: Path) -> None:
    path = tmp_path / "new-folder" / "feedback.jsonl"
    log = FeedbackLog(path, salt="pepper",
                      clock=lambda: datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    log.record(vote="down", kind="ask", question="funding?", passage_ids=["a#p1.s2"],
               user_id="U777")
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "ts": "2025-01-02T03:04:05+00:00", "vote": "down", "kind": "ask",
        "question": "funding?", "personal_data": False, "passages": ["a#p1.s2"],
        "user": hash_user("U777", "pepper")}


def test_vote_on_a_question_with_personal_data_never_writes_the_text(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl", salt="s")
    log.record(vote="up", kind="ask", question=None, passage_ids=["a#p1.s1"], user_id="U1",
               personal_data=True)
    # Even a caller that passes such text along (an old button, say) cannot store it.
    log.record(vote="up", kind="ask", question="funding for Jo, call 07700 900123",
               passage_ids=["a#p1.s1"], user_id="U1")
    text = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8")
    assert "07700" not in text and "Jo" not in text
    for line in text.splitlines():
        record = json.loads(line)
        assert record["question"] is None
        assert record["personal_data"] is True
        assert record["passages"] == ["a#p1.s1"]


def test_user_hash_is_stable_salted_and_not_the_id() -> None:
    assert hash_user("U777", "a") == hash_user("U777", "a")
    assert hash_user("U777", "a") != hash_user("U777", "b")
    assert "U777" not in hash_user("U777", "a")


def test_concurrent_votes_never_interleave(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl", salt="s")
    question = "how do we share information? " * 40  # long lines are likelier to tear

    def vote(n: int) -> None:
        for i in range(25):
            log.record(vote="up", kind="ask", question=question, passage_ids=[f"p{n}.{i}"],
                       user_id=f"U{n}")

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 16 * 25
    assert {json.loads(line)["passages"][0] for line in lines} == {
        f"p{n}.{i}" for n in range(16) for i in range(25)}


def test_unknown_vote_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="vote"):
        FeedbackLog(tmp_path / "f.jsonl", salt="s").record(
            vote="meh", kind="ask", question="q", passage_ids=[], user_id="U1")
