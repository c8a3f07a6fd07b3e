"""`obligations console`, run as a user runs it: a subprocess fed on stdin (a pipe, then a terminal)."""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.engine import Engine

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("obligations")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "bot.cli"]
TEST_ONLY_VARIABLES = ("SKIP_BROWSER_TESTS",)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env.update(extra)
    return env


def console(stdin: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, "console"], input=stdin, capture_output=True, text=True, cwd=REPO, env=_env(**env), timeout=60
    )


def answers(stdout: str) -> list[str]:
    return [block for block in stdout.strip().split("\n\n") if block.strip()]


def test_each_line_is_answered_in_a_few_lines_and_it_exits_at_end_of_input():
    result = console("CR bio dans le DMP ?\n")
    assert result.returncode == 0, result.stderr
    (block,) = answers(result.stdout)
    lines = block.splitlines()
    assert lines[0] == "Obligatoire depuis le 31 décembre 2022 : compte rendu d'examens de biologie médicale."
    assert "DMP" in block and "Messagerie" in block
    assert "« " in block and "biologie médicale" in block.split("«", 1)[1]
    assert "https://" in block
    # One line per channel (wrapped when it names recipients), the exclusions, one quote: still a screenful at most.
    assert len(lines) <= 16


def _flat(block: str) -> str:
    """The block with its line wrapping undone, to look for a phrase that may straddle two lines."""
    return " ".join(block.split())


def test_an_answer_lists_the_rows_exclusions_and_the_recipients_like_the_other_front_ends():
    question = "CR bio dans le DMP ?"
    expected = Engine.load().answer(question, today=dt.date.today())
    assert len(expected.exclusions) >= 2 and not any(x.applies for x in expected.exclusions)
    result = console(question + "\n")
    assert result.returncode == 0, result.stderr
    (block,) = answers(result.stdout)
    flat = _flat(block)
    assert "Sauf : " + " ; ".join(x.label for x in expected.exclusions) in flat
    assert "Exclu ici" not in flat
    recipients = [r for c in expected.channels for r in c.recipients]
    assert recipients, "the messaging channel names its recipients"
    assert "médecin traitant, prescripteur s'il y a lieu, tout professionnel utile à la prise en charge" in flat


def test_an_excluded_case_marks_the_exclusion_that_applies_and_still_lists_the_others():
    question = "compte rendu de biologie génétique constitutionnelle ?"
    expected = Engine.load().answer(question, today=dt.date.today())
    assert expected.verdict == "exclu"
    result = console(question + "\n")
    (block,) = answers(result.stdout)
    flat = _flat(block)
    assert block.startswith("Pas d'obligation dans ce cas (compte rendu de génétique constitutionnelle)")
    assert "En dehors de ce cas :" in block, "the channels are what to do outside the excluded case"
    applying = [x.label for x in expected.exclusions if x.applies]
    assert "Exclu ici : " + " ; ".join(applying) + "." in flat
    assert any(not x.applies for x in expected.exclusions)


def test_a_follow_up_keeps_the_document_of_the_previous_question():
    result = console("compte rendu opératoire dans le DMP ?\net au patient ?\n")
    assert result.returncode == 0, result.stderr
    first, second = answers(result.stdout)
    assert second.splitlines()[0] == "Obligatoire depuis le 31 décembre 2023 : compte rendu opératoire."
    alone = console("et au patient ?\n")
    assert not alone.stdout.startswith("Obligatoire depuis le 31 décembre 2023 : compte rendu opératoire.")


def test_date_answers_as_of_a_day_and_date_alone_goes_back_to_today():
    result = console(
        ":date 2023-06-01\ncompte rendu opératoire dans le DMP ?\n:date\ncompte rendu opératoire dans le DMP ?\n"
    )
    assert result.returncode == 0, result.stderr
    blocks = answers(result.stdout)
    assert blocks[0] == "Date : 01/06/2023."
    # at another date than today, line 1 says which
    assert blocks[1].startswith("Au 1er juin 2023, pas encore obligatoire : compte rendu opératoire")
    assert blocks[2].startswith("Date : aujourd'hui")
    assert blocks[3].startswith("Obligatoire depuis le 31 décembre 2023 : compte rendu opératoire.")


def test_after_an_ambiguous_question_a_number_picks_the_document():
    candidates = Engine.load().answer("compte rendu ?", today=dt.date.today()).candidates
    number = next(n for n, c in enumerate(candidates, 1) if c.id == "cr-operatoire")
    result = console(f"compte rendu ?\n{number}\n")
    assert result.returncode == 0, result.stderr
    ambiguous, picked = answers(result.stdout)
    assert ambiguous.startswith("Je ne suis pas sûr du document dont vous parlez. Lequel ?")
    assert f"{number}. compte rendu opératoire" in ambiguous
    assert picked.startswith("Obligatoire depuis le 31 décembre 2023 : compte rendu opératoire.")


def test_list_help_unknown_commands_and_quit():
    result = console(":liste\n:aide\n:bogus\n:date 2023-13-45\n:quitter\nCR bio ?\n")
    assert result.returncode == 0, result.stderr
    listing, helptext, unknown, bad_date = answers(result.stdout)
    rows = listing.splitlines()[1:]
    listed_today = [s.id for s in Engine.load().catalogue(dt.date.today())]
    assert [r.split()[0] for r in rows] == listed_today
    assert rows[0].split()[0] == "cr-biologie" and "certificats-declarations" not in listing
    assert ":quitter" in helptext and ":date" in helptext
    assert "Commande inconnue" in unknown
    assert "Date invalide" in bad_date
    assert "Obligatoire depuis" not in result.stdout, "nothing is read after :quitter"


def test_an_english_question_is_answered_in_english():
    result = console("must I send the lab report to the patient?\n")
    first = answers(result.stdout)[0].splitlines()
    assert first[0].startswith("Required since 31 December 2022: ")
    assert first[1] == "  What to do:"


def test_broken_rules_are_a_clear_error(tmp_path):
    for rule in (REPO / "rules").glob("*.yaml"):
        (tmp_path / rule.name).write_text(rule.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "arrete-2022-04-26.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nrows: [\n", encoding="utf-8")
    result = console("CR bio ?\n", OBLIGATIONS_RULES_DIR=str(tmp_path))
    assert result.returncode == 65  # bot.exitcodes.DATA: systemd does not restart on it
    assert "arrete-2022-04-26.yaml" in result.stderr
    assert result.stdout == ""


class Terminal:
    """The controller side of a pseudo-terminal: waits for text, consuming output up to it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = b""

    def expect(self, marker: str, timeout: float = 20.0) -> bytes:
        wanted = marker.encode()
        deadline = time.monotonic() + timeout
        while wanted not in self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {marker!r} in output: {self.pending[-500:]!r}")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"terminal closed before {marker!r}: {self.pending[-500:]!r}")
                self.pending += chunk
        before, _, self.pending = self.pending.partition(wanted)
        return before

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal")
def test_in_a_terminal_history_recalls_questions_and_nothing_is_written_to_disk(tmp_path):
    """`obligations` alone in a terminal opens the console; ↑ recalls a question; Ctrl-D exits cleanly."""
    home = tmp_path / "home"
    home.mkdir()
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        COMMAND,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=tmp_path,
        env=_env(HOME=str(home), TERM="xterm", INPUTRC="/dev/null", PYTHONPATH=str(REPO)),
        close_fds=True,
    )
    os.close(terminal)
    tty = Terminal(controller)
    try:
        tty.expect("? ")
        tty.send("compte rendu opératoire dans le DMP ?\r")
        tty.expect("Obligatoire depuis le 31 décembre 2023 : compte rendu opératoire.")
        tty.expect("\n? ")
        tty.send(":date 2023-06-01\r")
        tty.expect("[2023-06-01] ? ")
        tty.send("\x1b[A\x1b[A\r")  # up twice: the first question again
        tty.expect("Au 1er juin 2023, pas encore obligatoire : compte rendu opératoire")
        tty.expect("[2023-06-01] ? ")
        tty.send("\x04")  # Ctrl-D
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
    assert list(home.iterdir()) == [], "questions may hold patient data: no history file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
