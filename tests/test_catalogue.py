"""The knowledge catalogue: complete, sourced, dated, and rendered with its official link."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest

from actions.answers import render_answer, render_conditions
from actions.catalogue import KINDS, QUESTIONS, SITUATIONS, Catalogue, normalise, situation_for_age
from actions.matcher import CatalogueMatcher
from tests.conftest import ORIGINAL_PROCEDURES

pytestmark = pytest.mark.unit

CATALOGUE = Catalogue.load()
MATCHER = CatalogueMatcher(CATALOGUE)
REQUIRED_TOPICS = ORIGINAL_PROCEDURES | {
    # Added with the catalogue's breadth (issue 13).
    "allocations_familiales",
    "paje",
    "aah",
    "complementaire_sante_solidaire",
    "france_travail",
    "declaration_naissance",
    "declaration_deces",
    "demarches_deces",
    "changement_nom_prenom",
    "maprimerenov",
    "cheque_energie",
    "bourses_scolaires",
    "bourse_crous",
    "permis_construire",
    "declaration_prealable",
    "carte_europeenne_assurance_maladie",
    "autorisation_sortie_territoire",
    "carte_mobilite_inclusion",
    "logement_social",
    "certificat_situation_administrative",
}
SOCIAL_AIDS = {"rsa", "prime_activite", "aides_logement"}
SUB_QUESTIONS = set(QUESTIONS) - {"summary"}
PROCEDURES = sorted(CATALOGUE.procedures.values(), key=lambda p: p.id)


def test_every_required_topic_is_covered():
    assert REQUIRED_TOPICS <= set(CATALOGUE.procedures)
    national = [procedure for procedure in PROCEDURES if procedure.local is None]
    assert len(national) >= 40


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.id)
def test_entry_is_sourced_and_dated(procedure):
    assert procedure.sources, "every entry needs at least one official source"
    for source in procedure.sources:
        url = urlparse(source.url)
        assert url.scheme == "https" and url.netloc, source.url
        assert source.label.strip()
    assert dt.date(2025, 1, 1) <= procedure.verified <= dt.date.today()


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.id)
def test_entry_uses_only_known_questions_and_cases(procedure):
    assert procedure.summary and procedure.aliases
    assert procedure.kind in KINDS
    assert set(procedure.answers) <= SUB_QUESTIONS
    assert set(procedure.questions) <= set(QUESTIONS)
    for entry in procedure.answers.values():
        if isinstance(entry, dict):
            assert entry["default"].strip()
            assert set(entry.get("cases", {})) <= set(SITUATIONS)


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.id)
def test_entry_has_the_citizens_vocabulary(procedure):
    """Aliases, life situations and example questions feed the NLU and the matcher."""
    assert procedure.situations, "describe the life events that lead to this procedure"
    for text in (*procedure.aliases, *procedure.situations, *procedure.not_about):
        assert isinstance(text, str) and normalise(text), repr(text)
    assert len({faq.id for faq in procedure.faq}) == len(procedure.faq)
    for faq in procedure.faq:
        assert faq.answer and faq.variants and faq.source.url.startswith("https://")


def test_no_alias_names_two_procedures():
    owners: dict[str, set[str]] = {}
    for procedure in PROCEDURES:
        for alias in (procedure.title, *procedure.aliases):
            owners.setdefault(normalise(alias), set()).add(procedure.id)
    assert not {alias: ids for alias, ids in owners.items() if len(ids) > 1}


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.id)
def test_aids_have_general_conditions_and_a_simulator(procedure):
    if procedure.is_aid:
        assert procedure.simulator, "an aid points to its official simulator"


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.id)
@pytest.mark.parametrize("question", QUESTIONS)
def test_every_answer_ends_with_its_official_source(procedure, question):
    last_line = render_answer(procedure, question).splitlines()[-1]
    assert last_line.startswith("Source officielle : https://")
    assert procedure.sources[0].url in last_line
    assert "vérifié le" in last_line


@pytest.mark.parametrize(
    ("procedure_id", "question", "situation", "expected"),
    [
        ("passeport", "cost", None, "86 €"),
        ("passeport", "cost", "adult", "86 €"),
        ("passeport", "cost", "minor_15_17", "42 €"),
        ("passeport", "cost", "child_under_15", "17 €"),
        ("passeport", "validity", "child_under_15", "5 ans"),
        ("cni", "cost", "first_request", "gratuite"),
        ("cni", "cost", "renewal", "gratuit"),
        ("cni", "cost", "loss", "25 €"),
        ("cni", "cost", "theft", "25 €"),
        ("permis_conduire", "cost", "loss", "25 €"),
        ("acte_naissance", "where", "born_abroad", "Nantes"),
        ("acte_naissance", "cost", None, "gratuit"),
        ("casier_judiciaire", "cost", None, "gratuit"),
    ],
)
def test_known_facts(procedure_id, question, situation, expected):
    assert expected in render_answer(CATALOGUE.procedures[procedure_id], question, situation)


def test_lost_identity_card_is_never_said_to_be_free():
    answer = render_answer(CATALOGUE.procedures["cni"], "cost", "loss")
    assert "25 €" in answer and "gratuit" not in answer.split("Source")[0].lower()


@pytest.mark.parametrize("procedure_id", sorted(SOCIAL_AIDS))
def test_social_aids_point_to_a_simulator_and_never_give_a_verdict(procedure_id):
    procedure = CATALOGUE.procedures[procedure_id]
    assert procedure.is_aid
    answer = render_conditions(procedure)
    assert procedure.simulator and procedure.simulator.url in answer
    assert "Je ne peux pas vous dire si vous avez droit" in answer
    for verdict in ("vous avez droit au", "vous êtes éligible", "vous n'avez pas droit"):
        assert verdict not in answer.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("je veux refaire mon passeport", "passeport"),
        ("combien coute une carte d'identite", "cni"),
        ("jai perdu ma CNI", "cni"),
        ("changement adresse carte grise", "carte_grise"),
        ("une demande d'APL", "aides_logement"),
        ("bonjour", None),
        ("permis de chasse", None),
        ("une procuration pour mon compte bancaire", None),
    ],
)
def test_procedure_is_found_by_its_aliases(text, expected):
    aliases = [match for match in MATCHER.matches(text) if match.via == "alias"]
    assert (aliases[0].procedure if aliases else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("j'ai égaré ma carte", ["loss"]),
        ("on m'a volé mon sac et j'ai perdu mes clés", ["theft", "loss"]),
        ("ma carte est périmée depuis un mois", ["renewal"]),
        ("c'est pour mon fils de 16 ans", ["minor_15_17"]),
        ("pour un enfant de 8 ans", ["child_under_15"]),
        ("je suis née à l'étranger", ["born_abroad"]),
        ("nous avons déménagé", ["change_address"]),
        ("combien coûte un passeport", []),
    ],
)
def test_cases_are_found_in_the_wording(text, expected):
    assert MATCHER.cases(text) == expected


@pytest.mark.parametrize(
    ("age", "situation"),
    [
        (3, "child_under_15"),
        (14, "child_under_15"),
        (15, "minor_15_17"),
        (17, "minor_15_17"),
        (18, "adult"),
        (70, "adult"),
    ],
)
def test_age_bands(age, situation):
    assert situation_for_age(age) == situation


def test_handoff_routes_are_present_and_verified():
    routes = CATALOGUE.help
    assert routes["france_services"]["url"].startswith("https://")
    assert routes["allo_service_public"]["phone"] == "39 39"
    assert routes["allo_service_public"]["verified"]
    assert routes["allo_service_public"]["hours_url"].startswith("https://")


@pytest.mark.parametrize(
    ("text", "sensitive"),
    [
        ("je suis enceinte, ai-je droit au RSA ?", True),
        ("mon fils est hospitalisé", True),
        ("j'ai une maladie chronique", True),
        ("je suis en situation de handicap", True),
        ("combien coûte un passeport ?", False),
        ("je veux refaire ma carte vitale", False),
    ],
)
def test_sensitive_data_is_noticed(text, sensitive):
    assert CATALOGUE.mentions_sensitive_data(text) is sensitive
