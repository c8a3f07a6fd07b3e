"""Broken rule or source files give a clear error naming the file, the document and the field."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.check import check_rulebook
from bot.loading import DEFAULT_KNOWLEDGE_DIR, DEFAULT_RULES_DIR, RuleFileError, load_rulebook


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


def test_a_paraphrased_excerpt_fails_check_with_file_document_and_field(data):
    rules, knowledge = data
    edit(
        rules / "arrete-2022-04-26.yaml",
        '"| Le compte rendu opératoire | X | X | X | 31 décembre 2023 |"',
        '"Le compte rendu opératoire est obligatoire au 31 décembre 2023"',
    )
    problems = check_rulebook(load_rulebook(rules, knowledge))
    assert len(problems) == 1
    p = problems[0]
    assert (
        p.file.endswith("arrete-2022-04-26.yaml") and p.document == "cr-operatoire" and p.field == "rows.3.citations.0"
    )
    assert "verbatim" in str(p)


def test_an_invalid_date_names_the_document_and_field(data):
    rules, knowledge = data
    edit(
        rules / "arrete-2022-04-26.yaml",
        "effective_date: 2023-12-31\n    channels: *channels\n    citations:",
        "effective_date: 31/12/2023\n    channels: *channels\n    citations:",
    )
    with pytest.raises(RuleFileError) as err:
        load_rulebook(rules, knowledge)
    assert err.value.file.endswith("arrete-2022-04-26.yaml")
    assert err.value.document == "cr-operatoire"
    assert err.value.field == "rows.3.effective_date"


def test_an_unknown_document_id_is_refused(data):
    rules, knowledge = data
    edit(rules / "csp-R1112-1-2.yaml", "document: lettre-liaison-sortie", "document: lettre-de-sortie")
    with pytest.raises(RuleFileError) as err:
        load_rulebook(rules, knowledge)
    assert "csp-R1112-1-2.yaml" in str(err.value) and "rows.0.document" in str(err.value)


def test_invalid_yaml_says_line(data):
    rules, knowledge = data
    (rules / "arrete-2024-05-23.yaml").write_text("id: x\nrows: [\n  - {\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_rulebook(rules, knowledge)
    assert "arrete-2024-05-23.yaml" in str(err.value) and "line" in str(err.value)


def test_binary_file_is_a_clear_error(data):
    rules, knowledge = data
    (rules / "arrete-2024-05-23.yaml").write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(RuleFileError) as err:
        load_rulebook(rules, knowledge)
    assert "not UTF-8" in str(err.value)


def test_unverified_row_with_a_new_date_is_an_invented_date(data):
    rules, knowledge = data
    edit(
        rules / "arrete-2024-05-23.yaml",
        '  - document: demande-imagerie\n    wording: "La demande d\'examen de radiologie"\n    effective_date: 2023-12-31',
        '  - document: demande-imagerie\n    wording: "La demande d\'examen de radiologie"\n    effective_date: 2024-12-31',
    )
    problems = check_rulebook(load_rulebook(rules, knowledge))
    assert any(p.document == "demande-imagerie" and p.field == "effective_date" for p in problems)


def test_cli_check_exits_1_with_a_clear_message(data):
    rules, knowledge = data
    edit(
        rules / "csp-R1112-1-1.yaml",
        'excerpt: "Elle est adressée par messagerie sécurisée',
        'excerpt: "Elle est envoyée par messagerie sécurisée',
    )
    env = {**os.environ, "OBLIGATIONS_RULES_DIR": str(rules), "OBLIGATIONS_KNOWLEDGE_DIR": str(knowledge)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 1
    assert (
        "csp-R1112-1-1.yaml" in proc.stderr
        and "lettre-liaison-entree" in proc.stderr
        and "rows.0.channels.1.citation" in proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_cli_ask_with_broken_data_exits_65_without_traceback(data):
    rules, knowledge = data
    (rules / "arrete-2022-04-26.yaml").write_text("rows: 3\n", encoding="utf-8")
    env = {**os.environ, "OBLIGATIONS_RULES_DIR": str(rules), "OBLIGATIONS_KNOWLEDGE_DIR": str(knowledge)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "CRO ?"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 65 and "arrete-2022-04-26.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_a_date_that_differs_from_the_quoted_row_is_caught(data):
    rules, knowledge = data
    edit(
        rules / "arrete-2022-04-26.yaml",
        "effective_date: 2023-12-31\n    channels: *channels\n    citations:",
        "effective_date: 2024-12-31\n    channels: *channels\n    citations:",
    )
    problems = check_rulebook(load_rulebook(rules, knowledge))
    assert [(p.document, p.field) for p in problems] == [("cr-operatoire", "rows.3.effective_date")]
    assert "2023-12-31" in problems[0].message


def test_an_impossible_date_names_the_field_without_a_traceback(data):
    rules, knowledge = data
    edit(
        rules / "arrete-2022-04-26.yaml",
        "effective_date: 2023-12-31\n    channels: *channels\n    citations:",
        "effective_date: 2023-13-31\n    channels: *channels\n    citations:",
    )
    with pytest.raises(RuleFileError) as err:
        load_rulebook(rules, knowledge)
    assert err.value.document == "cr-operatoire" and err.value.field == "rows.3.effective_date"


def test_an_unknown_exclusion_id_in_a_row_is_refused_with_the_document_and_field(data):
    rules, knowledge = data
    edit(rules / "arrete-2024-05-23.yaml", "      - id: genetique_constitutionnelle", "      - id: genetique")
    with pytest.raises(RuleFileError) as err:
        load_rulebook(rules, knowledge)
    assert err.value.document == "cr-biologie" and err.value.field == "rows.0.exclusions.1.id"
    assert "unknown exclusion id 'genetique'" in str(err.value)


def test_a_bad_exclusion_kind_in_the_catalogue_names_the_field_once(data):
    rules, knowledge = data
    edit(rules / "catalogue.yaml", "    kind: setting", "    kind: place")
    with pytest.raises(RuleFileError) as err:
        load_rulebook(rules, knowledge)
    assert err.value.field == "exclusions.sejour_hospitalier.kind"
