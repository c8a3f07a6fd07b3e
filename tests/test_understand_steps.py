"""The steps of `_find_documents`, each on its own: a miss in an evaluation points at one of them."""

from __future__ import annotations

import pytest

from bot.understand import (
    Mentions,
    Scores,
    _lone_domains,
    _lone_natures,
    _named_documents,
    _not_listed_things,
    _pair_natures,
)


@pytest.fixture(scope="module")
def lex(engine):
    return engine.lexicon


@pytest.fixture(scope="module")
def cat(engine):
    return engine.rulebook.documents


def _matches(lex, text):
    tokens = lex.tokens(text)
    return tokens, lex.match(tokens)


def test_step1_a_name_points_at_one_document(lex):
    _, matches = _matches(lex, "le CRO")
    out = Scores()
    _named_documents(matches, out)
    assert max(out.scores, key=out.scores.get) == "cr-operatoire"
    assert out.scores["cr-operatoire"] >= 0.8


def test_step2_a_named_care_is_not_listed_but_a_recipient_is_not(lex):
    tokens, matches = _matches(lex, "bilan de kiné")
    things, strong = _not_listed_things(tokens, matches, "fr")
    assert things and strong
    tokens, matches = _matches(lex, "prescription de séances")
    things, strong = _not_listed_things(tokens, matches, "fr")
    assert things and not strong  # a kind of care: not listed once a nature takes it
    tokens, matches = _matches(lex, "j'envoie l'ordonnance aux infirmiers")
    things, strong = _not_listed_things(tokens, matches, "fr")
    assert not things and not strong


def test_step3_a_nature_takes_the_nearest_domain(lex, cat):
    tokens, matches = _matches(lex, "ordonnance de scanner")
    out = Scores()
    pairing = _pair_natures(tokens, Mentions.of(matches), [], cat, out, lex)
    assert dict(out.scores) == {"demande-imagerie": pytest.approx(0.92)}
    assert pairing.paired and pairing.used_domains


def test_step3_a_nature_of_something_not_listed_names_no_document(lex, cat):
    tokens, matches = _matches(lex, "prescription de séances")
    things, _ = _not_listed_things(tokens, matches, "fr")
    out = Scores()
    pairing = _pair_natures(tokens, Mentions.of(matches), things, cat, out, lex)
    assert pairing.not_listed and not out.scores


def test_step4_a_domain_alone_offers_its_documents(lex, cat):
    tokens, matches = _matches(lex, "IRM ?")
    mentions = Mentions.of(matches)
    out = Scores()
    pairing = _pair_natures(tokens, mentions, [], cat, out, lex)
    _lone_domains(tokens, mentions, pairing, False, {m.kind for m in matches}, lex, cat, out)
    assert set(out.scores) == {"cr-imagerie", "demande-imagerie"}
    assert all(s < 0.8 for s in out.scores.values())


def test_step5_a_nature_alone_with_one_document_names_it(lex, cat):
    tokens, matches = _matches(lex, "le certificat")
    mentions = Mentions.of(matches)
    out = Scores()
    pairing = _pair_natures(tokens, mentions, [], cat, out, lex)
    _lone_natures(tokens, mentions, pairing, False, "fr", [], lex, cat, out)
    assert out.scores and list(out.scores) == ["certificats-declarations"]


def test_step5_a_bare_compte_rendu_offers_every_report(lex, cat):
    tokens, matches = _matches(lex, "le compte rendu ?")
    mentions = Mentions.of(matches)
    out = Scores()
    pairing = _pair_natures(tokens, mentions, [], cat, out, lex)
    _lone_natures(tokens, mentions, pairing, False, "fr", [], lex, cat, out)
    assert {"cr-biologie", "cr-imagerie", "cr-operatoire"} <= set(out.scores)
    assert all(s < 0.8 for s in out.scores.values())
