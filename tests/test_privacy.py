"""Patient identifiers are spotted (so the bot warns), ordinary question text is not."""

from __future__ import annotations

import pytest

from bot.privacy import BIRTH_DATE, EMAIL, INS, NIR, PHONE, find_identifiers


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("CR bio de 1 56 03 75 123 456 78 dans le DMP ?", NIR),
        ("nir 156037512345678", NIR),
        ("sans clé : 1560375123456", NIR),
        ("2 84 12 2A 123 456 12", NIR),
        ("2.84.12.2B.123.456", NIR),
        ("1 56 03 971 23 456 78", NIR),
        ("INS 1560375123456", INS),
        ("matricule INS : 123 456 789 012", INS),
        ("patient né le 12/03/1956, CRO ?", BIRTH_DATE),
        ("née le 3 mars 1956", BIRTH_DATE),
        ("né(e) le 03-03-1956", BIRTH_DATE),
        ("Mme Dupont 12/03/1956 : lettre de liaison ?", BIRTH_DATE),
        ("M. Martin, 01/02/1948", BIRTH_DATE),
        ("DDN 12/03/56", BIRTH_DATE),
        ("date of birth: 12 March 1956", BIRTH_DATE),
        ("appeler le 06 12 34 56 78", PHONE),
        ("+33 6 12 34 56 78", PHONE),
        ("0612345678", PHONE),
        ("0033 1.23.45.67.89", PHONE),
        ("envoyer à jean.dupont@example.fr ?", EMAIL),
    ],
)
def test_identifier_is_found(text: str, kind: str) -> None:
    assert kind in find_identifiers(text)


@pytest.mark.parametrize(
    "text",
    [
        "31/12/2023",
        "le CRO du 31/12/2023 doit-il aller dans le DMP ?",
        "CR bio en 2023 ?",
        "et en 2023 ?",
        "depuis le 31 décembre 2023",
        "RPPS 10001234567",
        "ADELI 751234567",
        "FINESS 750712184",
        "article R. 1112-1-2 du CSP",
        "arrêté du 26 avril 2022",
        "CRO au patient ?",
        "code LOINC 11502-2",
        "1 56 13 75 123 456 78",  # month 13: not a NIR
        "3 56 03 75 123 456 78",  # sex digit 3: not a NIR
        "numéro 1234567890123",
        "Mme Dupont veut son CRO",
        "<b>CR</b> & lettre",
        "",
    ],
)
def test_ordinary_text_is_not_patient_data(text: str) -> None:
    assert find_identifiers(text) == ()


def test_several_kinds_are_reported_once_each_in_a_fixed_order() -> None:
    text = "jean@example.org 06 12 34 56 78 né le 12/03/1956 1 56 03 75 123 456 78 et 0612345678"
    assert find_identifiers(text) == (NIR, BIRTH_DATE, PHONE, EMAIL)


def test_a_nir_is_not_also_counted_as_a_phone_number() -> None:
    assert find_identifiers("1 56 03 75 123 456 78") == (NIR,)
