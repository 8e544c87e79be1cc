"""Run anonyfy (in its own venv): JSON list of messages on stdin, JSON result on stdout."""

import json
import os
import sys
import tempfile
from importlib.metadata import version

from anonyfy import Vault

texts = json.load(sys.stdin)
with tempfile.TemporaryDirectory() as tmp:
    vault = Vault(key=os.urandom(32), scope="eval", registry_path=os.path.join(tmp, "r.db"))
    out = [vault.mask(text).text if text else text for text in texts]
    vault.close()
json.dump({"version": version("anonyfy"), "texts": out}, sys.stdout, ensure_ascii=False)
