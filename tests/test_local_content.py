"""Local content: a mairie, département or CAF adds its own entries in data/knowledge/local/.

A local file with a national id extends that entry (its fields win, lists are joined); any other
id is a local procedure. Answers a local administration wrote carry its name and its source.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from actions.answers import render_answer
from actions.catalogue import KNOWLEDGE_DIR, Catalogue
from actions.matcher import CatalogueMatcher

OWNER = "Mairie de Testville"
LOCAL_CNI = {
    "id": "cni",
    "owner": OWNER,
    "aliases": ["carte d'identité à testville"],
    "answers": {"where": "À Testville, les demandes se font sur rendez-vous le mardi."},
    "sources": [{"title": "Mairie de Testville", "url": "https://www.testville.example/cni"}],
    "verified": "2026-11-30",
}


@pytest.fixture
def knowledge(tmp_path):
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, directory)
    return directory


def _write_local(directory, name: str, entry: dict) -> None:
    (directory / "local" / name).write_text(yaml.safe_dump(entry, allow_unicode=True))


@pytest.mark.unit
def test_a_local_file_extends_the_national_entry_and_wins(knowledge):
    national = Catalogue.load(knowledge).procedures["cni"]
    _write_local(knowledge, "cni.yml", LOCAL_CNI)
    cni = Catalogue.load(knowledge).procedures["cni"]

    where = render_answer(cni, "where")
    assert where.startswith(f"{OWNER} : À Testville, les demandes se font sur rendez-vous")
    assert where.endswith("https://www.testville.example/cni (vérifié le 30 novembre 2026)")
    # What the mairie did not write stays national, with the national source.
    assert render_answer(cni, "cost") == render_answer(national, "cost")
    assert OWNER not in render_answer(cni, "cost")
    assert set(national.aliases) < set(cni.aliases)
    assert cni.sources == national.sources and cni.verified == national.verified
    matcher = CatalogueMatcher(Catalogue.load(knowledge))
    assert matcher.matches("ma carte d'identité à testville")[0].procedure == "cni"


@pytest.mark.unit
def test_a_local_only_procedure_says_whose_it_is(knowledge):
    entry = {
        **LOCAL_CNI,
        "id": "piscine_municipale",
        "title": "Piscine municipale",
        "aliases": ["piscine municipale"],
        "situations": ["je veux apprendre à nager"],
        "summary": "La piscine de Testville est ouverte tous les jours.",
        "answers": {"cost": "L'entrée coûte 3 €."},
    }
    _write_local(knowledge, "piscine.yml", entry)
    piscine = Catalogue.load(knowledge).procedures["piscine_municipale"]
    assert render_answer(piscine, "summary").startswith(f"{OWNER} : La piscine")
    assert render_answer(piscine, "cost").startswith(f"{OWNER} : L'entrée coûte 3 €.")


@pytest.mark.unit
def test_a_local_file_without_owner_is_refused(knowledge):
    _write_local(knowledge, "cni.yml", {k: v for k, v in LOCAL_CNI.items() if k != "owner"})
    with pytest.raises(ValueError, match="needs `owner`"):
        Catalogue.load(knowledge)


@pytest.mark.unit
def test_the_shipped_example_commune_is_local_and_clearly_fictitious():
    local = [p for p in Catalogue.load().procedures.values() if p.local]
    assert {p.id for p in local} >= {"horaires_mairie", "inscription_scolaire"}
    for procedure in local:
        assert "fictive" in procedure.local.owner
        assert all(
            source.url.startswith("https://www.villefictive.example/")
            for source in procedure.local.sources
        )


@pytest.mark.services
def test_a_local_procedure_is_understood_after_training(assistant):
    assistant.say("local-cantine", "Bonjour")  # the first reply of a conversation is the notice
    reply = assistant.say("local-cantine", "comment se passe l'inscription à la cantine ?")
    assert reply.startswith("Mairie de Villefictive (commune fictive, exemple) : "), reply
    assert "https://www.villefictive.example/" in reply
