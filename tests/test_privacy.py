"""Questions that look like they hold personal data are answered with a reminder."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import Core
from bot.privacy import personal_data_kinds, personal_data_notice


@pytest.mark.parametrize(("text", "kind"), [
    ("email jane.doe@example.org about it", "an email address"),
    ("her mum is on 07700 900123", "a phone number"),
    ("call +44 7700 900123", "a phone number"),
    ("lives at G12 8QQ", "a postcode"),
    ("EH1 1YZ", "a postcode"),
    ("dob 12/03/2015", "a date of birth"),
    ("born on 3 March 2015", "a date of birth"),
    ("NHS number 943 476 5919", "an NHS or CHI number"),
    ("CHI 0101151234", "an NHS or CHI number"),
])
def test_personal_data_is_spotted(text: str, kind: str) -> None:
    assert kind in personal_data_kinds(text)


@pytest.mark.parametrize("text", [
    "What did Johnson et al 2003 find?",
    "Sloper 2004 key success factors",
    "a 3-year project in 21 st Century Social Work 2005",
    "What about NHS 24?",
    "studies from 2001-2004",
])
def test_ordinary_questions_are_not_flagged(text: str) -> None:
    assert personal_data_notice(text) is None


def test_question_with_personal_data_is_answered_with_a_reminder(core: Core) -> None:
    answer = core.ask("Mum on 07700 900123, DOB 12/03/2015: is funding a barrier to joint working?")
    assert answer.answered and answer.personal_data
    (reminder,) = [n for n in answer.notices if "identifiable information" in n]
    assert "a phone number and a date of birth" in reminder


def test_plain_question_carries_no_reminder(core: Core) -> None:
    answer = core.ask("How do we fund joint working?")
    assert not answer.personal_data and answer.notices == ()


@given(st.text(max_size=2000))
def test_detector_never_fails(text: str) -> None:
    personal_data_notice(text)
