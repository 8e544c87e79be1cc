"""Settings the operator gives through the environment: the admin token and the limits."""

from __future__ import annotations

import hmac
from types import SimpleNamespace

import pytest

from bot.server import api_auth
from bot.server.channels import GuardedRestInput
from bot.settings import DIRECT_RATE_LIMIT_PER_IP, Settings

pytestmark = pytest.mark.unit


@pytest.fixture
def environment(monkeypatch):
    """Start from no Guichet variable at all; return monkeypatch to set some."""
    for name in (
        "GUICHET_ADMIN_TOKEN",
        "GUICHET_ADMIN_TOKEN_FILE",
        "GUICHET_TRUSTED_PROXIES",
        "GUICHET_RATE_LIMIT_PER_IP",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_admin_token_comes_from_its_file_first_then_from_the_environment(
    environment,
    tmp_path,
):
    assert Settings().admin_token == "", "no token: administration is off"
    in_variable, in_file = "from-the-environment", "from-the-file"
    environment.setenv("GUICHET_ADMIN_TOKEN", in_variable)
    assert Settings().admin_token == in_variable
    secret = tmp_path / "admin-token"
    secret.write_text(in_file + "\n", encoding="utf-8")
    environment.setenv("GUICHET_ADMIN_TOKEN_FILE", str(secret))
    assert Settings().admin_token == in_file
    assert in_file not in repr(Settings())


def test_the_bearer_token_is_compared_in_constant_time(monkeypatch):
    compared, constant_time = [], hmac.compare_digest

    def compare_digest(provided, expected):
        compared.append((provided, expected))
        return constant_time(provided, expected)

    monkeypatch.setattr(hmac, "compare_digest", compare_digest)
    request = SimpleNamespace(headers={"Authorization": "Bearer secret-tokeX"})
    assert api_auth.bearer_refusal(request, "secret-token", {}).status == 401
    request.headers["Authorization"] = "bearer secret-token"
    assert api_auth.bearer_refusal(request, "secret-token", {}) is None
    assert compared == [(b"secret-tokeX", b"secret-token"), (b"secret-token", b"secret-token")]
    assert api_auth.bearer_refusal(request, "", {}).status == 403, "no token configured: off"


@pytest.mark.parametrize(
    ("variables", "per_ip"),
    [
        ({}, DIRECT_RATE_LIMIT_PER_IP),  # reached directly: each address is limited
        ({"GUICHET_TRUSTED_PROXIES": "10.0.0.0/8"}, 0),  # behind a load balancer: off
        ({"GUICHET_TRUSTED_PROXIES": "10.0.0.0/8", "GUICHET_RATE_LIMIT_PER_IP": "600"}, 600),
        ({"GUICHET_RATE_LIMIT_PER_IP": "0"}, 0),
    ],
)
def test_the_per_address_limit_is_off_by_default_behind_a_trusted_proxy(
    environment,
    variables,
    per_ip,
):
    for name, value in variables.items():
        environment.setenv(name, value)
    assert Settings().rate_limit_per_ip == per_ip
    assert GuardedRestInput().per_ip.per_minute == per_ip
