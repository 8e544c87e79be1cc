"""The dependency direction of the layout: the assistant never loads the evaluation."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_MODULES = [
    "anonymization", "anonymization.redactor", "bot.privacy.store", "bot.privacy.brokers",
    "bot.server.channels", "bot.server.erasure", "bot.server.admin", "bot.server.locks",
    "bot.server.openapi", "actions",
]
EVALUATION_ONLY = ["evaluation", "faker", "presidio_anonymizer"]


def test_runtime_modules_import_no_evaluation_code_or_dependency():
    script = (
        "import importlib, sys\n"
        f"for name in {RUNTIME_MODULES!r}: importlib.import_module(name)\n"
        f"print(sorted(name for name in {EVALUATION_ONLY!r} if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True,
        timeout=300,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
