"""`guichet ask`: content editors put questions to the trained assistant from a terminal."""

import subprocess

import pytest

from tests.conftest import GUICHET, PROJECT_ROOT

pytestmark = pytest.mark.model


def test_ask_prints_answers_of_one_conversation():
    result = subprocess.run(
        [*GUICHET, "ask", "Je veux refaire mon passeport", "Combien ça coûte ?"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    first, second = result.stdout.split("> ")[1:]
    assert first.startswith("Je veux refaire mon passeport")
    assert "86 €" in second and "Source officielle" in second
