"""The hand-written corpus: its shape, and that the recognizers were not tuned on its items."""

import re
from pathlib import Path

import pytest
from stdnum import iban, luhn
from stdnum.fr import nif, nir, siren, siret

from anonymization.text import fold
from evaluation.scoring import HANDWRITTEN_CORPUS, load_corpus

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "anonymization"
RECORDS = load_corpus(ROOT / HANDWRITTEN_CORPUS)
CHECKED = {
    "FR_NIR": lambda v: nir.is_valid(re.sub(r"[^0-9AB]", "", v.upper())),
    "IBAN_CODE": iban.is_valid,
    "FR_SIREN": lambda v: siren.is_valid(v.replace(".", "")),
    "FR_SIRET": siret.is_valid,
    "FR_TAX_ID": nif.is_valid,
    "CREDIT_CARD": lambda v: luhn.is_valid(v.replace(" ", "")),
}


def _values():
    for record in RECORDS:
        for entity in record["entities"]:
            yield entity["type"], record["text"][entity["start"] : entity["end"]]


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z@]", "", fold(text))


def test_size_and_styles():
    with_pii = [r for r in RECORDS if r["entities"]]
    assert len(with_pii) >= 400 and len(RECORDS) - len(with_pii) >= 100
    styles = {r["style"] for r in RECORDS}
    assert {"signature", "list", "forwarded", "sms", "caps", "form", "official"} <= styles


@pytest.mark.parametrize("entity", sorted(CHECKED))
def test_identifiers_have_valid_check_digits(entity):
    values = [value for kind, value in _values() if kind == entity]
    assert values and all(CHECKED[entity](v) for v in values)


def test_no_recognizer_or_vocabulary_file_quotes_the_corpus():
    """Specific values (identifiers, addresses, dates, e-mails, full names) appear in no
    file of the anonymization package. Single first names are left out: a first-name list
    holds common first names by nature, and it is built from Faker, not from this corpus."""
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in {".py", ".txt", ".yml"}]
    texts = {p: fold(p.read_text(encoding="utf-8")) for p in files}
    compacted = {p: _compact(t) for p, t in texts.items()}
    quoted = []
    for kind, value in _values():
        if kind == "PERSON":
            if len(value.split()) < 2:  # one first name, possibly hyphenated
                continue
            words = re.findall(r"[^\W\d_]{2,}", fold(value))
            pattern = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)")
            quoted += [(value, p.name) for p, t in texts.items() if pattern.search(t)]
        else:
            needle = _compact(value)
            if len(needle) >= 6:
                quoted += [(value, p.name) for p, t in compacted.items() if needle in t]
    assert quoted == []
