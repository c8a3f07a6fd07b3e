"""The lexicon is checked like the rules: a broken one stops every command at start-up, with file and line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.check import check_lexicon
from bot.engine import Engine
from bot.loading import DEFAULT_KNOWLEDGE_DIR, DEFAULT_RULES_DIR, RuleFileError


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    rules, knowledge = tmp_path / "rules", tmp_path / "knowledge"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, knowledge)
    return rules, knowledge


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def run(command: list[str], rules: Path, knowledge: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OBLIGATIONS_RULES_DIR": str(rules), "OBLIGATIONS_KNOWLEDGE_DIR": str(knowledge)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *command], capture_output=True, text=True, env=env, timeout=60
    )


def test_the_shipped_lexicon_has_no_problem(engine):
    assert [str(p) for p in check_lexicon(DEFAULT_KNOWLEDGE_DIR / "lexicon.yaml", engine.rulebook)] == []


def test_a_duplicate_key_is_refused_with_file_line_and_key(data):
    rules, knowledge = data
    lexicon = knowledge / "lexicon.yaml"
    first = line_of(lexicon, "domains:")
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\ndomains:\n  biologie: [labo]\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        Engine.load(rules, knowledge)
    message = str(err.value)
    assert "lexicon.yaml" in message and "duplicate key 'domains'" in message
    assert f"first given at line {first}" in message and f"line {first}," not in message
    proc = run(["check"], rules, knowledge)
    assert proc.returncode == 1 and "duplicate key 'domains'" in proc.stderr and "Traceback" not in proc.stderr


def test_a_duplicate_document_inside_a_section_is_refused(data):
    rules, knowledge = data
    lexicon = knowledge / "lexicon.yaml"
    edit(
        lexicon,
        "uncertain:\n  certificats-declarations:\n",
        "uncertain:\n  courriers: [mot]\n  certificats-declarations:\n",
    )
    with pytest.raises(RuleFileError, match="duplicate key 'courriers'"):
        Engine.load(rules, knowledge)


def test_a_typo_in_a_document_key_stops_every_command_at_start_up(data):
    rules, knowledge = data
    lexicon = knowledge / "lexicon.yaml"
    edit(lexicon, "documents:\n  cr-operatoire:\n", "documents:\n  cr-operatiore:\n")
    line = line_of(lexicon, "  cr-operatiore:")
    for command in (["check"], ["ask", "CRO ?"], ["list"]):
        proc = run(command, rules, knowledge)
        assert proc.returncode != 0, command
        assert f"lexicon.yaml:{line}" in proc.stderr and "unknown document 'cr-operatiore'" in proc.stderr, command
        assert "Traceback" not in proc.stderr


def test_an_unknown_section_and_an_unknown_exclusion_are_refused(data):
    rules, knowledge = data
    lexicon = knowledge / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\nsynonymes: [x]\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="unknown section 'synonymes'") as err:
        Engine.load(rules, knowledge)
    assert err.value.line == line_of(lexicon, "synonymes: [x]")
    shutil.copy(DEFAULT_KNOWLEDGE_DIR / "lexicon.yaml", lexicon)
    edit(lexicon, "situation_hints:\n  genetique_constitutionnelle:", "situation_hints:\n  genetique:")
    with pytest.raises(RuleFileError, match="unknown exclusion 'genetique'"):
        Engine.load(rules, knowledge)


def test_a_phrase_naming_two_documents_is_reported(data, engine):
    _, knowledge = data
    lexicon = knowledge / "lexicon.yaml"
    edit(lexicon, "documents:\n  cr-operatoire:\n", "documents:\n  cr-operatoire:\n    - compte rendu imagerie\n")
    problems = check_lexicon(lexicon, engine.rulebook)
    assert any("'compte rendu imagerie' points to cr-imagerie, cr-operatoire" in str(p) for p in problems)


def test_a_document_needs_a_french_and_an_english_name(data, engine):
    _, knowledge = data
    lexicon = knowledge / "lexicon.yaml"
    text = lexicon.read_text(encoding="utf-8")
    start = text.index("  lettre-liaison-entree:\n")
    end = text.index("  lettre-liaison-sortie:\n")
    french_only = "  lettre-liaison-entree:\n    - lettre liaison entree\n"
    lexicon.write_text(text[:start] + french_only + text[end:], encoding="utf-8")
    problems = [str(p) for p in check_lexicon(lexicon, engine.rulebook)]
    assert any("lettre-liaison-entree" in p and "no English name" in p for p in problems)
    assert not any("no French name" in p for p in problems)


def test_a_word_yaml_reads_as_a_boolean_is_refused_with_its_section(data):
    """A bare `on` in a list of words is `True` to YAML: the error names the section and says to quote it."""
    rules, knowledge = data
    edit(knowledge / "lexicon.yaml", 'sample_marks: [sur, "on"]', "sample_marks: [sur, on]")
    with pytest.raises(RuleFileError, match="'sample_marks': entry 2 \\(True\\) is not text") as err:
        Engine.load(rules, knowledge)
    assert "lexicon.yaml" in str(err.value)
    proc = run(["check"], rules, knowledge)
    assert proc.returncode == 1 and "sample_marks" in proc.stderr and "Traceback" not in proc.stderr
