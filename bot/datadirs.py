"""Where the shipped rules/ and knowledge/ are, for an installed wheel and for a checkout alike.

A wheel carries them as package data under bot/_data/ (copied there by setup.py at build time); in a
checkout, or an editable install of one, they are the folders at the top of the repository, where
people edit them. `Settings.data_dirs()` is the one place that chooses between these and
OBLIGATIONS_RULES_DIR / OBLIGATIONS_KNOWLEDGE_DIR.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

DataDir = Literal["rules", "knowledge"]


def shipped(name: DataDir) -> Path:
    """The rules/ or knowledge/ folder that came with this copy of the package."""
    packaged = resources.files("bot").joinpath("_data", name)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name
