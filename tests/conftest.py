"""Shared fixtures: one engine for the whole session (data loads once, as in production)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.engine import Engine

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="session", autouse=True)
def _state_in_a_temporary_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Reports written by tests (and by `obligations` subprocesses they start) go to a temporary
    directory, never to the developer's ~/.local/state."""
    state = tmp_path_factory.mktemp("state")
    saved = {k: os.environ.get(k) for k in ("XDG_STATE_HOME", "STATE_DIRECTORY", "OBLIGATIONS_REPORTS_DB")}
    os.environ["XDG_STATE_HOME"] = str(state)
    os.environ.pop("STATE_DIRECTORY", None)
    os.environ.pop("OBLIGATIONS_REPORTS_DB", None)
    yield state
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture(scope="session")
def today() -> dt.date:
    return TODAY
