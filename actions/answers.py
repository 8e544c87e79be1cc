"""Turn catalogue entries into the French text the citizen reads.

Every procedure answer ends with its official source and the date it was verified.
"""

from __future__ import annotations

import datetime as dt

from actions.catalogue import Faq, Link, Procedure

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
CASE_QUESTIONS = ("where", "cost")
TOPICS = "le coût, le lieu de la demande, les pièces à fournir, les délais ou la durée de validité"


def french_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def source_line(procedure: Procedure, source: Link | None = None) -> str:
    source = source or procedure.sources[0]
    return f"Source officielle : {source.url} (vérifié le {french_date(procedure.verified)})"


def _paragraph(text: str) -> str:
    return " ".join(text.split())


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
        lines.append(_paragraph(text))
    if question == "summary":
        lines.append(f"Je peux vous préciser {TOPICS}.")
    if procedure.online_service and question in ("summary", "where"):
        lines.append(f"Démarche en ligne : {procedure.online_service.url}")
    lines.append(source_line(procedure))
    return "\n".join(lines)


def render_case(procedure: Procedure, situation: str) -> str | None:
    """What to do, and what it costs, in the citizen's case ("j'ai perdu ma carte")."""
    texts = [
        _paragraph(procedure.answer(question, situation))
        for question in CASE_QUESTIONS
        if procedure.has_case(question, situation)
    ]
    if not texts:
        return None
    lines = texts
    if procedure.online_service:
        lines.append(f"Démarche en ligne : {procedure.online_service.url}")
    return "\n".join([*lines, source_line(procedure)])


def render_conditions(procedure: Procedure) -> str:
    """Who can get it: the official general conditions, never a verdict on a person's case.

    For an aid, only the organisation paying it decides (EU AI Act, Annex III 5(a)): the answer
    says so and points to the official simulator.
    """
    conditions = procedure.answer("conditions")
    lines = [_paragraph(conditions or procedure.summary)]
    if procedure.is_aid:
        lines.append(
            "Ce sont des conditions générales. Je ne peux pas vous dire si vous avez droit à "
            f"« {procedure.title} » : seul l'organisme concerné le décide, après étude de votre "
            "dossier."
        )
        if procedure.simulator:
            lines.append(f"Vous pouvez faire une simulation anonyme : {procedure.simulator.url}")
    lines.append(source_line(procedure))
    return "\n".join(lines)


def render_faq(procedure: Procedure, faq: Faq) -> str:
    """A precise question of the procedure's FAQ, with the official page that answers it."""
    return "\n".join([_paragraph(faq.answer), source_line(procedure, faq.source)])
