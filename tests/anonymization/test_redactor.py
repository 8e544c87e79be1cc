"""Redactor behaviour: placeholders, bounded mapping, threads, fail-closed, operators."""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from anonymization import Policy, PolicyError, Redactor
from anonymization.placeholders import PlaceholderRegistry

pytestmark = pytest.mark.unit


def test_empty_text(redactor):
    result = redactor.redact("")
    assert (result.text, result.entities, result.failed) == ("", [], False)


def test_spans_point_into_the_original_text(redactor):
    text = "je m'appelle marie lemoine, tel 06 12 34 56 78"
    result = redactor.redact(text)
    assert result.text == "je m'appelle <PERSON_1>, tel <PHONE_NUMBER_1>"
    assert [(f.entity_type, text[f.start : f.end]) for f in result.entities] == [
        ("PERSON", "marie lemoine"),
        ("PHONE_NUMBER", "06 12 34 56 78"),
    ]


def test_placeholders_consistent_within_a_conversation(redactor):
    first = redactor.redact("je m'appelle Marie Dupont, tel 0612345678", conversation_id="c-a")
    second = redactor.redact("rappelez 06 12 34 56 78, signé Paul Durand", conversation_id="c-a")
    third = redactor.redact("Marie Dupont encore", conversation_id="c-a")
    assert first.text == "je m'appelle <PERSON_1>, tel <PHONE_NUMBER_1>"
    assert second.text == "rappelez <PHONE_NUMBER_1>, signé <PERSON_2>"
    assert third.text == "<PERSON_1> encore"


def test_conversations_are_numbered_separately(redactor):
    redactor.redact("je m'appelle Marie Dupont", conversation_id="c-b")
    other = redactor.redact("je m'appelle Paul Durand", conversation_id="c-c")
    assert other.text == "je m'appelle <PERSON_1>"
    assert redactor.redact("je m'appelle Paul Durand").text == "je m'appelle <PERSON_1>"


def test_forget_restarts_numbering(redactor):
    redactor.redact("je m'appelle Marie Dupont", conversation_id="c-d")
    redactor.forget("c-d")
    assert redactor.redact("signé Paul Durand", conversation_id="c-d").text == "signé <PERSON_1>"


def test_registry_is_bounded_and_stores_no_values():
    registry = PlaceholderRegistry(max_conversations=3, ttl_seconds=3600)
    for i in range(10):
        registry.placeholders(f"c{i}", [("PERSON", "Marie Dupont")])
    assert len(registry) == 3
    numbering = registry._conversations["c9"]
    assert all("Marie" not in repr(key) for key in numbering.numbers)


def test_registry_expires_idle_conversations():
    registry = PlaceholderRegistry(max_conversations=10, ttl_seconds=0)
    registry.placeholders("old", [("PERSON", "a")])
    registry.placeholders("new", [("PERSON", "b")])
    assert "old" not in registry._conversations


def test_thread_safety_smoke(redactor):
    texts = [f"signé Personne{i % 7} Durand, tel 06 12 34 56 7{i % 10}" for i in range(200)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: redactor.redact(t, conversation_id="c-threads"), texts))
    assert not any(r.failed for r in results)
    assert {r.text.split(",")[0] for r in results} <= {f"signé <PERSON_{n}>" for n in range(1, 8)}


def test_redact_many_equals_redact(redactor):
    texts = [
        "je m'appelle marie lemoine",
        "",
        "La CAF m'a versé 86 €",
        "iban FR7630006000011234567890189",
    ]
    assert [r.text for r in redactor.redact_many(texts)] == [redactor.redact(t).text for t in texts]


class Exploding:
    supported_entities = ["PERSON"]

    def analyze(self, text, entities=None):
        raise RuntimeError(f"boom while reading {text}")


def test_fail_closed_on_recognizer_error(caplog):
    redactor = Redactor.from_policy()
    redactor._recognizers.append(Exploding())
    raw = "je m'appelle Marie Dupont, nir 269054958815780"
    with caplog.at_level(logging.DEBUG):
        result = redactor.redact(raw)
    assert result.failed and result.text == "<REDACTION_FAILED>" and result.entities == []
    assert redactor.failure_count == 1
    assert "Dupont" not in caplog.text and "269054958815780" not in caplog.text


def test_fail_closed_on_time_budget_and_length():
    redactor = Redactor(replace(Policy.load(), time_budget_ms=0, max_input_chars=100))
    assert redactor.redact("bonjour").failed
    assert redactor.redact("x" * 101).text == "<REDACTION_FAILED>"
    assert redactor.failure_count == 2


def test_failure_counter_is_thread_safe():
    redactor = Redactor(replace(Policy.load(), max_input_chars=1))
    threads = [threading.Thread(target=redactor.redact, args=("too long",)) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert redactor.failure_count == 50


def _policy(tmp_path, operator, extra=""):
    path = tmp_path / "policy.yml"
    path.write_text(
        f"entities:\n  PHONE_NUMBER: {{operator: {operator}}}\n  PERSON: {{}}\n{extra}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "operator, expected",
    [
        ("placeholder", "tel <PHONE_NUMBER_1> svp"),
        ("mask", "tel ** ** ** ** ** svp"),
        ("drop", "tel  svp"),
    ],
)
def test_operators(tmp_path, operator, expected):
    redactor = Redactor.from_policy(_policy(tmp_path, operator))
    assert redactor.redact("tel 06 12 34 56 78 svp").text == expected


def test_hash_operator_needs_its_secret(tmp_path, monkeypatch):
    path = _policy(tmp_path, "hash", "hash_secret_env: TEST_REDACTION_SECRET\n")
    monkeypatch.delenv("TEST_REDACTION_SECRET", raising=False)
    with pytest.raises(PolicyError):
        Redactor.from_policy(path)
    monkeypatch.setenv("TEST_REDACTION_SECRET", "s3cret")
    redactor = Redactor.from_policy(path)
    first = redactor.redact("tel 06 12 34 56 78").text
    assert (
        first.startswith("tel <PHONE_NUMBER:") and first == redactor.redact("tel 0612345678").text
    )


def test_entities_not_in_policy_are_kept(tmp_path):
    redactor = Redactor.from_policy(_policy(tmp_path, "placeholder"))
    assert redactor.redact("mail marie@orange.fr").text == "mail marie@orange.fr"


def test_policy_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GUICHET_REDACTION_POLICY", str(_policy(tmp_path, "drop")))
    assert Redactor.from_policy().redact("tel 0612345678").text == "tel "


def test_unknown_operator_is_refused(tmp_path):
    with pytest.raises(PolicyError):
        Redactor.from_policy(_policy(tmp_path, "encrypt"))


@pytest.mark.parametrize(
    "text, number",
    [
        ("nir 2 69 05 49 588 157 81", "2 69 05 49 588 157 81"),
        ("iban FR76 3000 6000 0112 3456 7890 188", "FR76 3000 6000 0112 3456 7890 188"),
    ],
)
def test_wrong_check_digits_are_redacted_only_for_the_types_the_policy_lists(text, number):
    strict = Redactor(replace(Policy.load(), redact_wrong_check_digits=()))
    assert strict.redact(text).text == text
    assert number not in Redactor.from_policy().redact(text).text
