"""The HTTP contract (bot/server/openapi.yml) against the implementation.

- The description is valid OpenAPI 3.1, and each of its examples is valid against its schema.
- Every route the server registers (Rasa's root and the channels of credentials.yml) is
  described, and every described route is registered.
- The server serves it at /webhooks/openapi.json.
- schemathesis runs against the real server (examples, boundary cases, then random valid and
  invalid requests, a bounded number per operation, with a fixed seed): no 5xx, and every
  response conforms to the description (status, content type, headers, body schema); invalid
  requests are refused with a 4xx and an operation needing the token refuses requests without it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from bot.server.openapi import SPEC_FILE
from tests.conftest import PROJECT_ROOT, start_assistant, stop_assistant

SPEC = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
ADMIN_TOKEN = "openapi-admin-token"  # noqa: S105 (a test server's token)
# Per operation and phase; with the examples and boundary cases, the run stays within about
# two minutes on a 2-core machine.
MAX_EXAMPLES = 50
SEED = 20261202


def _normalised(path: str) -> str:
    """'/webhooks/widget/{name}' for 'webhooks/widget/<name:str>' and '/webhooks/widget/'."""
    path = re.sub(r"<(\w+)(?::[^>]*)?>", r"{\1}", "/" + path.lstrip("/"))
    return path.rstrip("/") or "/"


def described_routes() -> set[tuple[str, str]]:
    return {
        (method.upper(), _normalised(path))
        for path, item in SPEC["paths"].items()
        for method in item
        if method in METHODS
    }


def registered_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of the server that `guichet run` starts (Rasa's HTTP API,
    on only with an admin token, is Rasa's own and described by Rasa)."""
    from rasa.core.run import configure_app, create_http_input_channels

    channels = create_http_input_channels(None, str(PROJECT_ROOT / "credentials.yml"))
    app = configure_app(channels, enable_api=False)
    return {
        (method, _normalised(route.path))
        for route in app.router.routes
        for method in route.methods
        if method not in {"HEAD", "OPTIONS"}
    }


@pytest.mark.unit
def test_description_is_valid_openapi_3_1():
    import schemathesis

    assert SPEC["openapi"].startswith("3.1.")
    schemathesis.openapi.from_dict(SPEC).validate()


@pytest.mark.unit
def test_every_route_is_described_and_every_description_is_a_route():
    registered, described = registered_routes(), described_routes()
    assert registered - described == set(), "registered but not described"
    assert described - registered == set(), "described but not registered"


def _examples(holder: dict) -> list:
    found = [holder["example"]] if "example" in holder else []
    return found + [example["value"] for example in holder.get("examples", {}).values()]


def _schemas_with_examples():
    """(where, schema, example) of every example in the description."""
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                for example in _examples(parameter):
                    yield f"{where} {parameter['name']}", parameter["schema"], example
            contents = [("request", operation.get("requestBody", {}).get("content", {}))]
            contents += [
                (status, response.get("content", {}))
                for status, response in operation["responses"].items()
            ]
            for label, content in contents:
                for media_type, body in content.items():
                    for example in _examples(body):
                        yield f"{where} {label} {media_type}", body["schema"], example
    for name, schema in SPEC["components"]["schemas"].items():
        for example in _examples(schema):
            yield name, schema, example


@pytest.mark.unit
def test_every_example_is_valid_against_its_schema():
    from jsonschema import Draft202012Validator, RefResolver

    resolver = RefResolver.from_schema(SPEC)
    checked = []
    for where, schema, example in _schemas_with_examples():
        validator = Draft202012Validator(
            schema, resolver=resolver, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        errors = [error.message for error in validator.iter_errors(example)]
        assert errors == [], (where, example)
        checked.append(where)
    assert len(checked) >= 10  # the walk found the examples


@pytest.fixture(scope="module")
def contract_assistant(tmp_path_factory):
    """A server with the audit route on (admin token); rate limits off (conftest), so that the
    generated requests reach the code behind them rather than the limiter."""
    running = start_assistant(
        tmp_path_factory.mktemp("contract"), {"GUICHET_ADMIN_TOKEN": ADMIN_TOKEN}
    )
    yield running
    stop_assistant(running)


@pytest.mark.server
def test_the_server_serves_the_description(contract_assistant):
    status, served = contract_assistant.post("/webhooks/openapi.json", b"")
    assert status == 405  # GET only
    status, headers, body = contract_assistant.exchange("GET", "/webhooks/openapi.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == SPEC


@pytest.mark.server
def test_what_schemathesis_found_stays_fixed(contract_assistant):
    sender, auth = "0" * 32, {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    # A feedback value of another type was a 500 (unhashable); unreadable JSON got Sanic's
    # error page instead of Guichet's {"error"}.
    for body in ({"sender": sender, "value": {}}, {"sender": sender, "value": ["up"]}, b"\x00"):
        status, error = contract_assistant.post("/webhooks/widget/feedback", body)
        assert status == 400 and "error" in json.loads(error), body
    # The audit's `since` is YYYY-MM-DD only; blank is not the default.
    for since in ("", "20260101", "2026-W01-1"):
        status, _, body = contract_assistant.exchange(
            "GET", f"/webhooks/audit/report?since={since}", headers=auth
        )
        assert status == 400 and json.loads(body) == {"error": "since must be a date, YYYY-MM-DD"}
    # Sanic's own errors in Guichet's form, with the Allow header a 405 needs.
    status, headers, body = contract_assistant.exchange("TRACE", "/webhooks/rest/webhook")
    assert (status, headers["Allow"], json.loads(body)) == (
        405,
        "POST",
        {"error": "method not allowed"},
    )
    status, headers, body = contract_assistant.exchange("GET", "/webhooks/nowhere")
    assert (status, json.loads(body)) == (404, {"error": "not found"})
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.server
def test_no_response_carries_the_headers_of_an_earlier_one(contract_assistant):
    """The redirect added its Location, and a streamed reply its CORS headers, to the
    security headers that every later response shared."""

    def health_headers() -> list[tuple[str, str]]:
        status, headers, _ = contract_assistant.exchange("GET", "/webhooks/rest/")
        assert status == 200
        return sorted(
            (name.lower(), value)
            for name, value in headers.items()
            if name.lower() not in {"date", "connection", "keep-alive"}
        )

    before = health_headers()
    status, _, _ = contract_assistant.exchange("GET", "/webhooks/widget")  # the redirect
    assert status == 200  # followed to the demo page
    status, _, _ = contract_assistant.exchange(
        "POST",
        "/webhooks/rest/webhook?stream=true",
        json.dumps({"sender": "1" * 32, "message": "Bonjour"}).encode(),
        {"Content-Type": "application/json", "Origin": contract_assistant.base_url},
    )
    assert status == 200
    after = health_headers()
    assert after == before
    assert "location" not in dict(after) and dict(after)["x-content-type-options"] == "nosniff"


@pytest.mark.server
def test_schemathesis_finds_no_server_error_and_no_nonconformance(contract_assistant, tmp_path):
    report = tmp_path / "schemathesis.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{contract_assistant.base_url}/webhooks/openapi.json",
            "--url",
            contract_assistant.base_url,
            "--checks",
            "all",
            # Valid requests may still be refused: feedback on an unknown conversation (404), a
            # blank or control-character sender or message (400); the description says when.
            "--exclude-checks",
            "positive_data_acceptance",
            "--header",
            f"Authorization: Bearer {ADMIN_TOKEN}",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--max-redirects",
            "0",
            "--request-timeout",
            "60",
            "--generation-database",
            "none",
            "--no-color",
            "--suppress-health-check",
            "all",
            "--report",
            "json",
            "--report-json-path",
            str(report),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(run.stdout[-6000:])
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    summary = json.loads(report.read_text(encoding="utf-8"))
    print(json.dumps(summary, indent=1)[:3000])
