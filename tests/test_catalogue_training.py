"""An administration adds a procedure by adding one YAML file, then retrains: nothing else.

A fictitious procedure file is dropped into a copy of the catalogue; the NLU examples are
generated from it and the NLU model is trained with the project's own config.yml. The trained
model must then recognise the procedure by its name, and the matcher by its situations.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys

import pytest
import yaml

from actions.catalogue import KNOWLEDGE_DIR, Catalogue
from actions.matcher import CatalogueMatcher
from actions.training_data import OUTPUT, generate
from tests.conftest import PROJECT_ROOT

FIXTURE = PROJECT_ROOT / "tests" / "data" / "carte_bibliotheque.yml"
# A few real procedures beside the new one keep the training short.
KEPT = ("cni", "passeport", "rsa", "carte_grise")


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory):
    directory = tmp_path_factory.mktemp("knowledge")
    shutil.copytree(KNOWLEDGE_DIR, directory, dirs_exist_ok=True)
    for path in (directory / "procedures").glob("*.yml"):
        if path.stem not in KEPT:
            path.unlink()
    shutil.copy(FIXTURE, directory / "procedures" / FIXTURE.name)
    return directory


@pytest.fixture(scope="module")
def nlu_model(knowledge, tmp_path_factory):
    nlu = tmp_path_factory.mktemp("nlu")
    for path in OUTPUT.parent.glob("*.yml"):
        if path.name != OUTPUT.name:
            shutil.copy(path, nlu / path.name)
    (nlu / OUTPUT.name).write_text(generate(knowledge, nlu), encoding="utf-8")
    # The project's config.yml, its entity extractor reading the copy of the catalogue.
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == "bot.nlu.CatalogueEntityExtractor":
            component["knowledge"] = str(knowledge)
    models = tmp_path_factory.mktemp("models")
    (models / "config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "nlu",
            "--config",
            str(models / "config.yml"),
            "--nlu",
            str(nlu),
            "--out",
            str(models),
            "--fixed-model-name",
            "fixture",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        timeout=1200,
    )
    return models / "fixture.tar.gz"


@pytest.mark.unit
def test_the_new_file_is_in_the_generated_examples(knowledge, tmp_path):
    generated = generate(knowledge, OUTPUT.parent)
    assert '"value": "carte_bibliotheque"' in generated
    assert "- carte de bibliothèque" in generated.split("- lookup: procedure")[1]


@pytest.mark.model
def test_a_new_procedure_file_alone_is_understood_after_training(knowledge, nlu_model):
    from rasa.core.agent import Agent

    agent = Agent.load(str(nlu_model))
    parsed = asyncio.run(agent.parse_message("comment avoir une carte de bibliothèque ?"))
    values = [entity["value"] for entity in parsed["entities"] if entity["entity"] == "procedure"]
    assert values == ["carte_bibliotheque"], parsed["entities"]
    assert parsed["intent"]["name"] in {"ask_procedure", "ask_where"}
    matcher = CatalogueMatcher(Catalogue.load(knowledge))
    assert matcher.matches("je cherche à emprunter des livres")[0].procedure == "carte_bibliotheque"
