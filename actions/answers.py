"""Turn catalogue entries into the French text the citizen reads.

Every procedure answer ends with its official source and the date it was verified.
"""

from __future__ import annotations

import datetime as dt

from actions.catalogue import Faq, Link, Procedure
from anonymization.text import MONTHS

CASE_QUESTIONS = ("where", "cost")
TOPICS = "le coût, le lieu de la demande, les pièces à fournir, les délais ou la durée de validité"


def french_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def answer_source(
    procedure: Procedure, source: Link | None = None, question: str = ""
) -> tuple[Link, dt.date, str | None]:
    """The official page behind an answer, the date it was checked, and the local
    administration that wrote it (None for a national entry): for a local answer, its own
    page and date."""
    local = procedure.local_part(question)
    if local is not None:
        return local.sources[0], local.verified, local.owner
    return source or procedure.sources[0], procedure.verified, None


def source_line(procedure: Procedure, source: Link | None = None, question: str = "") -> str:
    """The official page behind an answer and the date it was checked."""
    source, verified, _ = answer_source(procedure, source, question)
    return f"Source officielle : {source.url} (vérifié le {french_date(verified)})"


def _text(procedure: Procedure, question: str, text: str) -> str:
    """The answer's text, introduced by the local administration that wrote it, if any."""
    local = procedure.local_part(question)
    text = " ".join(text.split())
    return f"{local.owner} : {text}" if local else text


def render_answer(procedure: Procedure, question: str, situation: str | None = None) -> str:
    """The answer to one question about one procedure, with its links."""
    text = procedure.answer(question, situation)
    lines = []
    if text is None:
        lines.append(
            f"Je n'ai pas cette information précise pour « {procedure.title} ». "
            "La page officielle ci-dessous vous la donne."
        )
    else:
        lines.append(_text(procedure, question, text))
    if question == "summary":
        lines += _no_verdict(procedure)
        lines.append(f"Je peux vous préciser {TOPICS}.")
    if procedure.online_service and question in ("summary", "where"):
        lines.append(f"Démarche en ligne : {procedure.online_service.url}")
    lines.append(source_line(procedure, question=question))
    return "\n".join(lines)


def render_case(procedure: Procedure, situation: str) -> str | None:
    """What to do, and what it costs, in the citizen's case ("j'ai perdu ma carte")."""
    questions = [q for q in CASE_QUESTIONS if procedure.has_case(q, situation)]
    if not questions:
        return None
    lines = [_text(procedure, q, procedure.answer(q, situation)) for q in questions]
    if procedure.online_service:
        lines.append(f"Démarche en ligne : {procedure.online_service.url}")
    return "\n".join([*lines, source_line(procedure, question=questions[0])])


def render_conditions(procedure: Procedure) -> str:
    """Who can get it: the official general conditions, never a verdict on a person's case.

    For an aid, only the organisation paying it decides (EU AI Act, Annex III 5(a)): the answer
    says so and points to the official simulator.
    """
    question = "conditions" if procedure.answer("conditions") else "summary"
    lines = [_text(procedure, question, procedure.answer(question)), *_no_verdict(procedure)]
    lines.append(source_line(procedure, question=question))
    return "\n".join(lines)


def _no_verdict(procedure: Procedure) -> list[str]:
    """For an aid: only the organisation decides (EU AI Act, Annex III 5(a)), and its simulator."""
    if not procedure.is_aid:
        return []
    lines = [
        "Ce sont des informations générales. Je ne peux pas vous dire si vous avez droit à "
        f"« {procedure.title} » : seul l'organisme concerné le décide, après étude de votre "
        "dossier."
    ]
    if procedure.simulator:
        lines.append(f"Vous pouvez faire une simulation anonyme : {procedure.simulator.url}")
    return lines


def render_faq(procedure: Procedure, faq: Faq) -> str:
    """A precise question of the procedure's FAQ, with the official page that answers it."""
    return "\n".join(
        [
            f"Question fréquente : « {faq.question} »",
            " ".join(faq.answer.split()),
            source_line(procedure, faq.source),
        ]
    )
