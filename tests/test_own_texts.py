"""The assistant's own texts pass through redaction unchanged.

Every bot event is redacted before it is stored or published (bot/privacy/events.py). A text
the redactor leaves alone is remembered as clean and never analysed again; a text it flags is
analysed again on every turn that shows it, and reaches the audit logs with placeholders
instead of, say, the public 39 39 number. So no answer, message or label of data/knowledge/
may look like personal data to the redaction policy (its allow-list holds the public names
and numbers the assistant writes).
"""

from pathlib import Path

import pytest
import yaml

from anonymization import Redactor

pytestmark = pytest.mark.unit

KNOWLEDGE = Path(__file__).resolve().parents[1] / "data" / "knowledge"
# Texts that show the format of personal data on purpose, by file and entity type.
FORMAT_EXAMPLES = {
    ("horaires_mairie.yml", "STREET_ADDRESS"),  # the fictional town hall's address, to replace
    ("carte_grise.yml", "LICENSE_PLATE"),  # what an old registration number looks like
}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _own_texts() -> list[tuple[str, str]]:
    return [
        (path.name, text)
        for path in sorted(KNOWLEDGE.rglob("*.yml"))
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    ]


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor.from_policy()


def test_no_text_of_the_catalogue_looks_like_personal_data(redactor):
    texts = _own_texts()
    assert len(texts) > 1000  # answers, messages, help routes, explanation labels
    results = redactor.redact_many([text for _, text in texts])  # one spaCy batch
    flagged = [
        (name, finding.entity_type, text[finding.start : finding.end])
        for (name, text), result in zip(texts, results, strict=True)
        for finding in result.entities
        if (name, finding.entity_type) not in FORMAT_EXAMPLES
    ]
    assert flagged == []


def test_the_public_numbers_and_names_the_assistant_writes_are_kept(redactor):
    help_routes = yaml.safe_load((KNOWLEDGE / "help.yml").read_text(encoding="utf-8"))
    phone_line = help_routes["allo_service_public"]["text"]
    assert "+33 1 73 60 39 39" in phone_line
    assert redactor.redact(phone_line).text == phone_line
    # The allow-list only keeps those words: a caller's own number is still redacted.
    result = redactor.redact("appelez-moi au +33 6 12 34 56 78 ou au 39 39")
    assert "+33 6 12 34 56 78" not in result.text and "39 39" in result.text
