"""The front ends do not import each other: bot.telegram never imports bot.web (the web app may mount the bot)."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def _package_imports(package: str) -> dict[str, set[str]]:
    return {str(p.relative_to(BOT)): _imports(p) for p in (BOT / package).rglob("*.py")}


def test_telegram_never_imports_web():
    offenders = {
        f: sorted(n for n in names if n.startswith("bot.web")) for f, names in _package_imports("telegram").items()
    }
    assert {f: n for f, n in offenders.items() if n} == {}


def test_decide_returns_codes_and_imports_nothing_from_rendering():
    names = _imports(BOT / "decide.py")
    assert not [n for n in names if n.startswith(("bot.render", "bot.wording", "bot.telegram", "bot.web"))]
