"""Screenshots of the helpdesk page with an answer shown, at desktop and phone widths.

    .venv/bin/python -m tests.browser.screenshot [OUT_DIR]     # by hand, after a change of layout
    scripts/refresh-docs-screenshot                              # refreshes docs/helpdesk-phone.png

`docs_screenshot` is also what the browser test runs (tests/test_web_browser.py), so the picture in docs/
is one the tests make and check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from tests.browser.server import running_server

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS_QUESTION = "compte rendu opératoire au patient ?"
PHONE = {"width": 390, "height": 844}


def docs_screenshot(browser, base_url: str, path: Path) -> None:
    """The page on a phone (390 px) with a typical answer: the picture shown in docs/helpdesk.md."""
    page = browser.new_page(viewport={"width": 390, "height": 1100}, device_scale_factor=1, locale="fr-FR")
    try:
        page.goto(base_url + "/")
        page.locator("#documents tbody tr").nth(8).wait_for()
        page.keyboard.type(DOCS_QUESTION)
        expect(page.locator("#verdict")).to_have_text("Obligatoire")
        page.wait_for_timeout(300)
        page.screenshot(path=str(path))  # the question and its answer, as the phone shows them
    finally:
        page.close()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with running_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        for name, viewport, question in (
            ("desktop", {"width": 1280, "height": 1000}, "CR bio dans le DMP ?"),
            ("phone", PHONE, DOCS_QUESTION),
            ("phone-ambiguous", PHONE, "compte rendu ?"),
        ):
            page = browser.new_page(viewport=viewport, device_scale_factor=1)
            page.goto(base + "/")
            page.keyboard.type(question)
            expect(page.locator("#answer")).to_be_visible()
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            page.screenshot(path=str(out / f"{name}-top.png"))
            page.close()
        browser.close()
    print(f"screenshots in {out}")


def refresh_docs(docs: Path) -> None:
    """Write docs/helpdesk-phone.png from the running page, as the browser test does."""
    with running_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        docs_screenshot(browser, base, docs / "helpdesk-phone.png")
        browser.close()
    print(f"wrote {docs / 'helpdesk-phone.png'}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--docs"]:
        refresh_docs(Path(sys.argv[2] if len(sys.argv) > 2 else "docs"))
    else:
        main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/helpdesk-screenshots"))
