"""Property-based fuzz of the REST channel's body parser (bot.server.channels.GuardedRestInput):
whatever the bytes, it returns acceptable fields or refuses with a 4xx, nothing else escapes,
and a refusal never quotes the request (so no canary comes back in an error).

The running server is fuzzed over HTTP by schemathesis in tests/test_openapi.py.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.server.channels import MAX_SENDER_CHARS, GuardedRestInput, Refused
from bot.settings import Settings
from tests.fuzzing import FUZZ

pytestmark = pytest.mark.unit

CANARY = "Kerbrat-Quéméner 06 71 82 93 04"
REFUSALS = {
    400: {"invalid_json", "invalid_fields", "invalid_characters", "empty_message"},
    413: {"message_too_long"},
}
CHANNEL = GuardedRestInput(Settings(max_message_chars=2000))

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=[]), max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
TEXTS = (
    st.text(st.characters(exclude_categories=[]), max_size=60)
    | st.text(max_size=60).map(lambda text: f"{text} {CANARY}")
    | st.sampled_from(["", " ", "\x00", "\ud800", "x" * 2001, CANARY])
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "sender": TEXTS
        | JSON_VALUES
        | st.text(min_size=MAX_SENDER_CHARS + 1, max_size=MAX_SENDER_CHARS + 2),
        "message": TEXTS | JSON_VALUES,
        "metadata": JSON_VALUES,
    },
)


def _json_bytes(value, ensure_ascii: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")


BODIES = st.one_of(
    st.binary(max_size=200),
    st.builds(_json_bytes, JSON_VALUES, st.booleans()),
    st.builds(_json_bytes, FIELDS, st.booleans()),
    st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 5000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    st.sampled_from(
        [b"", b"null", b"\xff\xfe", b'{"sender": "\\ud800", "message": "a"}', b"x" * 50_000]
    ),
)


def _check(body: bytes) -> None:
    try:
        sender, text, metadata = CHANNEL.message_fields(body)
    except Refused as refused:
        assert refused.error in REFUSALS[refused.status]
        reply = refused.response()
        assert reply.status == refused.status
        assert CANARY.encode() not in reply.body and "Kerbrat" not in reply.body.decode()
        return
    assert isinstance(sender, str) and 0 < len(sender) <= MAX_SENDER_CHARS
    assert sender.isprintable()
    assert isinstance(text, str) and text.strip() and len(text) <= 2000 and "\x00" not in text
    text.encode("utf-8")  # no lone surrogate reaches Rasa
    assert metadata is None or isinstance(metadata, dict)


@FUZZ
@given(BODIES)
def test_any_body_is_admitted_or_refused_with_a_4xx(body):
    _check(body)


@FUZZ
@given(FIELDS, st.booleans())
def test_any_fields_are_admitted_or_refused_with_a_4xx(fields, ensure_ascii):
    _check(_json_bytes(fields, ensure_ascii))
