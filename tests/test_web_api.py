"""The JSON API of the helpdesk, against the real engine and app (no server: httpx over ASGI)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Engine
from bot.loading import DEFAULT_RULES_DIR, read_yaml
from bot.web.app import create_app

DAY = "2025-06-01"
CATALOGUE_IDS = list(read_yaml(DEFAULT_RULES_DIR / "catalogue.yaml")["documents"])


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture(scope="module")
def app(engine):
    return create_app(engine)


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
        yield c


async def test_ask_returns_the_engines_json(client, engine):
    response = await client.get("/api/ask", params={"q": "CR bio dans le DMP ?", "date": DAY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    from bot.web.params import today

    expected = engine.answer("CR bio dans le DMP ?", today=dt.date(2025, 6, 1), asked_on=today()).to_json()
    assert response.json() == json.loads(json.dumps(expected))
    body = response.json()
    assert body["verdict"] == "obligatoire"
    assert body["documents"][0] == "cr-biologie"
    assert body["citations"] and body["citations"][0]["url"].startswith("https://")
    # the page shows line 1 as it is: the date picked is not today, so it says so
    assert body["headline"].startswith("Au 1er juin 2025, obligatoire")
    assert response.headers["cache-control"] == "no-store"


async def test_the_date_parameter_is_the_day_the_answer_holds_for(client):
    before = (
        await client.get("/api/ask", params={"q": "compte rendu opératoire dans le DMP ?", "date": "2023-06-01"})
    ).json()
    after = (
        await client.get("/api/ask", params={"q": "compte rendu opératoire dans le DMP ?", "date": "2024-06-01"})
    ).json()
    assert (before["verdict"], before["date"]) == ("pas_encore_en_vigueur", "2023-06-01")
    assert (after["verdict"], after["date"]) == ("obligatoire", "2024-06-01")


async def test_without_a_date_the_answer_holds_for_today_in_france(client):
    body = (await client.get("/api/ask", params={"q": "CR bio ?"})).json()
    today = dt.date.fromisoformat(body["date"])
    assert abs((today - dt.date.today()).days) <= 1


async def test_an_ambiguous_question_lists_candidates_and_a_candidate_can_be_forced(client):
    ambiguous = (await client.get("/api/ask", params={"q": "compte rendu ?", "date": DAY})).json()
    assert ambiguous["verdict"] == "ambigu"
    ids = [c["id"] for c in ambiguous["candidates"]]
    assert "cr-operatoire" in ids and len(ids) >= 2
    forced = (
        await client.get("/api/ask", params={"q": "compte rendu ?", "date": DAY, "document": "cr-operatoire"})
    ).json()
    assert forced["verdict"] == "obligatoire"
    assert forced["documents"][0] == "cr-operatoire"


async def test_an_english_question_gets_an_english_answer(client):
    body = (
        await client.get("/api/ask", params={"q": "must I send the lab report to the patient?", "date": DAY})
    ).json()
    assert body["lang"] == "en"
    assert body["verdict"] == "obligatoire"


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/ask", {}, 400, "missing_question"),
        ("/api/ask", {"q": ""}, 400, "missing_question"),
        ("/api/ask", {"q": "   \n\t "}, 400, "missing_question"),
        ("/api/ask", {"q": "x" * 2001}, 413, "question_too_long"),
        ("/api/ask", {"q": "CR bio ?", "date": "01/06/2025"}, 400, "bad_date"),
        ("/api/ask", {"q": "CR bio ?", "date": "2025-02-30"}, 400, "bad_date"),
        ("/api/ask", {"q": "CR bio ?", "date": "20250601"}, 400, "bad_date"),
        ("/api/ask", {"q": "CR bio ?", "date": "0001-01-01"}, 400, "bad_date"),
        ("/api/ask", {"q": "CR bio ?", "date": "9999-12-31"}, 400, "bad_date"),
        ("/api/ask", {"q": "CR bio ?", "document": "cr-dentaire"}, 400, "unknown_document"),
        ("/api/ask", {"q": "CR bio ?", "document": "<script>"}, 400, "unknown_document"),
        ("/api/documents", {"date": "hier"}, 400, "bad_date"),
        ("/api/documents", {"lang": "de"}, 400, "bad_lang"),
    ],
)
async def test_bad_parameters_get_a_clear_json_4xx(client, path, params, status, code):
    response = await client.get(path, params=params)
    assert response.status_code == status
    body = response.json()
    assert body["error"] == code
    assert body["message"]
    if "q" in params and params["q"].strip():
        assert params["q"][:50] not in body["message"], "the question must never be echoed back"


async def test_a_question_of_exactly_the_limit_is_answered(client):
    response = await client.get("/api/ask", params={"q": ("CR bio dans le DMP ? " * 200)[:2000], "date": DAY})
    assert response.status_code == 200


async def test_unknown_routes_and_wrong_methods_are_json(client):
    missing = await client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    wrong = await client.post("/api/ask", params={"q": "CR bio ?"})
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method_not_allowed"
    assert "GET" in wrong.headers["allow"]
    assert (await client.delete("/api/documents")).status_code == 405


async def test_documents_lists_the_documents_of_the_day_with_dates_and_channels(client):
    response = await client.get("/api/documents", params={"date": DAY})
    assert response.status_code == 200
    documents = response.json()
    # the certificates left the list on 27 May 2024
    assert [d["id"] for d in documents] == [i for i in CATALOGUE_IDS if i != "certificats-declarations"]
    before = (await client.get("/api/documents", params={"date": "2024-05-26"})).json()
    assert "certificats-declarations" in [d["id"] for d in before]
    cro = next(d for d in documents if d["id"] == "cr-operatoire")
    assert cro["effective_date"] == "2023-12-31"
    assert set(cro["channels"]) == {"dmp", "mss_professionnels", "mss_patient"}
    english = (await client.get("/api/documents", params={"date": DAY, "lang": "en"})).json()
    assert english[0]["title"] != documents[0]["title"]


async def test_documents_follow_the_date(client):
    early = {d["id"]: d for d in (await client.get("/api/documents", params={"date": "2023-01-01"})).json()}
    late = {d["id"]: d for d in (await client.get("/api/documents", params={"date": "2024-06-01"})).json()}
    assert early["cr-operatoire"]["in_force"] is False
    assert late["cr-operatoire"]["in_force"] is True


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def _questions_counter(text: str, verdict: str) -> float:
    pattern = re.compile(r"^obligations_questions_total\{(?P<labels>[^}]*)\} (?P<value>\S+)$", re.MULTILINE)
    for match in pattern.finditer(text):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match["labels"]))
        if labels == {"frontend": "web", "verdict": verdict}:
            return float(match["value"])
    return 0.0


async def test_metrics_count_web_answers_by_verdict(client):
    before = _questions_counter((await client.get("/metrics")).text, "hors_sujet")
    await client.get("/api/ask", params={"q": "quel temps fera-t-il demain à Brest ?", "date": DAY})
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert _questions_counter(response.text, "hors_sujet") == before + 1
    assert "obligations_answer_seconds_bucket" in response.text


@pytest.mark.parametrize("path", ["/", "/api/ask?q=CR+bio", "/api/ask", "/healthz", "/static/app.js", "/nope"])
async def test_every_response_carries_the_security_headers(client, path):
    response = await client.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_a_pasted_patient_identifier_is_flagged_by_kind_only(client):
    nir = "1 56 03 75 123 456 78"
    response = await client.get("/api/ask", params={"q": f"CR bio du patient {nir} dans le DMP ?", "date": DAY})
    assert response.status_code == 200
    assert response.headers["x-obligations-identifiers"] == "nir"
    assert nir not in "".join(response.headers.values())
    plain = await client.get("/api/ask", params={"q": "CR bio dans le DMP ?", "date": DAY})
    assert "x-obligations-identifiers" not in plain.headers


async def test_the_question_text_never_reaches_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Zorglubovitch"
    for path in ("/api/ask", f"/{secret}"):
        await client.get(path, params={"q": f"CR bio de Mme {secret} ?", "date": DAY})
    await client.get("/api/ask", params={"q": f"{secret} ?", "date": "bad"})
    records = [r for r in caplog.records if r.name.startswith("bot.web")]
    assert any(getattr(r, "obligations_fields", {}).get("path") == "/api/ask" for r in records)
    for record in caplog.records:
        if record.name.startswith("httpx"):  # the test's own HTTP client, silenced in the server
            continue
        assert secret not in record.getMessage()
        assert secret not in json.dumps(getattr(record, "obligations_fields", {}), ensure_ascii=False)


async def test_the_page_is_served_with_its_assets(client):
    page = await client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert 'id="q"' in html and "autofocus" in html
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert asset.startswith("/static/"), f"the page must load nothing from outside: {asset}"
        assert (await client.get(asset)).status_code == 200
    assert "<script>" not in html and "style=" not in html, "inline code would be blocked by the CSP"


def test_the_page_script_never_writes_html():
    from bot.web.app import STATIC_DIR

    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, f"{sink} would let data become markup"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.one_of(st.none(), st.text(max_size=2100), st.sampled_from(["CR bio ?", "compte rendu ?", "\x00", "é" * 2001])),
    date=st.one_of(st.none(), st.text(max_size=12), st.dates().map(dt.date.isoformat)),
    document=st.one_of(st.none(), st.text(max_size=30), st.sampled_from(CATALOGUE_IDS)),
)
async def test_no_input_makes_the_server_fail(app, q, date, document):
    params = {k: v for k, v in {"q": q, "date": date, "document": document}.items() if v is not None}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
        response = await c.get("/api/ask", params=params)
    assert response.status_code in (200, 400, 413), response.text
    body = response.json()
    assert ("verdict" in body) == (response.status_code == 200)


async def test_documents_are_filtered_as_the_engine_reads_names_abbreviations_and_dates(client):
    async def ids(q: str) -> list[str]:
        response = await client.get("/api/documents", params={"q": q, "date": DAY})
        assert response.status_code == 200
        return [d["id"] for d in response.json()]

    assert await ids("CRO") == ["cr-operatoire"]
    assert await ids("ordonnance") == ["prescription-produits-sante"]
    assert await ids("opér") == ["cr-operatoire"], "a word being typed still matches"
    in_2023 = await ids("2023")
    assert "cr-operatoire" in in_2023 and "cr-biologie" not in in_2023
    assert await ids("imagerie 2022") == ["cr-imagerie"]
    assert await ids("xyzzy") == []
    assert len(await ids("")) >= 9
    too_long = await client.get("/api/documents", params={"q": "x" * 201})
    assert too_long.status_code == 413
