"""The knowledge catalogue: one YAML file per procedure in data/knowledge/procedures/.

Administrations edit those files, never this module. A mairie, a département or a CAF adds
its own entries in data/knowledge/local/: a local file with a national id extends that entry
(its fields win), any other id is a local procedure; answers say whose they are.

A procedure file holds both the answers and the citizen's vocabulary (aliases, life
situations, example questions, FAQ): the NLU training examples about procedures are
generated from it (actions/training_data.py).
See docs/adding-a-procedure.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from anonymization.text import fold

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "data" / "knowledge"
# Sub-questions an answer can be given for. `conditions` is the general, official conditions
# of an aid: information, never a personal verdict.
QUESTIONS = ("summary", "where", "cost", "documents", "delay", "validity", "conditions")
SITUATIONS = (
    "adult",
    "minor_15_17",
    "child_under_15",
    "first_request",
    "renewal",
    "loss",
    "theft",
    "change_address",
    "purchase",
    "sale",
    "born_france",
    "born_abroad",
)
KINDS = ("procedure", "aid", "service")
MAX_AGE = 120


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: how aliases and messages are compared."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def situation_for_age(age: float) -> str:
    if age < 15:
        return "child_under_15"
    if age < 18:
        return "minor_15_17"
    return "adult"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Faq:
    """A precise question citizens ask about one procedure, with its own answer and source."""

    id: str
    question: str
    variants: tuple[str, ...]
    answer: str
    source: Link

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.variants)


@dataclass(frozen=True)
class Local:
    """What a local administration wrote in an entry: shown with its name and its own source."""

    owner: str  # "Mairie de …", as citizens should read it
    fields: frozenset[str]  # the answers (and "summary") it wrote
    sources: tuple[Link, ...]
    verified: dt.date


@dataclass(frozen=True)
class Procedure:
    id: str
    title: str
    aliases: tuple[str, ...]
    summary: str
    answers: dict[str, str | dict]
    sources: tuple[Link, ...]
    verified: dt.date
    kind: str = "procedure"
    situations: tuple[str, ...] = ()
    questions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    faq: tuple[Faq, ...] = ()
    not_about: tuple[str, ...] = ()
    online_service: Link | None = None
    simulator: Link | None = None
    review_on: tuple[str, ...] = ()
    local: Local | None = None

    def local_part(self, question: str) -> Local | None:
        """The local administration that wrote this answer, if one did."""
        return self.local if self.local and question in self.local.fields else None

    @property
    def is_aid(self) -> bool:
        return self.kind == "aid"

    def answer(self, question: str, situation: str | None = None) -> str | None:
        """The text for one question, specific to the situation when the catalogue has it."""
        if question == "summary":
            return self.summary
        entry = self.answers.get(question)
        if isinstance(entry, dict):
            return entry.get("cases", {}).get(situation) or entry["default"]
        return entry

    def has_case(self, question: str, situation: str) -> bool:
        entry = self.answers.get(question)
        return isinstance(entry, dict) and situation in entry.get("cases", {})

    def faq_entry(self, faq_id: str) -> Faq | None:
        return next((entry for entry in self.faq if entry.id == faq_id), None)

    def examples(self) -> Iterator[tuple[str | None, str | None, str]]:
        """(sub-question, FAQ id, text) of each way citizens ask about it: its situations (a
        general question), example questions and FAQ phrasings."""
        yield from (("summary", None, text) for text in self.situations)
        for question, texts in self.questions.items():
            yield from ((question, None, text) for text in texts)
        for entry in self.faq:
            yield from ((None, entry.id, text) for text in entry.phrasings)


def _load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _link(raw: dict | None, label_key: str = "label") -> Link | None:
    return Link(raw[label_key], raw["url"]) if raw else None


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _text(value: str) -> str:
    return " ".join(value.split())


LIST_FIELDS = ("aliases", "situations", "not_about", "faq", "review_on")


def _with_local(national: dict, local: dict) -> dict:
    """A national entry extended by a local file: the local fields win, lists are joined."""
    merged = {**national, **local}
    for key in LIST_FIELDS:
        merged[key] = [*national.get(key, ()), *local.get(key, ())]
    merged["answers"] = {**national.get("answers", {}), **local.get("answers", {})}
    questions = {**national.get("questions", {})}
    for kind, texts in (local.get("questions") or {}).items():
        questions[kind] = [*questions.get(kind, ()), *texts]
    merged["questions"] = questions
    merged["sources"] = national["sources"]
    merged["verified"] = national["verified"]
    return merged


def _local_part(raw: dict, path: Path) -> Local:
    owner = raw.get("owner")
    if not isinstance(owner, str) or not owner.strip():
        raise ValueError(f'{path}: a local entry needs `owner` (e.g. "Mairie de …")')
    written = set(raw.get("answers", {})) | ({"summary"} if "summary" in raw else set())
    return Local(
        owner=owner.strip(),
        fields=frozenset(written),
        sources=tuple(_link(source, "title") for source in raw["sources"]),
        verified=_date(raw["verified"]),
    )


def _procedure(raw: dict, local: Local | None = None) -> Procedure:
    return Procedure(
        id=raw["id"],
        title=raw["title"],
        kind=raw.get("kind", "procedure"),
        aliases=tuple(raw.get("aliases", ())),
        situations=tuple(raw.get("situations", ())),
        questions={kind: tuple(texts) for kind, texts in (raw.get("questions") or {}).items()},
        summary=_text(raw["summary"]),
        answers=raw.get("answers", {}),
        faq=tuple(
            Faq(
                id=entry["id"],
                question=entry["question"],
                variants=tuple(entry.get("variants", ())),
                answer=_text(entry["answer"]),
                source=_link(entry["source"], "title"),
            )
            for entry in raw.get("faq", ())
        ),
        not_about=tuple(raw.get("not_about", ())),
        sources=tuple(_link(source, "title") for source in raw["sources"]),
        verified=_date(raw["verified"]),
        online_service=_link(raw.get("online_service")),
        simulator=_link(raw.get("simulator")),
        review_on=tuple(str(day) for day in raw.get("review_on", ())),
        local=local,
    )


def load_procedures(directory: Path) -> dict[str, Procedure]:
    """The national entries, then the local ones (data/knowledge/local/) over them."""
    raws = {}
    for path in sorted((directory / "procedures").glob("*.yml")):
        raw = _load_yaml(path)
        raws[raw["id"]] = raw
    procedures = {pid: _procedure(raw) for pid, raw in raws.items()}
    for path in sorted((directory / "local").glob("*.yml")):
        raw = _load_yaml(path)
        local = _local_part(raw, path)
        national = raws.get(raw["id"])
        merged = _with_local(national, raw) if national else raw
        procedures[raw["id"]] = _procedure(merged, local)
    return procedures


@dataclass
class Catalogue:
    procedures: dict[str, Procedure]
    help: dict = field(default_factory=dict)
    messages: dict = field(default_factory=dict)
    sensitive: dict = field(default_factory=dict)
    buttons: dict = field(default_factory=dict)
    # How citizens describe the case of a question (data/knowledge/cases.yml).
    case_cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The wording of the "Pourquoi cette réponse ?" panel (data/knowledge/explanation.yml).
    explanation: dict = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path = KNOWLEDGE_DIR) -> Catalogue:
        procedures = load_procedures(directory)
        messages = _load_yaml(directory / "messages.yml")
        cases = _load_yaml(directory / "cases.yml")
        return cls(
            procedures,
            help=_load_yaml(directory / "help.yml"),
            messages={key: _text(text) for key, text in messages.items() if key != "buttons"},
            sensitive=_load_yaml(directory / "sensitive.yml"),
            buttons=messages.get("buttons", {}),
            case_cues={case: tuple(cues) for case, cues in cases.get("cases", {}).items()},
            explanation=_load_yaml(directory / "explanation.yml"),
        )

    def mentions_sensitive_data(self, text: str) -> bool:
        """Whether a message seems to share health or other special-category data."""
        words = f" {normalise(text)}"
        return any(f" {normalise(term)}" in words for term in self.sensitive.get("terms", ()))
