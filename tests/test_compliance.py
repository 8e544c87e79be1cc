"""The compliance kit reads the running configuration: `guichet compliance` and the facts
behind the transparency page change when retention.yml, the endpoints file, the redaction
policy, the administration's file or the last measurements change."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main as guichet
from bot.compliance import facts, measurements, render
from bot.privacy.retention import DEFAULT_RETENTION_FILE
from bot.tools.eval_dialogue import Outcome, summarise
from evaluation import cli as evaluation_cli
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.unit

CITED_TEST = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Measurements in a fresh data directory; the project's own configuration otherwise."""
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path / "var"))
    for name in (
        "GUICHET_RETENTION",
        "GUICHET_ENDPOINTS",
        "GUICHET_ADMINISTRATION",
        "GUICHET_COMPLIANCE_TEMPLATES",
        "GUICHET_REDACTION_POLICY",
    ):
        monkeypatch.delenv(name, raising=False)


def page_text(gathered: dict) -> str:
    """The transparency page with its line breaks folded (non-breaking spaces kept)."""
    return re.sub(r"[ \n]+", " ", render.transparency_html(gathered))


def documents(out: Path) -> dict[str, str]:
    assert guichet(["compliance", "--out", str(out)]) == 0
    return {path.name: path.read_text(encoding="utf-8") for path in out.iterdir()}


def test_compliance_writes_every_document_in_markdown_and_html(tmp_path):
    written = documents(tmp_path / "out")
    names = {f"{name}.{extension}" for name in render.DOCUMENTS for extension in ("md", "html")}
    assert set(written) == names
    for name, text in written.items():
        assert "{{" not in text and "{%" not in text, name
        if name.endswith(".html"):
            assert text.startswith("<!DOCTYPE html>") and '<html lang="fr">' in text
            assert "<table>" in text
    dpia = written["aipd.md"]
    for part in (
        "## 1. Étude du contexte",
        "## 2. Étude des principes fondamentaux",
        "## 3. Étude des risques",
        "## 4. Validation",
        "## 5. Ce que l'administration doit encore compléter",
    ):
        assert part in dpia
    # Placeholders are text in the HTML, not swallowed as unknown tags.
    assert "&lt;PERSON_1&gt;" in written["aipd.html"]
    # The record of processing lists every redacted type of the policy.
    policy = yaml.safe_load((PROJECT_ROOT / "anonymization" / "policy.yml").read_text())
    labels = facts.labels()["entities"]
    for entity in policy["entities"]:
        assert labels[entity] in written["registre-des-traitements.md"]


def test_documents_follow_retention_and_the_endpoints_file(tmp_path, monkeypatch):
    default = documents(tmp_path / "default")
    assert "30 jours après le dernier message" in default["registre-des-traitements.md"]
    assert "base SQLite" in default["aipd.md"] and "base PostgreSQL" not in default["aipd.md"]
    assert "test_no_canary_in_files_logs_or_rows_with_postgresql" not in default["aipd.md"]

    retention = yaml.safe_load(DEFAULT_RETENTION_FILE.read_text(encoding="utf-8"))
    retention["periods_days"]["conversations"] = 45
    changed = tmp_path / "retention.yml"
    changed.write_text(yaml.safe_dump(retention), encoding="utf-8")
    monkeypatch.setenv("GUICHET_RETENTION", str(changed))
    monkeypatch.setenv("GUICHET_ENDPOINTS", str(PROJECT_ROOT / "endpoints.production.yml"))
    production = documents(tmp_path / "production")

    for name in ("registre-des-traitements.md", "aipd.md"):
        assert "45 jours après le dernier message" in production[name]
        assert "30 jours après le dernier message" not in production[name]
    dpia = production["aipd.md"]
    assert "`endpoints.production.yml`" in dpia
    assert "conversations : base PostgreSQL" in dpia
    assert "statistiques  : file de messages RabbitMQ" in dpia
    assert "serveur Redis" in dpia and "base SQLite (fichier" not in dpia
    assert "en cas de panne de postgresql ou rabbitmq : file locale" in dpia
    # Measures proved only on these services appear with them.
    assert "test_no_canary_in_files_logs_or_rows_with_postgresql" in dpia
    assert "test_the_rabbitmq_stream_carries_only_redacted_events" in dpia


def test_the_administrations_file_fills_the_blanks(tmp_path, monkeypatch):
    details = yaml.safe_load(facts.DEFAULT_ADMINISTRATION.read_text(encoding="utf-8"))
    assert facts.administration()["to_fill"], "the shipped file is a template"
    details["name"] = "Mairie de Trifouilly"
    filled = tmp_path / "administration.yml"
    filled.write_text(yaml.safe_dump(details, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("GUICHET_ADMINISTRATION", str(filled))
    written = documents(tmp_path / "out")
    assert "Nom de l'administration" not in facts.administration()["to_fill"]
    for name in (
        "registre-des-traitements.md",
        "aipd.md",
        "notice-algorithme.md",
        "ai-act-article-50.md",
    ):
        assert "Mairie de Trifouilly" in written[name], name
    part5 = written["aipd.md"].split("## 5.")[1]
    assert "Nom de l'administration" not in part5 and "Adresse postale" in part5
    assert "Recueillir l'avis du délégué à la protection des données." in part5


def test_templates_are_data_files_an_administration_can_reword(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(render.DEFAULT_TEMPLATES, templates)
    path = templates / "ai-act-article-50.md.j2"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("## Texte présenté à l'usager", "## Texte affiché en mairie"), encoding="utf-8"
    )
    monkeypatch.setenv("GUICHET_COMPLIANCE_TEMPLATES", str(templates))
    written = documents(tmp_path / "out")
    assert "## Texte affiché en mairie" in written["ai-act-article-50.md"]
    assert "<h2>Texte affiché en mairie</h2>" in written["ai-act-article-50.html"]


def test_every_cited_test_exists():
    cited = {
        match.groups()
        for path in facts.COMPLIANCE_DIR.rglob("*")
        if path.is_file()
        for match in CITED_TEST.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(cited) > 20
    missing = [
        f"{file}::{name}"
        for file, name in sorted(cited)
        if not (PROJECT_ROOT / file).is_file()
        or f"def {name}(" not in (PROJECT_ROOT / file).read_text(encoding="utf-8")
    ]
    assert missing == []


def test_the_page_reads_the_last_measurements_and_says_when_there_are_none(tmp_path, monkeypatch):
    page = page_text(facts.gather())
    assert "Efficacité du masquage : pas encore mesurée" in page
    assert "Qualité de compréhension : pas encore mesurée" in page

    corpus = tmp_path / "redaction_corpus.jsonl"
    lines = (PROJECT_ROOT / "tests/data/redaction_corpus.jsonl").read_text().splitlines()
    corpus.write_text("\n".join(lines[:30]) + "\n", encoding="utf-8")
    assert evaluation_cli.main(["eval-redaction", "--no-vanilla", "--corpus", str(corpus)]) == 0
    recorded = measurements.latest("redaction")
    recall = recorded["corpora"][0]["figures"]["recall"]
    assert recorded["corpora"][0]["messages"] == 30 and 0 < recall <= 1
    outcomes = [
        Outcome("q1", ("passeport",), "passeport", (), None, "cost"),
        Outcome("q2", ("out_of_scope",), "cni", (), None, None),
    ]
    measurements.record("dialogue", summarise(outcomes))

    gathered = facts.gather()
    assert gathered["redaction"]["measured"]["current_policy"] is True
    page = page_text(gathered)
    assert "pas encore mesurée" not in page
    assert render._percent(recall) + " des données personnelles masquées" in page
    assert "sur 2 questions" in page and "50,0\u00a0% orientées vers la bonne démarche" in page
    assert f"Dernière mesure, le {render._day(recorded['date'])}" in page

    # A measure of another policy is shown as such.
    policy = tmp_path / "policy.yml"
    policy.write_text((PROJECT_ROOT / "anonymization/policy.yml").read_text() + "\n# changed\n")
    monkeypatch.setenv("GUICHET_REDACTION_POLICY", str(policy))
    assert "avec une version antérieure des règles" in page_text(facts.gather())


def test_a_generative_component_is_never_hidden(tmp_path, monkeypatch):
    config = yaml.safe_load(facts.CONFIG_FILE.read_text(encoding="utf-8"))
    assert facts.nlu(facts.Settings())["generative"] == []
    config["pipeline"].append({"name": "LLMIntentClassifier"})
    changed = tmp_path / "config.yml"
    changed.write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setattr(facts, "CONFIG_FILE", changed)
    gathered = facts.gather()
    assert gathered["nlu"]["generative"] == ["LLMIntentClassifier"]
    page = page_text(gathered)
    assert "aucun modèle génératif" not in page
    assert "composant qui rédige du texte (LLMIntentClassifier)" in page
