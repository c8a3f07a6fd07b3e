"""Screenshots of the helpdesk page with an answer shown, at desktop and phone widths (run by hand).

    .venv/bin/python -m tests.browser.screenshot [OUT_DIR]

Writes desktop.png, phone.png and phone-ambiguous.png (full page, and -top.png: the first screen), to look at after a change of layout.
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


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with running_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        for name, viewport, question in (
            ("desktop", {"width": 1280, "height": 1000}, "CR bio dans le DMP ?"),
            ("phone", {"width": 390, "height": 844}, "compte rendu opératoire au patient ?"),
            ("phone-ambiguous", {"width": 390, "height": 844}, "compte rendu ?"),
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


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/helpdesk-screenshots"))
