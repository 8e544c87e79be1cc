"""`guichet content check`: is every catalogue entry fresh, official and consistent?

Per entry (one procedure file, a local entry, or a route of help.yml) it reports:

- a `verified` date older than 12 months (error) or 11 months (warning);
- `review_on` dates (MM-DD, e.g. 04-01 for the social minimums) passed since `verified` (error:
  a fact known to change on that date has not been checked since);
- urls (sources, online service, simulator, faq sources) outside the domains of
  data/knowledge/official_domains.yml;
- citizen-facing texts (summary, answers and their cases, faq answers) over 600 characters;
- facts stated in several files that disagree with their single declaration in
  data/knowledge/facts.yml (phone numbers, euro amounts, opening hours), and phone numbers
  declared nowhere (warning).

Warn mode (the default, used by `make test`) always exits 0; `--strict` exits 1 on any error.
See docs/content-review.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml

from anonymization.text import fold

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "data" / "knowledge"
MAX_CHARS = 600
ERROR, WARNING = "error", "warning"
# Spaces that French typography puts inside numbers and before units.
_SPACE = r"[ \u00a0\u202f]"
_SEPARATOR = r"[ \u00a0\u202f.]"
_PHONE = re.compile(
    rf"(?<![\d+])(?:\+33{_SPACE}?(?:\(0\))?{_SPACE}?|0)[1-9](?:{_SEPARATOR}?\d{{2}}){{4}}(?!\d)"
)
_SHORT_PHONE = re.compile(rf"(?<![\d,.])3\d{_SPACE}?\d{{2}}(?![\d,])")
_AMOUNT = re.compile(
    rf"(?<![\d,.])(\d{{1,3}}(?:{_SPACE}?\d{{3}})*(?:,\d{{1,2}})?){_SPACE}?(?:€|euros?\b)"
)
_TIME = re.compile(r"(?<![\d,])([01]?\d|2[0-3])\s?h(?:\s?([0-5]\d))?(?![a-zA-Z\u00c0-\u017f\d])")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Finding:
    entry: str
    severity: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.upper():7} {self.entry}: {self.message}"


@dataclass
class Entry:
    """What the checks need from one catalogue entry, whatever file it comes from."""

    name: str
    verified: object
    review_on: list = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)  # (where, url)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (where, citizen-facing text)
    procedure_id: str | None = None


@dataclass(frozen=True)
class Fact:
    """One fact declared once in facts.yml: which values any text about it may state."""

    id: str
    kind: str  # phone, amount or time
    values: frozenset[str]
    about: tuple[str, ...]  # normalised words: a sentence mentioning one of them states the fact
    scope: frozenset[str]  # procedure ids the fact is checked in (empty: every entry)
    shown: str


def _phone_key(text: str) -> str:
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    return "0" + digits[2:] if digits.startswith("33") and len(digits) == 11 else digits


def _amount_key(text: str) -> str:
    return f"{float(re.sub(_SPACE, '', text).replace(',', '.')):g}"


def _time_key(match: re.Match) -> str:
    return f"{int(match.group(1))}:{match.group(2) or '00'}"


def extract(kind: str, text: str) -> list[str]:
    """The values of one kind a text states, in a comparable form."""
    if kind == "phone":
        numbers = list(_PHONE.finditer(text))
        short = [
            m
            for m in _SHORT_PHONE.finditer(text)
            if not any(n.start() <= m.start() < n.end() for n in numbers)
        ]
        return [_phone_key(m.group()) for m in (*numbers, *short)]
    if kind == "amount":
        return [_amount_key(m.group(1)) for m in _AMOUNT.finditer(text)]
    if kind == "time":
        return [_time_key(m) for m in _TIME.finditer(text)]
    raise ValueError(f"unknown fact kind {kind!r} (phone, amount or time)")


def _load_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _answer_texts(prefix: str, entry) -> Iterator[tuple[str, str]]:
    if isinstance(entry, str):
        yield prefix, entry
    elif isinstance(entry, dict):
        if isinstance(entry.get("default"), str):
            yield f"{prefix}.default", entry["default"]
        for case, text in (entry.get("cases") or {}).items():
            yield f"{prefix}.cases.{case}", str(text)


def procedure_entry(raw: dict, name: str) -> Entry:
    entry = Entry(
        name, raw.get("verified"), list(raw.get("review_on") or ()), procedure_id=raw.get("id")
    )
    if isinstance(raw.get("summary"), str):
        entry.texts.append(("summary", " ".join(raw["summary"].split())))
    for question, answer in (raw.get("answers") or {}).items():
        entry.texts.extend(_answer_texts(f"answers.{question}", answer))
    for index, item in enumerate(raw.get("faq") or ()):
        where = f"faq[{item.get('id', index)}]"
        entry.texts.append((f"{where}.answer", str(item.get("answer", ""))))
        if isinstance(item.get("source"), dict):
            entry.urls.append((f"{where}.source", str(item["source"].get("url", ""))))
    for index, source in enumerate(raw.get("sources") or ()):
        entry.urls.append((f"sources[{index}]", str(source.get("url", ""))))
    for key in ("online_service", "simulator"):
        if isinstance(raw.get(key), dict):
            entry.urls.append((key, str(raw[key].get("url", ""))))
    return entry


def _help_entries(node: dict, path: str) -> Iterator[Entry]:
    """Every mapping of help.yml carrying a `verified` date is an entry (a route, a simulator)."""
    for key, value in node.items():
        if not isinstance(value, dict):
            continue
        name = f"{path}.{key}"
        if "verified" not in value:
            yield from _help_entries(value, name)
            continue
        entry = Entry(name, value["verified"], list(value.get("review_on") or ()))
        for field_name, text in value.items():
            if not isinstance(text, str):
                continue
            if field_name == "url" or field_name.endswith("_url"):
                entry.urls.append((field_name, text))
            elif field_name != "label":
                entry.texts.append((field_name, " ".join(text.split())))
        yield entry


def load_entries(directory: Path) -> list[Entry]:
    entries = []
    files = sorted((directory / "procedures").glob("*.yml"))
    files += sorted((directory / "local").rglob("*.yml")) if (directory / "local").is_dir() else []
    for path in files:
        raw = _load_yaml(path)
        if isinstance(raw, dict) and "id" in raw:
            entries.append(procedure_entry(raw, str(path.relative_to(directory))))
    if (directory / "help.yml").is_file():
        entries.extend(_help_entries(_load_yaml(directory / "help.yml") or {}, "help.yml"))
    return entries


def load_facts(directory: Path) -> list[Fact]:
    path = directory / "facts.yml"
    raw = (_load_yaml(path) or {}).get("facts", ()) if path.is_file() else ()
    facts = []
    for item in raw:
        kind = item["kind"]
        values = [str(value) for value in item["values"]]
        keys = {key for value in values for key in extract(kind, value)}
        if len(keys) < len(values):
            raise ValueError(f"facts.yml {item['id']}: a value is not a readable {kind}: {values}")
        facts.append(
            Fact(
                item["id"],
                kind,
                frozenset(keys),
                tuple(fold(word) for word in item.get("about", ())),
                frozenset(item.get("scope", ())),
                " / ".join(values) or "no confirmed value",
            )
        )
    return facts


def load_domains(directory: Path) -> tuple[str, ...]:
    raw = _load_yaml(directory / "official_domains.yml") or {}
    return tuple(domain.lower() for domain in raw["domains"])


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in range(day.day, 0, -1):  # 31 March minus one month is 28/29 February
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def check_freshness(entry: Entry, today: dt.date) -> Iterator[Finding]:
    verified = as_date(entry.verified)
    if verified is None:
        yield Finding(entry.name, ERROR, f"`verified` is missing or not a date: {entry.verified!r}")
        return
    if verified > today:
        yield Finding(entry.name, ERROR, f"verified {verified} is in the future")
    elif verified < _months_before(today, 12):
        yield Finding(entry.name, ERROR, f"verified {verified}: older than 12 months, re-check it")
    elif verified < _months_before(today, 11):
        yield Finding(entry.name, WARNING, f"verified {verified}: 12 months old within a month")
    for month_day in entry.review_on:
        match = _MONTH_DAY.match(str(month_day))
        try:
            date_this_year = dt.date(today.year, int(match[1]), int(match[2])) if match else None
        except ValueError:
            date_this_year = None
        if date_this_year is None:
            yield Finding(entry.name, ERROR, f"review_on {month_day!r} is not a MM-DD date")
            continue
        last = (
            date_this_year
            if date_this_year <= today
            else date_this_year.replace(year=today.year - 1)
        )
        if last > verified:
            yield Finding(
                entry.name,
                ERROR,
                f"review_on {month_day}: facts change on {last}, after verified {verified}",
            )


def is_official(url: str, domains: tuple[str, ...]) -> bool:
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    return parsed.scheme == "https" and any(
        host == domain or host.endswith(f".{domain}") for domain in domains
    )


def check_urls(entry: Entry, domains: tuple[str, ...]) -> Iterator[Finding]:
    for where, url in entry.urls:
        if not is_official(url, domains):
            yield Finding(
                entry.name,
                ERROR,
                f"{where}: {url!r} is not an https url on an "
                "official domain (official_domains.yml)",
            )


def check_lengths(entry: Entry) -> Iterator[Finding]:
    for where, text in entry.texts:
        if len(text) > MAX_CHARS:
            yield Finding(
                entry.name,
                ERROR,
                f"{where}: {len(text)} characters, more than a chat bubble ({MAX_CHARS})",
            )


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE_END.split(text) if sentence]


def check_facts(entry: Entry, facts: list[Fact]) -> Iterator[Finding]:
    declared_phones = {value for fact in facts if fact.kind == "phone" for value in fact.values}
    for where, text in entry.texts:
        for phone in {_phone_key(m.group()) for m in _PHONE.finditer(text)} - declared_phones:
            yield Finding(
                entry.name, WARNING, f"{where}: phone number {phone} is not declared in facts.yml"
            )
        for sentence in _sentences(text):
            folded = fold(sentence)
            for fact in facts:
                if fact.scope and entry.procedure_id not in fact.scope:
                    continue
                if fact.about and not any(word in folded for word in fact.about):
                    continue
                for value in extract(fact.kind, sentence):
                    if value not in fact.values:
                        yield Finding(
                            entry.name,
                            ERROR,
                            f"{where}: states {value} for {fact.id}, but facts.yml "
                            f"declares {fact.shown}: «{sentence.strip()}»",
                        )


def check(directory: Path = KNOWLEDGE_DIR, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    domains, facts = load_domains(directory), load_facts(directory)
    findings: list[Finding] = []
    for entry in load_entries(directory):
        findings += check_freshness(entry, today)
        findings += check_urls(entry, domains)
        findings += check_lengths(entry)
        findings += check_facts(entry, facts)
    return findings


def add_commands(commands) -> None:
    content = commands.add_parser("content", help="checks on the knowledge catalogue")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="CONTENT"
    )
    command = content_commands.add_parser(
        "check", help="freshness, official sources, length and consistency of every entry"
    )
    command.add_argument("--strict", action="store_true", help="exit 1 on any error")
    command.add_argument("--today", type=dt.date.fromisoformat, help="reference date, YYYY-MM-DD")
    command.add_argument(
        "--knowledge",
        type=Path,
        default=KNOWLEDGE_DIR,
        help="catalogue directory (default: data/knowledge)",
    )
    command.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        findings = check(args.knowledge, args.today)
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as error:
        print(f"guichet: cannot read the catalogue in {args.knowledge}: {error}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    errors = sum(finding.severity == ERROR for finding in findings)
    warnings = len(findings) - errors
    mode = "strict" if args.strict else "warn-only"
    print(f"content check ({mode}): {errors} error(s), {warnings} warning(s)")
    return 1 if args.strict and errors else 0
