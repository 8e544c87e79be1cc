"""`guichet audit report`: a self-contained HTML page of the audit figures with inline PNG plots."""

from __future__ import annotations

import base64
import html
import io
from collections import Counter

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after the headless backend is chosen)

from bot.privacy.audit import Figures  # noqa: E402


def _bar_chart(title: str, counts: Counter, horizontal: bool = False, top: int = 10) -> str:
    """A bar chart as an inline <img> (base64 PNG)."""
    items = sorted(counts.items()) if not horizontal else counts.most_common(top)[::-1]
    figure, axes = plt.subplots(figsize=(7, 3.2))
    labels, values = [str(label) for label, _ in items], [value for _, value in items]
    if not items:
        axes.text(0.5, 0.5, "aucune donnée", ha="center", va="center")
        axes.set_axis_off()
    elif horizontal:
        axes.barh(labels, values, color="#000091")
    else:
        axes.bar(labels, values, color="#000091")
        axes.tick_params(axis="x", labelrotation=45)
    axes.set_title(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(title)}" src="data:image/png;base64,{encoded}">'


def render_report(figures: Figures, since: str) -> str:
    summary = [
        ("Conversations", figures.conversations),
        ("Messages des usagers", figures.user_turns),
        ("Taux d'incompréhension (fallback)", f"{figures.fallback_rate:.1%}"),
        ("Conversations avec orientation vers un humain", f"{figures.handoff_rate:.1%}"),
        ("Données personnelles détectées et masquées", sum(figures.detections.values())),
        (
            "Échecs d'anonymisation (remplacés par un marqueur)",
            sum(figures.failures_per_day.values()),
        ),
    ]
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(str(value))}</td></tr>"
        for label, value in summary
    )
    charts = [
        _bar_chart("Conversations par jour", figures.conversations_per_day),
        _bar_chart("Intentions les plus fréquentes", figures.intents, horizontal=True),
        _bar_chart("Détections par type de donnée", figures.detections, horizontal=True),
        _bar_chart("Sources officielles citées", figures.sources, horizontal=True),
        _bar_chart("Échecs d'anonymisation par jour", figures.failures_per_day),
    ]
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Guichet : rapport d'audit</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}}
th{{text-align:left;padding-right:2em}}img{{display:block;margin:1em 0}}</style></head>
<body><h1>Guichet : rapport d'audit</h1>
<p>Depuis le {html.escape(since)}. Calculé sur les événements anonymisés du puits analytique :
aucune donnée personnelle n'y figure, seulement des marqueurs typés.</p>
<table>{rows}</table>
{"".join(charts)}
</body></html>
"""
