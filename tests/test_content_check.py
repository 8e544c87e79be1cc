"""`guichet content check` on fixture catalogues: each check finds what it should, and only that."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot import cli
from bot.tools import content_check
from bot.tools.content_check import ERROR, WARNING

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 12, 1)
DOMAINS = {"domains": ["gouv.fr", "caf.fr"]}
FACTS = {
    "facts": [
        {
            "id": "hotline_number",
            "kind": "phone",
            "about": ["39 39", "allo service public"],
            "values": ["39 39", "+33 1 73 60 39 39"],
        },
        {
            "id": "hotline_hours",
            "kind": "time",
            "about": ["39 39"],
            "values": ["8 h 30", "18 h 15", "13 h", "17 h"],
        },
        {
            "id": "stamp",
            "kind": "amount",
            "about": ["timbre"],
            "scope": ["cni"],
            "values": ["25 €", "12,50 €"],
        },
    ]
}


def _procedure(identifier: str, **overrides) -> dict:
    raw = {
        "id": identifier,
        "title": identifier.upper(),
        "aliases": [identifier],
        "summary": "Une démarche gratuite.",
        "answers": {
            "where": "En mairie.",
            "cost": {
                "default": "Gratuit.",
                "cases": {"loss": "Un timbre fiscal de 25 € (12,50 € en Guyane)."},
            },
        },
        "sources": [{"title": "Fiche", "url": "https://www.service-public.gouv.fr/F1"}],
        "verified": dt.date(2026, 11, 28),
    }
    raw.update(overrides)
    return raw


def _catalogue(
    tmp_path: Path, *procedures: dict, help_routes: dict | None = None, facts: dict = FACTS
) -> Path:
    (tmp_path / "procedures").mkdir()
    for raw in procedures:
        (tmp_path / "procedures" / f"{raw['id']}.yml").write_text(
            yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8"
        )
    (tmp_path / "official_domains.yml").write_text(yaml.safe_dump(DOMAINS), encoding="utf-8")
    (tmp_path / "facts.yml").write_text(yaml.safe_dump(facts, allow_unicode=True), "utf-8")
    if help_routes is not None:
        (tmp_path / "help.yml").write_text(
            yaml.safe_dump(help_routes, allow_unicode=True), encoding="utf-8"
        )
    return tmp_path


def _findings(directory: Path, today: dt.date = TODAY) -> list[tuple[str, str, str]]:
    return [(f.entry, f.severity, f.message) for f in content_check.check(directory, today)]


def test_a_clean_catalogue_has_no_finding(tmp_path):
    assert _findings(_catalogue(tmp_path, _procedure("cni"), _procedure("passeport"))) == []


@pytest.mark.parametrize(
    ("verified", "expected"),
    [
        (dt.date(2026, 1, 2), None),  # 10 months and 29 days
        (dt.date(2025, 12, 31), WARNING),  # 11 months and 1 day
        (dt.date(2025, 12, 1), WARNING),  # exactly 12 months: still a warning
        (dt.date(2025, 11, 30), ERROR),  # 12 months and 1 day
        (dt.date(2027, 1, 1), ERROR),  # in the future
    ],
)
def test_verified_date_ages_into_a_warning_then_an_error(tmp_path, verified, expected):
    directory = _catalogue(tmp_path, _procedure("cni", verified=verified))
    severities = [severity for _, severity, message in _findings(directory)]
    assert severities == ([expected] if expected else [])


def test_a_missing_verified_date_is_an_error(tmp_path):
    raw = _procedure("cni")
    del raw["verified"]
    [(entry, severity, message)] = _findings(_catalogue(tmp_path, raw))
    assert (entry, severity) == ("procedures/cni.yml", ERROR) and "verified" in message


def test_review_dates_passed_since_verification_are_listed(tmp_path):
    raw = _procedure("rsa", verified=dt.date(2026, 3, 15), review_on=["04-01", "01-01"])
    findings = _findings(_catalogue(tmp_path, raw))
    # 1 April 2026 passed after the check of 15 March 2026; 1 January 2026 came before it.
    assert [(severity, message.split(":")[0]) for _, severity, message in findings] == [
        (ERROR, "review_on 04-01")
    ]
    assert "2026-04-01" in findings[0][2]


def test_review_dates_of_next_year_are_not_due_yet(tmp_path):
    raw = _procedure("rsa", verified=dt.date(2026, 4, 2), review_on=["04-01", "12-25"])
    assert _findings(_catalogue(tmp_path, raw)) == []


def test_a_malformed_review_date_is_an_error(tmp_path):
    raw = _procedure("rsa", review_on=["1er avril"])
    [(_, severity, message)] = _findings(_catalogue(tmp_path, raw))
    assert severity == ERROR and "MM-DD" in message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sources", [{"title": "Blog", "url": "https://www.carte-grise-express.fr/aide"}]),
        ("sources", [{"title": "Insecure", "url": "http://www.service-public.gouv.fr/F1"}]),
        ("online_service", {"label": "Look-alike", "url": "https://gouv.fr.example.com/"}),
        ("simulator", {"label": "Look-alike", "url": "https://notcaf.fr/simulateur"}),
        (
            "faq",
            [
                {
                    "id": "q",
                    "question": "?",
                    "variants": [],
                    "answer": "Oui.",
                    "source": {"title": "Forum", "url": "https://forum.example.org/t/1"},
                }
            ],
        ),
    ],
)
def test_urls_off_the_official_domains_are_errors(tmp_path, field, value):
    findings = _findings(_catalogue(tmp_path, _procedure("cni", **{field: value})))
    assert [severity for _, severity, _ in findings] == [ERROR]
    assert "official domain" in findings[0][2]


def test_subdomains_of_official_domains_are_accepted():
    domains = ("gouv.fr", "caf.fr")
    assert content_check.is_official("https://immatriculation.ants.gouv.fr/x", domains)
    assert content_check.is_official("https://wwwd.caf.fr/wps/portal", domains)
    assert not content_check.is_official("https://ants-gouv.fr/", domains)


@pytest.mark.parametrize(
    "overrides",
    [
        {"summary": "x" * 601},
        {"answers": {"where": "x" * 601}},
        {"answers": {"cost": {"default": "Gratuit.", "cases": {"loss": "x" * 601}}}},
        {
            "faq": [
                {
                    "id": "q",
                    "question": "?",
                    "variants": [],
                    "answer": "x" * 601,
                    "source": {"title": "Fiche", "url": "https://www.service-public.gouv.fr/F1"},
                }
            ]
        },
    ],
)
def test_texts_longer_than_a_chat_bubble_are_errors(tmp_path, overrides):
    findings = _findings(_catalogue(tmp_path, _procedure("cni", **overrides)))
    assert [severity for _, severity, _ in findings] == [ERROR]
    assert "601 characters" in findings[0][2]


def test_an_answer_of_exactly_600_characters_fits(tmp_path):
    assert _findings(_catalogue(tmp_path, _procedure("cni", answers={"where": "x" * 600}))) == []


def test_an_amount_stated_differently_in_another_file_is_an_error(tmp_path):
    drifted = _procedure("cni", answers={"cost": "Après une perte, un timbre fiscal de 30 €."})
    findings = _findings(_catalogue(tmp_path, drifted))
    assert [
        (severity, "stamp" in message, "30" in message) for _, severity, message in findings
    ] == [(ERROR, True, True)]


def test_a_fact_is_only_checked_in_its_scope(tmp_path):
    other = _procedure("passeport", answers={"cost": "Timbre fiscal de 86 €."})
    assert _findings(_catalogue(tmp_path, other)) == []


def test_a_fact_without_a_confirmed_value_refuses_any_amount(tmp_path):
    facts = {
        "facts": [
            {
                "id": "late_fee",
                "kind": "amount",
                "about": ["regularisation"],
                "scope": ["sejour"],
                "values": [],
            }
        ]
    }
    unsure = _procedure(
        "sejour",
        answers={
            "delay": "En retard, un droit de visa de régularisation s'ajoute. Je ne suis pas sûr "
            "de son montant : vérifiez-le sur la page officielle.",
            "cost": "Le titre coûte 225 €.",
        },
    )
    assert _findings(_catalogue(tmp_path, unsure, facts=facts)) == []
    stated = _procedure("sejour", answers={"delay": "Un droit de visa de régularisation de 180 €."})
    (tmp_path / "stated").mkdir()
    [(_, severity, message)] = _findings(_catalogue(tmp_path / "stated", stated, facts=facts))
    assert severity == ERROR and "late_fee" in message and "no confirmed value" in message


def test_hours_and_numbers_are_compared_across_files_and_help(tmp_path):
    procedure = _procedure(
        "allo",
        answers={
            "where": "Composez le 39 39, du lundi au jeudi de 8 h 30 à 18 h 00.",
            "cost": "Depuis l'étranger : +33 1 73 60 39 39.",
        },
    )
    routes = {
        "allo": {
            "label": "Allô",
            "phone": "39 39",
            "verified": dt.date(2026, 11, 28),
            "hours": "le 39 39 répond de 8 h 30 à 18 h 15",
            "text": "Appelez Allô Service Public au 39 40.",
            "url": "https://www.service-public.gouv.fr/F33683",
        }
    }
    findings = _findings(_catalogue(tmp_path, procedure, help_routes=routes))
    assert sorted((entry, message.split(":")[0]) for entry, _, message in findings) == [
        ("help.yml.allo", "text"),
        ("procedures/allo.yml", "answers.where"),
    ]
    assert all(severity == ERROR for _, severity, _ in findings)
    assert any("18:00" in message for _, _, message in findings)
    assert any("3940" in message for _, _, message in findings)


def test_an_undeclared_phone_number_is_a_warning(tmp_path):
    raw = _procedure("cni", answers={"where": "Appelez votre mairie au 01 23 45 67 89."})
    [(_, severity, message)] = _findings(_catalogue(tmp_path, raw))
    assert severity == WARNING and "0123456789" in message


def test_an_unreadable_fact_declaration_is_refused(tmp_path):
    facts = {"facts": [{"id": "bad", "kind": "amount", "values": ["vingt-cinq euros"]}]}
    with pytest.raises(ValueError, match="bad"):
        content_check.check(_catalogue(tmp_path, _procedure("cni"), facts=facts), TODAY)


def test_help_routes_are_checked_like_entries(tmp_path):
    routes = {
        "simulators": {
            "old": {
                "label": "Simulateur",
                "url": "https://example.com/sim",
                "verified": dt.date(2025, 6, 1),
            }
        }
    }
    findings = _findings(_catalogue(tmp_path, _procedure("cni"), help_routes=routes))
    assert sorted((entry, severity) for entry, severity, _ in findings) == [
        ("help.yml.simulators.old", ERROR),
        ("help.yml.simulators.old", ERROR),
    ]


def test_cli_warns_without_failing_and_fails_in_strict_mode(tmp_path, capsys):
    directory = _catalogue(tmp_path, _procedure("cni", verified=dt.date(2024, 1, 1)))
    base = ["content", "check", "--knowledge", str(directory), "--today", "2026-12-01"]
    assert cli.main(base) == 0
    assert "1 error(s)" in capsys.readouterr().out
    assert cli.main([*base, "--strict"]) == 1
    assert "(strict)" in capsys.readouterr().out


def test_cli_strict_passes_on_a_clean_catalogue(tmp_path):
    directory = _catalogue(tmp_path, _procedure("cni"))
    assert (
        cli.main(
            ["content", "check", "--strict", "--knowledge", str(directory), "--today", "2026-12-01"]
        )
        == 0
    )


def test_cli_reports_an_unreadable_catalogue(tmp_path, capsys):
    assert cli.main(["content", "check", "--knowledge", str(tmp_path / "missing")]) == 2
    assert "cannot read the catalogue" in capsys.readouterr().err


def test_the_shipped_catalogue_passes_strict():
    # Dated at its newest check, so that the test does not fail on a calendar date (the age of
    # each entry is the yearly review's business, see docs/content-review.md).
    newest = max(
        content_check.as_date(entry.verified) or TODAY
        for entry in content_check.load_entries(content_check.KNOWLEDGE_DIR)
    )
    assert [str(f) for f in content_check.check(today=newest) if f.severity == ERROR] == []
