"""Build hook: the wheel carries rules/ and knowledge/ as bot/_data/rules and bot/_data/knowledge.

The two folders stay at the top of the repository because that is where lawyers and helpdesk leads edit
them; `bot.datadirs.shipped()` finds the copies inside an installed wheel, and the top-level folders in a
checkout (an editable install builds nothing, so it reads them in place). Everything else is in
pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("rules", "knowledge")
PACKAGED_UNDER = Path("bot", "_data")


class BuildWithData(build_py):
    """build_py, plus a copy of every YAML file of rules/ and knowledge/ into bot/_data/ of the build."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in DATA_DIRS:
            files = sorted(Path(name).rglob("*.yaml"))
            if not files:
                raise FileNotFoundError(f"{name}/ has no YAML files: the wheel would ship without its rules")
            for path in files:
                target = Path(self.build_lib, PACKAGED_UNDER, path)
                self.mkpath(str(target.parent))
                self.copy_file(str(path), str(target))


setup(cmdclass={"build_py": BuildWithData})
