"""« Pourquoi cette réponse ? »: what the assistant understood and where its answer comes from.

Every reply of the action server carries an explanation in the custom payload of its last
bot message (`{"explanation": {...}}`); the widget shows it as a disclosure under the answer.
It is built from the catalogue and the wording of data/knowledge/explanation.yml only, never
from the citizen's words: the case is the catalogue's label (an age only gives its band), the
procedure its catalogue title. Like every bot event, it is stored through the redacting
tracker store and analytics sink.

The payload holds machine-readable fields (`band`, `procedure`, `questions`, `case`,
`entry`, `source`, `verified`) and `sections` ready to show: a heading, term/description
pairs (`facts`) and plain lines (`lines`).
"""

from __future__ import annotations

from dataclasses import dataclass

from actions.answers import answer_source, french_date
from actions.catalogue import Faq, Procedure

BANDS = ("sure", "probable", "uncertain")


@dataclass(frozen=True)
class Explanation:
    """What one reply was about: a catalogue procedure, or a request answered by a message."""

    band: str
    procedure: Procedure | None = None
    questions: tuple[str, ...] = ()
    case: str | None = None
    faq: Faq | None = None
    request: str | None = None  # a key of `requests` when no procedure was answered

    def __post_init__(self) -> None:
        if self.band not in BANDS:
            raise ValueError(f"unknown confidence band {self.band!r}")

    def payload(self, wording: dict, human_routes: list[str]) -> dict:
        """The custom payload: machine-readable fields and French sections to show."""
        terms = wording["terms"]
        understood = []
        if self.procedure is not None:
            questions = [wording["questions"][question] for question in self.questions]
            understood += [
                (terms["question"], ", ".join(questions)),
                (terms["procedure"], self.procedure.title),
            ]
            if self.case:
                understood.append((terms["case"], wording["cases"][self.case]))
        else:
            understood.append((terms["request"], wording["requests"][self.request]))
        understood.append((terms["confidence"], wording["bands"][self.band]))
        explanation = {
            "title": wording["title"],
            "band": self.band,
            "procedure": self.procedure.id if self.procedure else None,
            "questions": list(self.questions),
            "case": self.case,
        }
        origin = self._origin(wording, explanation)
        explanation["sections"] = [
            _section(wording["headings"]["understood"], facts=understood),
            origin,
            _section(wording["headings"]["human"], lines=human_routes),
        ]
        return explanation

    def _origin(self, wording: dict, explanation: dict) -> dict:
        """The catalogue entry, its official source and verification date, who wrote it."""
        heading = wording["headings"]["origin"]
        if self.procedure is None:
            return _section(heading, lines=[" ".join(wording["no_entry"].split())])
        terms = wording["terms"]
        source, verified, owner = answer_source(
            self.procedure, question=self.questions[0] if self.questions else ""
        )
        explanation.update(
            entry=self.procedure.id, source=source.url, verified=verified.isoformat()
        )
        facts = [
            (terms["entry"], f"{self.procedure.title} ({self.procedure.id})"),
            (terms["source"], source.url),
            (terms["verified"], french_date(verified)),
        ]
        if self.faq is not None:
            facts.append((terms["faq"], f"« {self.faq.question} » ({self.faq.source.url})"))
        written = wording["written_by"].format(owner=owner or wording["default_owner"])
        return _section(heading, facts=facts, lines=[" ".join(written.split())])


def _section(heading: str, facts: list[tuple[str, str]] = (), lines: list[str] = ()) -> dict:
    return {"heading": heading, "facts": [list(fact) for fact in facts], "lines": list(lines)}
