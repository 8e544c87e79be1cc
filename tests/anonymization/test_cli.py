"""The `redact` Unix filter, run as a subprocess with the same interpreter."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.subprocesses import Batch, Commands

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


LINES = [
    b"je m'appelle marie lemoine",
    b"",
    b"tel 06 12 34 56 78",
    b"\xff\xfe invalid utf-8 \xc3",
    b"a" * 1_000_000,
    b"",
    "La CAF m'a versé 86 €".encode(),
]
# Each run of the filter spends seconds loading spaCy: they all start at once, in the background.
REDACT = [sys.executable, "-m", "anonymization", "redact"]
RUNS = {
    "lines": (REDACT, b"\n".join(LINES) + b"\n"),
    "json": (
        [*REDACT, "--json", "--conversation-id", "c1"],
        "je m'appelle marie lemoine\nsigné marie lemoine\n".encode(),
    ),
    "no final newline": (REDACT, b"tel 0612345678"),
}


BATCH = Batch(lambda _: Commands(RUNS), cwd=ROOT)


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess]:
    done = BATCH.results()
    for process in done.values():
        assert process.returncode == 0, process.stderr.decode()[-2000:]
    return done


@pytest.fixture
def filtered(runs):
    return LINES, runs["lines"]


def test_one_output_line_per_input_line(filtered):
    lines, done = filtered
    out = done.stdout.decode("utf-8").split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines)
    assert out[0] == "je m'appelle <PERSON_1>"
    assert out[1] == "" and out[5] == ""
    assert out[2] == "tel <PHONE_NUMBER_1>"
    assert out[4] == "<REDACTION_FAILED>"
    assert out[6] == "La CAF m'a versé 86 €"


def test_raw_values_never_echoed(filtered):
    _, done = filtered
    assert b"lemoine" not in done.stdout and b"aaaa" not in done.stdout
    assert b"lemoine" not in done.stderr


def test_json_output_and_conversation_id(runs):
    done = runs["json"]
    first, second = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert first == {
        "text": "je m'appelle <PERSON_1>",
        "failed": False,
        "entities": [
            {"type": "PERSON", "start": 13, "end": 26, "score": first["entities"][0]["score"]}
        ],
    }
    assert second["text"] == "signé <PERSON_1>"


def test_last_line_without_newline(runs):
    assert runs["no final newline"].stdout == b"tel <PHONE_NUMBER_1>\n"
