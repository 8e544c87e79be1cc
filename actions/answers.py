"""Turn catalogue entries into the French text the citizen reads.

Every procedure answer ends with its official source and the date it was verified.
"""

from __future__ import annotations

import datetime as dt

from actions.catalogue import Procedure

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
TOPICS = "le coût, le lieu de la demande, les pièces à fournir, les délais ou la durée de validité"


def french_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def source_line(procedure: Procedure) -> str:
    source = procedure.sources[0]
    return f"Source officielle : {source.url} (vérifié le {french_date(procedure.verified)})"


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
        lines.append(" ".join(text.split()))
    if question == "summary":
        lines.append(f"Je peux vous préciser {TOPICS}.")
    if procedure.online_service and question in ("summary", "where"):
        lines.append(f"Démarche en ligne : {procedure.online_service.url}")
    lines.append(source_line(procedure))
    return "\n".join(lines)


def render_eligibility(procedure: Procedure) -> str:
    """Never a verdict: only the organisation paying an aid decides (EU AI Act, Annex III)."""
    lines = [
        f"Je ne peux pas vous dire si vous avez droit à « {procedure.title} » : seul l'organisme "
        "concerné peut le décider, après étude de votre dossier."
    ]
    if procedure.simulator:
        lines.append(f"Vous pouvez faire une simulation anonyme : {procedure.simulator.url}")
    else:
        lines.append("Les conditions sont détaillées sur la page officielle ci-dessous.")
    lines.append(source_line(procedure))
    return "\n".join(lines)
