"""Telegram HTML rendering: verdict first, every dynamic string escaped, messages cut between whole blocks."""

from __future__ import annotations

import datetime as dt
import html.parser

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import Answer, Candidate, ChannelDuty, ExclusionNote, Quote
from bot.render.html import MAX_CHARS, render_html
from tests.fake_bot_api import shared_engine

DAY = dt.date(2025, 6, 2)


class _Checker(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in {"b", "i", "a", "code", "blockquote"}, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(chunk: str) -> str:
    checker = _Checker()
    checker.feed(chunk)
    checker.close()
    assert checker.stack == []
    return "".join(checker.text)


def _answer(**kw: object) -> Answer:
    base: dict[str, object] = dict(
        question="",
        verdict="obligatoire",
        documents=["cr-operatoire"],
        date=DAY,
        effective_date=dt.date(2023, 12, 31),
        title="compte rendu opératoire",
    )
    base.update(kw)
    return Answer(**base)  # type: ignore[arg-type]


def test_the_verdict_comes_first_in_bold_and_quotes_are_blockquotes_with_links() -> None:
    a = shared_engine().answer("CRO dans le DMP ?", DAY)
    [chunk] = render_html(a)
    first = chunk.split("\n")[0]
    assert first.startswith("✅ <b>Obligatoire depuis le 31 décembre 2023") and first.endswith("</b>")
    assert "<blockquote>" in chunk and '<a href="https://' in chunk
    assert "31 décembre 2023" in parse(chunk)


def test_english_answers_use_english_labels() -> None:
    a = shared_engine().answer("Must the operative report go to the DMP?", DAY)
    text = parse("\n".join(render_html(a)))
    assert text.startswith("✅ Required since") and "What to do" in text and "À faire" not in text


def test_dynamic_text_is_escaped_everywhere() -> None:
    evil = "<b>x</b> & <a href='javascript:1'>"
    a = _answer(
        title=evil,
        channels=[ChannelDuty(id="dmp", label=evil, action=evil, condition=evil, recipients=[evil], note=evil)],
        exclusions=[ExclusionNote(id="e", label=evil, quote=evil, source="s", applies=True)],
        citations=[Quote(source="s", title=evil, kind="officiel", url='https://x.example/?a=1&b="2"', text=evil)],
        caveats=[evil],
    )
    chunks = render_html(a)
    for chunk in chunks:
        parse(chunk)
        assert "javascript" not in chunk.replace("&lt;a href='javascript:1'&gt;", "")
    assert evil in "".join(parse(c) for c in chunks)
    assert 'href="https://x.example/?a=1&amp;b=&quot;2&quot;"' in "".join(chunks)


def test_ambiguous_answers_list_the_candidates() -> None:
    a = _answer(
        verdict="ambigu",
        documents=[],
        title=None,
        effective_date=None,
        candidates=[Candidate(id="cr-biologie", title="CR bio"), Candidate(id="cr-imagerie", title="CR imagerie")],
    )
    text = parse(render_html(a)[0])
    assert "CR bio" in text and "CR imagerie" in text


def test_a_long_answer_is_split_at_block_boundaries_into_valid_messages() -> None:
    long_quote = " ".join(f"mot{i} <&>" for i in range(3000))
    a = _answer(
        citations=[
            Quote(
                source="s",
                title=f"T{i}",
                kind="officiel",
                url="https://x.example",
                text=long_quote if i == 0 else f"q{i}",
            )
            for i in range(40)
        ]
    )
    chunks = render_html(a)
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk) <= MAX_CHARS < 4096
        parse(chunk)
    assert chunks[0].startswith("✅ <b>Au 2 juin 2025, obligatoire")
    assert "".join(parse(c) for c in chunks).count("mot2999 <&>") == 1


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=5000), st.text(max_size=200))
def test_any_text_renders_to_valid_html_under_the_limit(quote: str, label: str) -> None:
    a = _answer(
        channels=[ChannelDuty(id="dmp", label=label or "x", action=label)],
        citations=[Quote(source="s", title=label, kind="presse", url="https://x.example", text=quote)],
        caveats=[label],
    )
    for chunk in render_html(a):
        assert len(chunk) <= MAX_CHARS
        parse(chunk)


def test_every_verdict_of_the_engine_renders() -> None:
    engine = shared_engine()
    questions = [
        "CR bio dans le DMP ?",
        "compte rendu ?",
        "quel temps fait-il ?",
        "ordonnance soumise à entente préalable ?",
        "CRO en 2022 ?",
        "certificat d'arrêt de travail pour un kiné ?",
        "feuille de soins infirmiers dans le DMP ?",
    ]
    seen = set()
    for q in questions:
        a = engine.answer(q, DAY)
        seen.add(a.verdict)
        for chunk in render_html(a):
            parse(chunk)
    assert {"obligatoire", "ambigu", "hors_sujet", "exclu", "pas_encore_en_vigueur"} <= seen
