"""Run ezpiizi (Presidio mode; its PII-Tracer modes need weights from a hub) in its own venv."""

import json
import sys
from importlib.metadata import version

from ezpiizi import pseudonymise_text, vault_for

texts = json.load(sys.stdin)
out = [
    pseudonymise_text(text, vault_for(f"eval-{i}")) if text else text
    for i, text in enumerate(texts)
]
json.dump({"version": version("ezpiizi"), "texts": out}, sys.stdout, ensure_ascii=False)
