"""The knowledge catalogue: one YAML file per procedure in data/knowledge/procedures/.

Administrations edit those files, never this module. See docs/adding-a-procedure.md.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "data" / "knowledge"
QUESTIONS = ("summary", "where", "cost", "documents", "delay", "validity")
SITUATIONS = (
    "adult", "minor_15_17", "child_under_15", "first_request", "renewal", "loss", "theft",
    "change_address", "purchase", "sale", "born_france", "born_abroad",
)


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: how aliases and messages are compared."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", without_accents).split())


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
class Procedure:
    id: str
    title: str
    aliases: tuple[str, ...]
    summary: str
    answers: dict[str, str | dict]
    sources: tuple[Link, ...]
    verified: dt.date
    online_service: Link | None = None
    simulator: Link | None = None

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


def _load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _link(raw: dict | None, label_key: str = "label") -> Link | None:
    return Link(raw[label_key], raw["url"]) if raw else None


def load_procedure(path: Path) -> Procedure:
    raw = _load_yaml(path)
    verified = raw["verified"]
    return Procedure(
        id=raw["id"],
        title=raw["title"],
        aliases=tuple(raw.get("aliases", ())),
        summary=" ".join(raw["summary"].split()),
        answers=raw.get("answers", {}),
        sources=tuple(_link(source, "title") for source in raw["sources"]),
        verified=verified if isinstance(verified, dt.date) else dt.date.fromisoformat(verified),
        online_service=_link(raw.get("online_service")),
        simulator=_link(raw.get("simulator")),
    )


@dataclass
class Catalogue:
    procedures: dict[str, Procedure]
    help: dict = field(default_factory=dict)
    messages: dict = field(default_factory=dict)
    sensitive: dict = field(default_factory=dict)
    buttons: dict = field(default_factory=dict)
    _alias_patterns: list[tuple[re.Pattern, str]] = field(default_factory=list, repr=False)

    @classmethod
    def load(cls, directory: Path = KNOWLEDGE_DIR) -> Catalogue:
        procedures = {}
        for path in sorted((directory / "procedures").glob("*.yml")):
            procedure = load_procedure(path)
            procedures[procedure.id] = procedure
        messages = _load_yaml(directory / "messages.yml")
        catalogue = cls(
            procedures,
            help=_load_yaml(directory / "help.yml"),
            messages={
                key: " ".join(text.split()) for key, text in messages.items() if key != "buttons"
            },
            sensitive=_load_yaml(directory / "sensitive.yml"),
            buttons=messages.get("buttons", {}),
        )
        catalogue._index_aliases()
        return catalogue

    def _index_aliases(self) -> None:
        # Longest aliases first, so that "carte grise" wins over "carte".
        pairs = [
            (normalise(alias), procedure.id)
            for procedure in self.procedures.values()
            for alias in (*procedure.aliases, procedure.title)
        ]
        pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
        self._alias_patterns = [
            (re.compile(rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])"), procedure_id)
            for alias, procedure_id in pairs
            if alias
        ]

    def mentions_sensitive_data(self, text: str) -> bool:
        """Whether a message seems to share health or other special-category data."""
        words = f" {normalise(text)}"
        return any(f" {normalise(term)}" in words for term in self.sensitive.get("terms", ()))

    def find_in_text(self, text: str) -> Procedure | None:
        """The procedure a message names, by its aliases (used when NLU found no entity)."""
        normalised = normalise(text)
        for pattern, procedure_id in self._alias_patterns:
            if pattern.search(normalised):
                return self.procedures[procedure_id]
        return None
