"""The helpdesk page in a real headless Chromium, against the real `obligations serve` on loopback.

Needs Debian's chromium (tests/ci-setup-browser.sh installs it) and the `playwright` package, used
only as a DevTools-protocol driver with executable_path: no browser is ever downloaded.
Missing either is a failure, not a skip, unless SKIP_BROWSER_TESTS=1.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser.server import running_server

from bot.engine import Engine

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if os.environ.get("SKIP_BROWSER_TESTS") == "1":
    pytest.skip("SKIP_BROWSER_TESTS=1", allow_module_level=True)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server() as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run tests/ci-setup-browser.sh (or set SKIP_BROWSER_TESTS=1)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: pip install playwright==1.65.2 (no browser download needed)")
    # Playwright gives each launch a fresh temporary profile (its --user-data-dir) and removes it after.
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


class Visit:
    """One page in a fresh browser context, with every request and console error recorded."""

    def __init__(self, browser, base_url: str, **context_options) -> None:
        self.base_url = base_url
        self.context = browser.new_context(**context_options)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self) -> Visit:
        self.page.goto(self.base_url + "/")
        # Ready when the script has run and the table of documents has arrived.
        self.page.locator("#documents tbody tr").nth(8).wait_for()
        return self


@pytest.fixture
def visit(browser, base_url) -> Iterator[Visit]:
    v = Visit(browser, base_url, viewport={"width": 1280, "height": 900}, locale="fr-FR")
    yield v.open()
    v.context.close()


def test_typing_a_question_shows_the_verdict_and_the_quote(visit):
    from playwright.sync_api import expect

    page = visit.page
    assert page.evaluate("document.activeElement.id") == "q", "the search box has focus on load"
    page.keyboard.type("CR bio dans le DMP ?")
    expect(page.locator("#verdict")).to_have_text("Obligatoire")
    expect(page.locator("#answer-title")).to_contain_text("biologie médicale")
    quote = page.locator("#quotes figure").first
    expect(quote.locator("blockquote")).to_contain_text("examens de biologie médicale")
    link = quote.locator("figcaption a")
    assert link.get_attribute("href").startswith("https://")
    expect(page.locator("#channels li")).to_have_count(3)
    assert visit.errors == []


def test_an_ambiguous_question_offers_candidates_that_answer_when_clicked(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.keyboard.type("compte rendu ?")
    expect(page.locator("#verdict")).to_have_text("Quel document ?")
    buttons = page.locator("#candidate-buttons button")
    expect(buttons.first).to_be_visible()
    assert buttons.count() >= 2
    page.locator("#candidates").get_by_role("button", name="compte rendu opératoire").click()
    expect(page.locator("#verdict")).to_have_text("Obligatoire")
    expect(page.locator("#answer-title")).to_have_text("compte rendu opératoire")
    expect(page.locator("#candidates")).to_be_hidden()
    assert any("document=cr-operatoire" in url for url in visit.requests)
    assert page.locator("#q").input_value() == "compte rendu ?"


def test_the_page_loads_nothing_from_outside(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.keyboard.type("lettre de liaison de sortie au patient ?")
    expect(page.locator("#quotes blockquote").first).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("DMP and secure messaging duties")
    page.wait_for_load_state("networkidle")
    assert visit.requests, "the recorder saw no request at all"
    outside = [url for url in visit.requests if not url.startswith(visit.base_url + "/")]
    assert outside == []
    assert visit.errors == [], "a CSP violation or a script error shows up as a console error"


def test_changing_the_date_keeps_the_picked_document_until_the_question_changes(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.keyboard.type("compte rendu ?")
    expect(page.locator("#verdict")).to_have_text("Quel document ?")
    page.locator("#candidates").get_by_role("button", name="compte rendu d'examens de biologie médicale").click()
    expect(page.locator("#answer-title")).to_have_text("compte rendu d'examens de biologie médicale")
    page.locator("#date").fill("2023-06-01")
    expect(page.locator("#answer-dates")).to_contain_text("1 juin 2023")
    expect(page.locator("#verdict")).to_have_text("Obligatoire")
    expect(page.locator("#answer-title")).to_have_text("compte rendu d'examens de biologie médicale")
    assert any("document=cr-biologie" in url and "date=2023-06-01" in url for url in visit.requests)
    page.get_by_role("button", name="aujourd'hui").click()
    expect(page.locator("#answer-dates")).not_to_contain_text("1 juin 2023")
    expect(page.locator("#answer-title")).to_have_text("compte rendu d'examens de biologie médicale")
    # A new question text: the pick was for the old one.
    page.locator("#q").press("End")
    page.keyboard.type(" svp")
    expect(page.locator("#verdict")).to_have_text("Quel document ?")
    page.locator("#date").fill("2023-06-02")
    expect(page.locator("#answer-dates")).to_contain_text("2 juin 2023")
    expect(page.locator("#verdict")).to_have_text("Quel document ?")
    assert visit.errors == []


def test_a_rate_limited_request_says_so_and_the_message_follows_the_language(visit):
    """nginx's limit_req answers 429 with the JSON body of deploy/nginx/obligations.conf (checked in test_deploy_nginx)."""
    from playwright.sync_api import expect

    page = visit.page
    page.route(
        "**/api/ask?**",
        lambda route: route.fulfill(
            status=429, content_type="application/json", body='{"error":"rate_limited","retry_after_seconds":1}'
        ),
    )
    page.locator("#q").fill("CR bio dans le DMP ?")
    status = page.locator("#status")
    expect(status).to_have_text(
        "Trop de demandes à la fois depuis votre réseau : patientez quelques secondes, puis réessayez."
    )
    expect(page.locator("#answer")).to_be_hidden()
    page.get_by_role("button", name="English").click()
    expect(status).to_have_text("Too many requests at once from your network: wait a few seconds, then try again.")
    page.unroute("**/api/ask?**")
    page.locator("#q").press("Enter")
    expect(page.locator("#verdict")).to_have_text("Obligatoire")
    expect(status).to_have_text("")
    page.get_by_role("button", name="Français").click()
    expect(status).to_have_text("")


def test_enter_asks_at_once_and_escape_clears(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.locator("#q").fill("ordonnance de médicaments dans le DMP ?")
    page.keyboard.press("Enter")
    expect(page.locator("#answer")).to_be_visible()
    expect(page.locator("#verdict")).to_have_text("Obligatoire")
    page.keyboard.press("Escape")
    expect(page.locator("#answer")).to_be_hidden()
    assert page.locator("#q").input_value() == ""
    assert page.evaluate("document.activeElement.id") == "q"


def test_a_question_the_sources_do_not_settle_shows_its_own_label_and_colour(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.locator("#q").fill("ordo de kiné dans le DMP ?")
    verdict = page.locator("#verdict")
    expect(verdict).to_have_text("À vérifier")
    expect(verdict).to_have_class("verdict verdict-a_verifier")
    colour = verdict.evaluate("el => getComputedStyle(el).backgroundColor")
    page.locator("#q").fill("bilan de kiné dans le DMP ?")
    expect(verdict).to_have_text("Non listé par l'arrêté")
    assert verdict.evaluate("el => getComputedStyle(el).backgroundColor") != colour
    assert visit.errors == []


def test_the_date_picker_answers_as_of_that_day(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.locator("#date").fill("2023-06-01")
    page.locator("#q").fill("compte rendu opératoire dans le DMP ?")
    expect(page.locator("#verdict")).to_have_text("Pas encore en vigueur")
    expect(page.locator("#answer-headline")).to_contain_text("à partir du 31 décembre 2023")
    page.get_by_role("button", name="aujourd'hui").click()
    expect(page.locator("#verdict")).to_have_text("Obligatoire")


def test_the_table_lists_every_document_and_filters(visit, engine):
    from playwright.sync_api import expect

    page = visit.page
    rows = page.locator("#documents tbody tr")
    expect(rows).to_have_count(len(engine.catalogue(dt.date.today())))  # on the list today
    page.locator("#filter").fill("imagerie")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("imagerie")
    page.locator("#filter").fill("zzzz")
    expect(page.locator("#no-match")).to_be_visible()


def test_the_english_toggle_and_an_english_question(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.get_by_role("button", name="English").click()
    expect(page.locator("#q")).to_have_attribute("placeholder", "E.g. lab report in the DMP?")
    expect(page.locator("#documents thead")).to_contain_text("Required since")
    page.locator("#q").fill("must I send the operative report to the patient?")
    expect(page.locator("#verdict")).to_have_text("Required")
    page.get_by_role("button", name="Français").click()
    expect(page.locator("h1")).to_have_text("Obligations DMP et messagerie sécurisée")


def test_copy_puts_the_plain_text_answer_with_its_citation_on_the_clipboard(browser, base_url):
    from playwright.sync_api import expect

    v = Visit(browser, base_url, permissions=["clipboard-read", "clipboard-write"])
    try:
        page = v.open().page
        page.keyboard.type("CR bio dans le DMP ?")
        expect(page.locator("#verdict")).to_have_text("Obligatoire")
        page.get_by_role("button", name="Copier la réponse").click()
        expect(page.locator("#copy-status")).to_have_text("Copié.")
        copied = page.evaluate("navigator.clipboard.readText()")
        answer = page.evaluate("fetch('/api/ask?q=' + encodeURIComponent('CR bio dans le DMP ?')).then(r => r.json())")
        assert copied == answer["text"]
        assert "biologie médicale" in copied and "https://" in copied
    finally:
        v.context.close()


def test_a_phone_sees_the_answer_without_sideways_scrolling(browser, base_url):
    from playwright.sync_api import expect

    v = Visit(browser, base_url, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = v.open().page
        page.keyboard.type("courrier au médecin traitant par messagerie ?")
        expect(page.locator("#answer")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        box = page.locator("#verdict").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    finally:
        v.context.close()


def test_on_a_phone_every_column_label_has_the_same_weight(browser, base_url):
    """Each cell of a document card starts with its column label; a ✓ cell is bold, its label must not be."""
    v = Visit(browser, base_url, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = v.open().page
        labels = page.evaluate(
            """() => [...document.querySelectorAll('#documents tbody td[data-label]')]
                 .map(td => getComputedStyle(td, '::before'))
                 .filter(style => style.content !== 'none')
                 .map(style => style.fontWeight)"""
        )
        assert len(labels) >= 9 * 5  # nine documents or more, five labelled cells each
        assert set(labels) == {"400"}
    finally:
        v.context.close()


def test_data_is_shown_as_text_never_as_markup(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.locator("#q").fill('<img src=x onerror="window.__pwned=1"> CR bio ?')
    expect(page.locator("#answer")).to_be_visible()
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#answer img").count() == 0


def test_the_table_at_a_past_date_ticks_only_what_was_in_force(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.locator("#date").fill("2023-01-06")
    expect(page.locator("#catalogue-date")).to_contain_text("6 janvier 2023")
    operatoire = page.locator("#documents tbody tr", has_text="compte rendu opératoire")
    expect(operatoire).to_contain_text("à partir du 31 décembre 2023")
    expect(operatoire.locator("td.yes")).to_have_count(0)
    expect(operatoire.locator("td.planned")).to_have_count(3)
    biologie = page.locator("#documents tbody tr", has_text="compte rendu d'examens de biologie médicale")
    expect(biologie.locator("td.yes")).to_have_count(3)
    expect(page.locator("#documents tbody tr.not-in-force")).to_have_count(5)


def test_an_unverified_answer_is_marked_on_the_pill_and_in_the_table(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.keyboard.type("courrier au médecin traitant ?")
    expect(page.locator("#verdict")).to_have_text("Obligatoire · à vérifier")
    expect(page.locator("#answer-headline")).to_contain_text("date à vérifier")
    courriers = page.locator("#documents tbody tr", has_text="lettres et courriers")
    expect(courriers.locator(".flag-unverified")).to_have_text("date à vérifier")
    page.locator("#q").fill("compte rendu opératoire dans le DMP ?")
    expect(page.locator("#verdict")).to_have_text("Obligatoire")


def test_typing_a_date_asks_once_the_date_is_complete(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.keyboard.type("compte rendu opératoire dans le DMP ?")
    expect(page.locator("#verdict")).to_have_text("Obligatoire")
    page.locator("#date").click()
    page.keyboard.type("06062023")  # digit by digit, as a user types: the year goes 0002, 0020, 0202, 2023
    expect(page.locator("#verdict")).to_have_text("Pas encore en vigueur")
    assert page.locator("#date").input_value() == "2023-06-06"
    expect(page.locator("#answer-headline")).to_have_text(
        "Au 6 juin 2023, pas encore obligatoire : compte rendu opératoire (à partir du 31 décembre 2023)."
    )
    dated = [url for url in visit.requests if "date=" in url]
    assert dated and all("date=2023-06-06" in url for url in dated), dated
    expect(page.locator("#status")).to_have_text("")
    assert visit.errors == []


def test_the_filter_reads_names_abbreviations_and_dates_as_the_engine_does(visit):
    from playwright.sync_api import expect

    page = visit.page
    rows = page.locator("#documents tbody tr")
    page.locator("#filter").fill("ordonnance")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("prescription de produits de santé")
    page.locator("#filter").fill("CRO")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("compte rendu opératoire")
    page.locator("#filter").fill("2022")
    expect(rows).to_have_count(3)
    page.locator("#filter").press("Escape")
    expect(rows).to_have_count(len(Engine.load().catalogue(dt.date.today())))


def test_escape_clears_the_question_and_goes_back_to_today(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.locator("#date").fill("2023-06-01")
    page.locator("#q").fill("compte rendu opératoire dans le DMP ?")
    expect(page.locator("#verdict")).to_have_text("Pas encore en vigueur")
    page.keyboard.press("Escape")
    assert page.locator("#date").input_value() == ""
    page.locator("#q").fill("compte rendu opératoire dans le DMP ?")
    expect(page.locator("#verdict")).to_have_text("Obligatoire")
    expect(page.locator("#catalogue-date")).to_have_text("")


def test_not_concerned_gives_the_reason_and_only_the_verdict_line_is_announced(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.keyboard.type("je suis kiné, dois-je verser le compte rendu opératoire dans le DMP ?")
    expect(page.locator("#verdict")).to_have_text("Non concerné")
    expect(page.locator("#answer-headline")).to_contain_text("ne vise pas votre profession (masseur-kinésithérapeute)")
    live = page.locator("[aria-live]")
    ids = [live.nth(i).get_attribute("id") for i in range(live.count())]
    assert ids[0] == "verdict-line" and "answer-headline" not in ids and "quotes" not in ids
    assert page.locator("#answer").get_attribute("aria-live") is None


def test_the_english_page_is_english_throughout(visit):
    from playwright.sync_api import expect

    page = visit.page
    page.get_by_role("button", name="English").click()
    page.locator("#q").fill("must I send the operative report to the patient?")
    expect(page.locator("#verdict")).to_have_text("Required")
    expect(page.locator("#copy")).to_have_text("Copy the answer")
    expect(page.locator("#quotes-heading")).to_have_text("The text")
    body = page.locator("main").inner_text()
    for french in ("Copier", "Demander", "Filtrer", "Tous les documents", "Obligatoire depuis"):
        assert french not in body, french


def test_the_docs_screenshot_is_made_from_the_page(browser, base_url, tmp_path):
    from tests.browser.screenshot import docs_screenshot

    path = tmp_path / "helpdesk-phone.png"
    docs_screenshot(browser, base_url, path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 390, "phone width"
