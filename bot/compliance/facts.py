"""Everything the transparency page and the compliance documents say, read from the project.

`gather()` returns one JSON-ready dictionary. No value in it is written by hand in Python:
periods come from retention.yml, the redaction policy from anonymization/policy.yml, the data
flows from the endpoints file (GUICHET_ENDPOINTS), the pipeline from config.yml, the counts
from the training data and the catalogue, the administration's details from
compliance/administration.yml (GUICHET_ADMINISTRATION), the figures from the last
measurements. French words for technical names come from compliance/labels.yml.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml

from anonymization.policy import Policy
from bot.compliance import measurements
from bot.privacy.retention import Retention
from bot.server.launcher import endpoints_config, endpoints_source
from bot.settings import PROJECT_ROOT, Settings
from bot.tools import content_check

COMPLIANCE_DIR = PROJECT_ROOT / "compliance"
DEFAULT_ADMINISTRATION = COMPLIANCE_DIR / "administration.yml"
ADMINISTRATION_ENV = "GUICHET_ADMINISTRATION"
CONFIG_FILE = PROJECT_ROOT / "config.yml"
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
TO_FILL = re.compile(r"\[([^\]]+)\]")
# Option of a pipeline component worth telling (the others are training details).
TOLD_OPTIONS = ("model", "threshold", "ambiguity_threshold", "core_fallback_threshold")


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def labels() -> dict:
    return _yaml(COMPLIANCE_DIR / "labels.yml")


def _label(kind: str, name: str) -> str:
    return labels().get(kind, {}).get(name, name)


def administration() -> dict:
    """compliance/administration.yml (or $GUICHET_ADMINISTRATION), with what is left to fill."""
    path = Path(os.environ.get(ADMINISTRATION_ENV) or DEFAULT_ADMINISTRATION)
    details = _yaml(path)

    def blanks(value) -> list[str]:
        if isinstance(value, list):
            return [blank for item in value for blank in blanks(item)]
        return TO_FILL.findall(str(value))

    details["to_fill"] = [blank for value in details.values() for blank in blanks(value)]
    return details


def _service(section: dict | None) -> str:
    """The kind of service an endpoints section uses: sqlite, postgresql, rabbitmq, redis…"""
    if not section:
        return "none"
    kind = str(section.get("type", ""))
    if "dialect" in section:
        return str(section["dialect"])
    if kind.endswith("PikaEventBroker") or kind == "pika":
        return "rabbitmq"
    if "redis" in kind.lower():
        return "redis"
    if kind == "in_memory":
        return "memory"
    return kind


def storage(settings: Settings) -> dict:
    """Where conversations, analytics and locks go, from the endpoints file."""
    endpoints = endpoints_config(settings)
    services = {
        "conversations": _service(endpoints.get("tracker_store")),
        "analytics": _service(endpoints.get("event_broker")),
        "locks": _service(endpoints.get("lock_store")),
    }
    remote = sorted({kind for kind in services.values() if kind in ("postgresql", "rabbitmq")})
    return {
        "endpoints_file": endpoints_source().name,
        **services,
        "labels": {role: _label("services", kind) for role, kind in services.items()},
        "uses": sorted(set(services.values())),
        # Redacted events wait in a local SQLite file while such a service is down.
        "outbox": bool(remote),
        "outbox_for": remote,
    }


def retention() -> dict:
    periods = Retention.load()
    return {
        "periods_days": dict(periods.periods_days),
        "purge_interval_hours": periods.purge_interval_hours,
    }


def redaction() -> dict:
    policy = Policy.load()
    entities = [
        {
            "type": name,
            "label": _label("entities", name),
            "operator": _label("operators", operator).format(example=f"<{name}_1>"),
            "threshold": policy.threshold(name),
        }
        for name, operator in policy.operators.items()
    ]
    measured = measurements.latest("redaction")
    if measured is not None:
        measured["current_policy"] = measured.get("policy") == measurements.policy_fingerprint()
        for corpus in measured.get("corpora", []):
            corpus["label"] = _label("corpora", corpus["name"])
            corpus["figures"] = [
                {"name": name, "label": _label("redaction_figures", name), "value": value}
                for name, value in corpus["figures"].items()
            ]
    return {
        "entities": entities,
        "default_threshold": policy.threshold("default"),
        "failure_placeholder": policy.failure_placeholder,
        "time_budget_ms": policy.time_budget_ms,
        "max_input_chars": policy.max_input_chars,
        "allow_list_terms": len(policy.allow_terms),
        "allow_list_patterns": len(policy.allow_patterns),
        "mapping_ttl_hours": policy.ttl_seconds / 3600,
        "measured": measured,
    }


def training_data() -> dict:
    """Intents and examples of the NLU training files (data/nlu/*.yml)."""
    examples: dict[str, int] = {}
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in _yaml(path).get("nlu", ()):
            if "intent" in block:
                lines = str(block.get("examples", "")).splitlines()
                count = sum(line.strip().startswith("- ") for line in lines)
                examples[block["intent"]] = examples.get(block["intent"], 0) + count
    return {"intents": len(examples), "examples": sum(examples.values())}


def nlu(settings: Settings) -> dict:
    config = _yaml(CONFIG_FILE)

    def described(component: dict) -> dict:
        told = {key: component[key] for key in TOLD_OPTIONS if key in component}
        name = component["name"]
        variant = f"{name} {component['analyzer']}" if "analyzer" in component else name
        label = _label("components", variant)
        return {
            "name": name,
            "label": _label("components", name) if label == variant else label,
            "options": told,
        }

    model = settings.model
    trained = (
        dt.datetime.fromtimestamp(model.stat().st_mtime, dt.timezone.utc).date().isoformat()
        if model.exists()
        else None
    )
    names = [c["name"] for c in (*config.get("pipeline", ()), *config.get("policies", ()))]
    generative = [name for name in names if name in labels().get("generative_components", ())]
    if endpoints_config(settings).get("nlg"):
        generative.append("nlg")  # responses rewritten by an external generator
    return {
        "language": config.get("language"),
        "generative": generative,
        "pipeline": [described(component) for component in config.get("pipeline", ())],
        "policies": [described(policy) for policy in config.get("policies", ())],
        **training_data(),
        "model_trained": trained,
        "measured": measurements.latest("dialogue"),
    }


def content() -> dict:
    """The catalogue's entries and the oldest date one of them was checked against its source."""
    entries = content_check.load_entries(content_check.KNOWLEDGE_DIR)
    dated = sorted(
        (day, entry.name)
        for entry in entries
        if (day := content_check.as_date(entry.verified)) is not None
    )
    oldest = dated[0] if dated else (None, None)
    return {
        "entries": len(entries),
        "oldest_verified": oldest[0].isoformat() if oldest[0] else None,
        "oldest_entry": oldest[1],
    }


def contacts() -> list[dict]:
    """The human routes of data/knowledge/help.yml (those with a label and a url)."""
    routes = _yaml(content_check.KNOWLEDGE_DIR / "help.yml")
    return [
        {key: route.get(key) for key in ("label", "phone", "url", "text")}
        for route in routes.values()
        if isinstance(route, dict) and "label" in route and "url" in route
    ]


def versions() -> dict:
    found = {}
    for package in ("guichet", "rasa", "presidio-analyzer", "spacy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = None
    return found


def gather(settings: Settings | None = None) -> dict:
    """All the facts, JSON-ready (dates as ISO strings)."""
    settings = settings or Settings()
    return {
        "generated": dt.date.today().isoformat(),
        "administration": administration(),
        "storage": storage(settings),
        "retention": retention(),
        "redaction": redaction(),
        "nlu": nlu(settings),
        "content": content(),
        "contacts": contacts(),
        "versions": versions(),
        "privacy_notice_url": os.environ.get("GUICHET_PRIVACY_NOTICE_URL", "confidentialite.html"),
        "limits": {
            "max_message_chars": settings.max_message_chars,
            "rate_limit_per_sender": settings.rate_limit_per_sender,
            "rate_limit_per_ip": settings.rate_limit_per_ip,
        },
    }
