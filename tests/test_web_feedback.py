"""The page's feedback API (votes, consented reports) over ASGI, and the page flow in a real Chromium."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.engine import Engine
from bot.feedback.service import Feedback
from bot.feedback.store import ReportStore
from bot.observability import REGISTRY
from bot.web.app import create_app

PATIENT = "Mme Dupont née le 12/03/1956 NIR 2 84 12 75 123 456 12 tél 06 12 34 56 78 : CRO dans le DMP ?"


def counter(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


async def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


async def test_a_vote_is_counted_in_metrics_and_stored_as_a_count(engine: Engine, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    app = create_app(engine, feedback=Feedback(ReportStore(db)))
    before = counter("obligations_feedback_votes_total", vote="down", verdict="exclu", frontend="web", lang="en")
    vote = {
        "vote": "down",
        "verdict": "exclu",
        "documents": ["cr-biologie"],
        "version": "arrete-2024-05-23",
        "lang": "en",
    }
    async with await client_for(app) as client:
        response = await client.post("/api/feedback", json=vote)
        assert response.status_code == 204
        metrics = (await client.get("/metrics")).text
    assert 'obligations_feedback_votes_total{frontend="web",lang="en",verdict="exclu",vote="down"}' in metrics
    assert counter("obligations_feedback_votes_total", vote="down", verdict="exclu", frontend="web", lang="en") == (
        before + 1
    )
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT vote, verdict, documents, frontend, count FROM votes").fetchall() == [
            ("down", "exclu", "cr-biologie", "web", 1)
        ]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"vote": "maybe", "verdict": "exclu"}, "bad_vote"),
        ({"vote": "up", "verdict": "<script>"}, "bad_verdict"),
        ({"vote": "up", "verdict": "exclu", "documents": ["my-notes"]}, "unknown_document"),
        ({"vote": "up", "verdict": "exclu", "version": "arrete-1999"}, "bad_version"),
        ([1, 2], "bad_json"),
    ],
)
async def test_a_bad_vote_is_a_400_naming_the_field(engine: Engine, body, code: str) -> None:
    async with await client_for(create_app(engine)) as client:
        response = await client.post("/api/feedback", json=body)
    assert response.status_code == 400 and response.json()["error"] == code


async def test_a_report_is_stored_masked_with_the_answer_the_engine_gave(engine: Engine, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    app = create_app(engine, feedback=Feedback(ReportStore(db)))
    async with await client_for(app) as client:
        response = await client.post(
            "/api/report", json={"q": PATIENT, "date": "2023-06-01", "comment": "devrait être obligatoire"}
        )
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["status"] == "stored" and data["masked"] == ["nir", "birth_date", "phone"]
        assert data["message"].startswith("✅ Merci : votre signalement n° 1 est enregistré.")
        too_long = await client.post("/api/report", json={"q": "x" * 2001})
        assert too_long.status_code == 413
        empty = await client.post("/api/report", json={"q": "  "})
        assert empty.status_code == 400 and empty.json()["error"] == "missing_question"
        not_json = await client.post("/api/report", content="q=CRO", headers={"content-type": "text/plain"})
        assert not_json.status_code == 415
    [report] = ReportStore(db).reports()
    assert report.question == "[nom] [date de naissance] NIR [NIR] tél [téléphone] : CRO dans le DMP ?"
    assert (report.verdict, report.documents, report.asked_on.isoformat()) == (
        "pas_encore_en_vigueur",
        ("cr-operatoire",),
        "2023-06-01",
    )
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(db.name))
    assert b"Dupont" not in raw and b"12/03/1956" not in raw and b"06 12 34 56 78" not in raw


async def test_a_report_is_refused_politely_when_storage_is_unavailable_and_answers_go_on(
    engine: Engine, tmp_path: Path
) -> None:
    refused = counter("obligations_reports_total", outcome="unavailable", frontend="web")
    (tmp_path / "file").write_text("")
    unwritable = Feedback(ReportStore(tmp_path / "file" / "reports.sqlite3"))
    assert unwritable.start() is False
    async with await client_for(create_app(engine, feedback=unwritable)) as client:
        response = await client.post("/api/report", json={"q": "CRO dans le DMP ?"})
        assert response.status_code == 503
        assert "n'a pas pu être enregistré" in response.json()["message"]
        assert (await client.get("/api/ask", params={"q": "CRO dans le DMP ?"})).json()["verdict"] == "obligatoire"
    assert counter("obligations_reports_total", outcome="unavailable", frontend="web") == refused + 1


async def test_reports_from_one_address_are_capped_per_day(engine: Engine, tmp_path: Path) -> None:
    app = create_app(engine, feedback=Feedback(ReportStore(tmp_path / "r.sqlite3"), reports_per_day=2))
    async with await client_for(app) as client:
        codes = [
            (await client.post("/api/report", json={"q": "CRO ?"}, headers={"x-real-ip": ip})).status_code
            for ip in ("10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2")
        ]
    assert codes == [201, 201, 429, 201]


async def test_the_page_gets_the_same_sentences_as_the_bots(engine: Engine) -> None:
    from bot.feedback import texts as FT

    async with await client_for(create_app(engine)) as client:
        fr = (await client.get("/api/feedback/texts")).json()
        en = (await client.get("/api/feedback/texts", params={"lang": "en"})).json()
    assert fr["button_down"] == FT.text("button_down", "fr") and en["page_report"] == "Report"
    assert "90 jours" in fr["explain"] and "{days}" not in fr["explain"]


# ---- the page, in Chromium -----------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture(scope="module")
def page_server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    from browser.server import running_server

    db = tmp_path_factory.mktemp("page") / "reports.sqlite3"
    with running_server(env={"OBLIGATIONS_REPORTS_DB": str(db)}) as base:
        yield base, db


@pytest.fixture
def page(page_server):
    if os.environ.get("SKIP_BROWSER_TESTS") == "1":
        pytest.skip("SKIP_BROWSER_TESTS=1")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run tests/ci-setup-browser.sh (or set SKIP_BROWSER_TESTS=1)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
        tab.goto(page_server[0] + "/")
        tab.locator("#documents tbody tr").first.wait_for()  # the table is loaded
        yield tab
        assert errors == []
        browser.close()


def test_one_click_says_wrong_and_signaler_sends_the_question_masked(page, page_server) -> None:
    from playwright.sync_api import expect

    _, db = page_server
    page.keyboard.type(PATIENT)
    expect(page.locator("#verdict")).to_have_text("Obligatoire")
    feedback = page.locator("#feedback")
    expect(feedback).to_be_visible()
    expect(page.locator("#report-panel")).to_be_hidden()
    page.get_by_role("button", name="👎 Pas juste").click()
    expect(page.locator("#feedback-status")).to_have_text("Noté, merci.")
    panel = page.locator("#report-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("l'équipe la lira")
    expect(panel).to_contain_text("masqués avant tout enregistrement")
    assert not db.exists() or not sqlite3.connect(db).execute("SELECT count(*) FROM reports").fetchone()[0], (
        "nothing is sent before Signaler"
    )
    page.locator("#report-comment").fill("la bonne réponse serait : exclu")
    page.get_by_role("button", name="Signaler").click()
    expect(page.locator("#feedback-status")).to_contain_text("est enregistré. Masqué avant enregistrement")
    expect(panel).to_be_hidden()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT question, comment, verdict, frontend FROM reports").fetchall()
    assert rows == [
        (
            "[nom] [date de naissance] NIR [NIR] tél [téléphone] : CRO dans le DMP ?",
            "la bonne réponse serait : exclu",
            "obligatoire",
            "web",
        )
    ]
    # A new question: fresh buttons, no report panel.
    page.locator("#q").fill("CR bio au patient ?")
    expect(page.locator("#answer-title")).to_contain_text("biologie")
    expect(page.locator("#feedback-status")).to_have_text("")
    expect(page.get_by_role("button", name="👍 Oui")).to_be_enabled()
    page.get_by_role("button", name="👍 Oui").click()
    expect(page.locator("#feedback-status")).to_have_text("Merci !")
    expect(page.locator("#report-panel")).to_be_hidden()


def test_obligations_serve_starts_and_answers_with_an_unwritable_reports_path(tmp_path: Path) -> None:
    from browser.server import running_server

    (tmp_path / "file").write_text("")
    with running_server(env={"OBLIGATIONS_REPORTS_DB": str(tmp_path / "file" / "reports.sqlite3")}) as base:
        assert httpx.get(base + "/api/ask", params={"q": "CRO dans le DMP ?"}).json()["verdict"] == "obligatoire"
        refused = httpx.post(base + "/api/report", json={"q": "CRO dans le DMP ?"})
        assert refused.status_code == 503 and "Rien n'a été gardé" in refused.json()["message"]
        assert httpx.post(base + "/api/feedback", json={"vote": "up", "verdict": "exclu"}).status_code == 204
