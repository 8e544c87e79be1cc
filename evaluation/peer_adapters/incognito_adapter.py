"""Run incognito-anonymizer (regex analyzer, placeholders) in its own venv."""

import json
import sys
from importlib.metadata import version

from incognito_anonymizer import Anonymizer

texts = json.load(sys.stdin)
out = []
for text in texts:
    anonymizer = Anonymizer()
    anonymizer.add_analyzer("regex")
    anonymizer.set_mask("placeholder")
    out.append(anonymizer.anonymize(text) if text else text)
result = {"version": version("incognito-anonymizer"), "texts": out}
json.dump(result, sys.stdout, ensure_ascii=False)
