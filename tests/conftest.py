"""Shared fixtures: one engine for the whole session (data loads once, as in production)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.engine import Engine

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture(scope="session")
def today() -> dt.date:
    return TODAY
