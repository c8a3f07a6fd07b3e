"""Any text at all gives a valid answer: never an exception (property-based)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer import VERDICTS, Answer

DAY = dt.date(2026, 11, 25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=10_000))
def test_any_unicode_gives_a_valid_answer(engine, text):
    a = engine.answer(text, DAY)
    assert isinstance(a, Answer) and a.verdict in VERDICTS and a.text
    Answer.model_validate(a.model_dump())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(alphabet=st.sampled_from(list("crobiDMPatienordoscanner 0123456789/-'éèà?!&<>")), max_size=300),
    day=st.dates(dt.date(1990, 1, 1), dt.date(2090, 1, 1)),
)
def test_domain_like_noise_and_any_date(engine, text, day):
    a = engine.answer(text, day)
    assert a.verdict in VERDICTS
    if a.verdict in ("obligatoire", "pas_encore_en_vigueur", "exclu"):
        assert len(a.documents) == 1 and a.effective_date is not None and a.citations


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_followup_on_any_text(engine, text):
    first = engine.answer("CRO au patient ?", DAY)
    a = engine.answer(text, DAY, context=first)
    assert a.verdict in VERDICTS
