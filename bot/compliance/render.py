"""The transparency page and the compliance documents, rendered from compliance/templates/.

The templates are French Jinja2 files an administration can reword (GUICHET_COMPLIANCE_TEMPLATES
points at its own copy); every value they show comes from `facts.gather()`. Documents are
written in Markdown and converted to self-contained HTML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import threading
import time
from pathlib import Path

import jinja2
import markdown
import yaml

from anonymization.text import MONTHS
from bot.compliance import facts as project_facts

TEMPLATES_ENV = "GUICHET_COMPLIANCE_TEMPLATES"
DEFAULT_TEMPLATES = project_facts.COMPLIANCE_DIR / "templates"
DPIA_FILE = project_facts.COMPLIANCE_DIR / "dpia.yml"
# Output name (without extension) -> Markdown template.
DOCUMENTS = {
    "registre-des-traitements": "registre.md.j2",
    "aipd": "aipd.md.j2",
    "notice-algorithme": "notice-algorithme.md.j2",
    "ai-act-article-50": "ai-act-article-50.md.j2",
}
# Redaction placeholders (<PERSON_1>) in a document are text, not HTML tags.
PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*)>")
# The served page is rebuilt at most this often (facts read files and the catalogue).
PAGE_CACHE_SECONDS = 60


def _number(value) -> str:
    """French number: 1 095, 0,5; integers without decimals."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else str(value)
    return text.replace(".", ",")


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + "\u00a0%"


def _day(value) -> str:
    """'2026-12-02' -> '2 décembre 2026' (unknown dates as 'date inconnue')."""
    if not value:
        return "date inconnue"
    day = dt.date.fromisoformat(str(value))
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def _days(value) -> str:
    days = float(value)
    text = f"{_number(value)} jour{'s' if days >= 2 else ''}"
    if days >= 365 and days % 365 == 0:
        years = int(days // 365)
        text += f" ({years} an{'s' if years > 1 else ''})"
    return text


def environment() -> jinja2.Environment:
    folder = Path(os.environ.get(TEMPLATES_ENV) or DEFAULT_TEMPLATES)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=jinja2.select_autoescape(["html.j2"], default=False),
        undefined=jinja2.StrictUndefined,  # a misspelt value fails, never renders empty
        keep_trailing_newline=True,
    )
    labels = project_facts.labels()
    env.filters.update(
        number=_number,
        pct=_percent,
        day=_day,
        days=_days,
        service=lambda kind: labels.get("services", {}).get(kind, kind),
    )
    return env


def dpia_content(facts: dict) -> dict:
    """The measures that apply to this deployment (from compliance/dpia.yml), and the risks
    with their measures resolved."""
    content = yaml.safe_load(DPIA_FILE.read_text(encoding="utf-8"))
    uses = set(facts["storage"]["uses"])
    measures = [m for m in content["measures"] if "when" not in m or m["when"] in uses]
    by_id = {measure["id"]: measure for measure in measures}
    risks = [
        {**risk, "measures": [by_id[m] for m in risk["measures"] if m in by_id]}
        for risk in content["risks"]
    ]
    return {"measures": measures, "risks": risks, "to_complete": content["to_complete"]}


def documents_markdown(facts: dict | None = None) -> dict[str, str]:
    """Each document's Markdown, by output name."""
    facts = facts or project_facts.gather()
    env = environment()
    context = {"facts": facts, **dpia_content(facts)}
    return {
        name: env.get_template(template).render(context) for name, template in DOCUMENTS.items()
    }


def to_html(text: str) -> str:
    """A self-contained French HTML page from a document's Markdown."""
    title = re.search(r"^# (.+)$", text, re.MULTILINE)
    text = PLACEHOLDER.sub(r"&lt;\1&gt;", text)
    body = markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"])
    return (
        environment()
        .get_template("document.html.j2")
        .render(title=title.group(1) if title else "Document", body=body)
    )


def write_documents(out: Path, facts: dict | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in documents_markdown(facts).items():
        for path, content in ((out / f"{name}.md", text), (out / f"{name}.html", to_html(text))):
            path.write_text(content, encoding="utf-8")
            written.append(path)
    return written


def transparency_html(facts: dict) -> str:
    return environment().get_template("transparence.html.j2").render(facts=facts)


class PageFacts:
    """The facts behind the served transparency page, gathered at most once a minute."""

    def __init__(self, max_age_seconds: float = PAGE_CACHE_SECONDS) -> None:
        self.max_age = max_age_seconds
        self._lock = threading.Lock()
        self._facts: dict | None = None
        self._when = 0.0

    def __call__(self) -> dict:
        with self._lock:
            if self._facts is None or time.monotonic() - self._when > self.max_age:
                self._facts, self._when = project_facts.gather(), time.monotonic()
            return self._facts


page_facts = PageFacts()


def _compliance(args: argparse.Namespace) -> int:
    facts = project_facts.gather()
    for path in write_documents(Path(args.out), facts):
        print(path)
    blanks = facts["administration"]["to_fill"]
    if blanks:
        print(
            f"{len(blanks)} value(s) of compliance/administration.yml still to fill in "
            f"(listed in part 5 of the DPIA)"
        )
    return 0


def add_command(commands) -> None:
    command = commands.add_parser(
        "compliance",
        help="write the record of processing, the DPIA, the algorithm notice and the AI Act "
        "article 50 text (Markdown and HTML) from the running configuration",
    )
    command.add_argument(
        "--out", default="compliance-documents", help="folder to write into (created if needed)"
    )
    command.set_defaults(func=_compliance)
