"""`obligations eval` scores what a user would see: verdict, document, the date and channel asked."""

from __future__ import annotations

import datetime as dt

from bot.evaluate import Case, Outcome, read_cases, report, summary

TODAY = dt.date(2026, 11, 25)


def write(tmp_path, text: str) -> str:
    path = tmp_path / "set.tsv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_as_of_and_channel_columns_are_read(tmp_path):
    path = write(
        tmp_path,
        "question\tdate\tverdict\tdocuments\tas_of\tchannel\tnote\n"
        "CRO en 2023 ?\t2026-11-25\tpas_encore_en_vigueur\tcr-operatoire\t2023\t\t\n"
        "CR bio au patient ?\t2026-11-25\tobligatoire\tcr-biologie\t\tmss_patient\t\n",
    )
    first, second = read_cases(path)
    assert first.as_of == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert first.date_labelled and first.channel == ""
    assert second.as_of is None and second.channel == "mss_patient"


def test_a_month_spans_the_month(tmp_path):
    path = write(
        tmp_path, "question\tdate\tverdict\tdocuments\tas_of\nx\t2026-11-25\tobligatoire\tcr-biologie\t2024-02\n"
    )
    assert read_cases(path)[0].as_of == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))


def test_wrong_date_asked_is_a_miss_even_with_the_right_verdict():
    case = Case(
        2,
        "CR bio en 2023 ?",
        TODAY,
        "obligatoire",
        ("cr-biologie",),
        (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        True,
    )
    right = Outcome(case, "obligatoire", ("cr-biologie",), dt.date(2023, 6, 1))
    wrong = Outcome(case, "obligatoire", ("cr-biologie",), TODAY)
    assert right.ok and not wrong.ok and wrong.verdict_ok and wrong.confident_wrong


def test_no_date_asked_means_the_day_of_the_question():
    case = Case(2, "CR bio ?", TODAY, "obligatoire", ("cr-biologie",), None, True)
    assert Outcome(case, "obligatoire", ("cr-biologie",), TODAY).ok
    assert not Outcome(case, "obligatoire", ("cr-biologie",), dt.date(2023, 1, 1)).ok


def test_wrong_channel_is_a_miss():
    case = Case(2, "CR bio au patient ?", TODAY, "obligatoire", ("cr-biologie",), None, False, "mss_patient")
    assert Outcome(case, "obligatoire", ("cr-biologie",), TODAY, "mss_patient").ok
    assert not Outcome(case, "obligatoire", ("cr-biologie",), TODAY, "dmp").ok
    assert not Outcome(case, "obligatoire", ("cr-biologie",), TODAY, None).ok


def test_confident_wrong_excludes_asking_back():
    case = Case(2, "CRO ?", TODAY, "obligatoire", ("cr-operatoire",))
    asked = Outcome(case, "ambigu", ("cr-operatoire", "cr-biologie"))
    wrong = Outcome(case, "exclu", ("cr-operatoire",))
    assert not asked.ok and not asked.confident_wrong and asked.asked_back
    assert wrong.confident_wrong and not wrong.asked_back
    figures = summary([asked, wrong, Outcome(case, "obligatoire", ("cr-operatoire",))])
    assert round(figures["confident_wrong"], 3) == 0.333 and round(figures["asked_back"], 3) == 0.333


def test_removed_document_must_be_named_when_labelled():
    case = Case(2, "certificat médical ?", TODAY, "non_liste", ("certificats-declarations",))
    assert Outcome(case, "non_liste", ("certificats-declarations",)).ok
    assert not Outcome(case, "non_liste", ()).ok
    unnamed = Case(3, "ECG ?", TODAY, "non_liste", ())
    assert Outcome(unnamed, "non_liste", ()).ok and not Outcome(unnamed, "non_liste", ("cr-imagerie",)).ok


def test_report_splits_long_and_short_messages():
    long_q = "x" * 150
    cases = [Case(2, long_q, TODAY, "hors_sujet", ()), Case(3, "court", TODAY, "hors_sujet", ())]
    text = report([Outcome(cases[0], "obligatoire", ("cr-biologie",)), Outcome(cases[1], "hors_sujet", ())])
    assert "messages over 100 characters: 0/1 = 0.0 %" in text
    assert "messages of 100 characters or fewer: 1/1 = 100.0 %" in text
    assert "confident wrong: 1/2 = 50.0 %" in text


def test_eval_command_prints_the_rates(tmp_path, capsys, engine):
    from bot.evaluate import run_eval

    path = write(
        tmp_path,
        "question\tdate\tverdict\tdocuments\tchannel\nCR bio au patient ?\t2026-11-25\tobligatoire\tcr-biologie\tmss_patient\n",
    )
    assert run_eval(engine, path, None) == 0
    out = capsys.readouterr().out
    assert "accuracy: 1/1 = 100.0 %" in out and "confident wrong: 0/1" in out


def test_unknown_channel_is_an_error_with_the_line(tmp_path, capsys, engine):
    from bot.evaluate import run_eval

    path = write(
        tmp_path, "question\tdate\tverdict\tdocuments\tchannel\nCR bio ?\t2026-11-25\tobligatoire\tcr-biologie\tfax\n"
    )
    assert run_eval(engine, path, None) == 1
    assert "line 2: unknown channel 'fax'" in capsys.readouterr().err
