"""Span-level evaluation of redaction on the labelled corpus, ours vs vanilla Presidio.

Matching rule (overlap-based, per entity type):
- a gold span is *recalled* when predicted spans of the same type cover at least
  half of its characters;
- a predicted span is *correct* (precision) when it overlaps a gold span of the same type.
F2 weighs recall twice as much as precision. Vanilla Presidio's LOCATION counts as
STREET_ADDRESS and DATE_TIME as DATE_OF_BIRTH; its other types count only in the
"unchanged" and "must-keep" figures.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from anonymization.text import compact

IDENTIFIERS = (
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "FR_NIR",
    "IBAN_CODE",
    "FR_SIREN",
    "FR_SIRET",
    "FR_TAX_ID",
    "FR_CAF_ID",
    "FR_FRANCE_TRAVAIL_ID",
    "FR_PASSPORT",
    "FR_ID_CARD",
    "LICENSE_PLATE",
    "CREDIT_CARD",
    "IP_ADDRESS",
)
GROUPS = {"identifiers": IDENTIFIERS, "person": ("PERSON",), "address": ("STREET_ADDRESS",)}
DEFAULT_CORPUS = Path("tests/data/redaction_corpus.jsonl")
# Written by hand, another way than the generator: never used to tune anything.
HANDWRITTEN_CORPUS = Path("tests/data/redaction_corpus_handwritten.jsonl")
CORPORA = (DEFAULT_CORPUS, HANDWRITTEN_CORPUS)


def load_corpus(path=DEFAULT_CORPUS) -> list[dict]:
    """The corpus records, one per non-empty line."""
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@dataclass
class Scores:
    """Counts accumulated over the corpus for one system."""

    gold: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    recalled: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    predicted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    keep_total: int = 0
    keep_survived: int = 0
    clean_total: int = 0
    clean_unchanged: int = 0

    def add(self, record: dict, redacted: str, spans) -> None:
        """Score one message: spans are (type, start, end, ...) in the original text."""
        for gold in record["entities"]:
            kind, start, end = gold["type"], gold["start"], gold["end"]
            covered = {
                i for t, s, e, *_ in spans if t == kind for i in range(max(s, start), min(e, end))
            }
            self.gold[kind] += 1
            self.recalled[kind] += len(covered) * 2 >= end - start
        for kind, start, end, *_ in spans:
            self.predicted[kind] += 1
            self.correct[kind] += any(
                g["type"] == kind and g["start"] < end and start < g["end"]
                for g in record["entities"]
            )
        self.keep_total += len(record["must_keep"])
        self.keep_survived += sum(phrase in redacted for phrase in record["must_keep"])
        if not record["entities"]:
            self.clean_total += 1
            self.clean_unchanged += redacted == record["text"]

    def precision(self, kind: str) -> float:
        return self.correct[kind] / self.predicted[kind] if self.predicted[kind] else 0.0

    def recall(self, kind: str) -> float:
        return self.recalled[kind] / self.gold[kind] if self.gold[kind] else 0.0

    def f2(self, kind: str) -> float:
        p, r = self.precision(kind), self.recall(kind)
        return 5 * p * r / (4 * p + r) if p + r else 0.0

    def group_recall(self, kinds) -> float:
        gold = sum(self.gold[k] for k in kinds)
        return sum(self.recalled[k] for k in kinds) / gold if gold else 0.0

    def summary(self) -> dict[str, float]:
        """The headline figures."""
        figures = {f"{name} recall": self.group_recall(kinds) for name, kinds in GROUPS.items()}
        figures["must-keep survive"] = self.keep_survived / max(self.keep_total, 1)
        figures["PII-free unchanged"] = self.clean_unchanged / max(self.clean_total, 1)
        return figures


def evaluate(records: list[dict], redactor, vanilla=None) -> dict[str, Scores]:
    """Score our redactor (and vanilla Presidio when given) on the records."""
    texts = [r["text"] for r in records]
    ours = Scores()
    for record, result in zip(records, redactor.redact_many(texts), strict=True):
        ours.add(record, result.text, [(f.entity_type, f.start, f.end) for f in result.entities])
    scores = {"ours": ours}
    if vanilla is not None:
        scores["vanilla"] = Scores()
        for record, (redacted, spans) in zip(records, vanilla.redact_many(texts), strict=True):
            scores["vanilla"].add(record, redacted, spans)
    return scores


def format_report(scores: dict[str, Scores], n_messages: int) -> str:
    """Side-by-side table, one row per entity type then the headline figures."""
    systems = list(scores)
    kinds = sorted(set().union(*(s.gold for s in scores.values())))
    header = f"{'entity':<22}{'n':>5}" + "".join(
        f" | {name + ' P':>10}{'R':>6}{'F2':>6}" for name in systems
    )
    lines = [f"{n_messages} messages", header, "-" * len(header)]
    for kind in kinds:
        row = f"{kind:<22}{scores[systems[0]].gold[kind]:>5}"
        for name in systems:
            s = scores[name]
            row += f" | {s.precision(kind):>10.3f}{s.recall(kind):>6.3f}{s.f2(kind):>6.3f}"
        lines.append(row)
    lines.append("-" * len(header))
    for figure in scores[systems[0]].summary():
        lines.append(
            f"{figure:<27}"
            + "".join(f" | {scores[name].summary()[figure]:>22.3f}" for name in systems)
        )
    return "\n".join(lines)


def _word_count(text: str, word: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE))


def leaks(value: str, output: str, rest: str) -> bool:
    """Does `value` (a gold span) survive in `output`?

    It does when its letters and digits appear in a row in the output ("06 12 34 56 78" as
    "0612345678" too), or when at least half of its words (by characters) still occur
    there more often than in `rest`, the message's text outside its personal data.
    """
    packed = compact(value)
    if len(packed) >= 6 and packed in compact(output):
        return True
    words = re.findall(r"\w{2,}", value)
    if not words:
        return value in output
    survived = sum(len(w) for w in words if _word_count(output, w) > _word_count(rest, w))
    return survived * 2 >= sum(map(len, words))


@dataclass
class LeakScores:
    """Scores from output text alone: comparable across redactors and pseudonymisers."""

    GROUPS = {
        "ids": IDENTIFIERS,
        "person": ("PERSON",),
        "addr": ("STREET_ADDRESS",),
        "dob": ("DATE_OF_BIRTH",),
        "all": None,
    }
    FIGURES = (*GROUPS, "keep", "clean")
    LEGEND = {
        "ids": "identifier recall",
        "person": "person recall",
        "addr": "address recall",
        "dob": "date-of-birth recall",
        "all": "recall over all PII",
        "keep": "must-keep phrases intact",
        "clean": "PII-free messages unchanged",
    }

    gold: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    protected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    keep_total: int = 0
    keep_survived: int = 0
    clean_total: int = 0
    clean_unchanged: int = 0

    def add(self, record: dict, output: str) -> None:
        """Score one message from the system's output text."""
        text, rest, position = record["text"], [], 0
        for gold in sorted(record["entities"], key=lambda g: g["start"]):
            rest.append(text[position : gold["start"]])
            position = max(position, gold["end"])
        rest = " ".join(rest + [text[position:]])
        for gold in record["entities"]:
            self.gold[gold["type"]] += 1
            value = text[gold["start"] : gold["end"]]
            self.protected[gold["type"]] += not leaks(value, output, rest)
        self.keep_total += len(record["must_keep"])
        self.keep_survived += sum(phrase in output for phrase in record["must_keep"])
        if not record["entities"]:
            self.clean_total += 1
            self.clean_unchanged += output == text

    def recall(self, kinds) -> float:
        kinds = list(self.gold) if kinds is None else kinds
        gold = sum(self.gold[k] for k in kinds)
        return sum(self.protected[k] for k in kinds) / gold if gold else float("nan")

    def summary(self) -> dict[str, float]:
        figures = {name: self.recall(kinds) for name, kinds in self.GROUPS.items()}
        figures["keep"] = self.keep_survived / max(self.keep_total, 1)
        figures["clean"] = self.clean_unchanged / max(self.clean_total, 1)
        return figures
