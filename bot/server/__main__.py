"""`python -m bot.server rasa ARGS...`: Rasa's command (`rasa ARGS...`), private and checked.

Where the Rasa server starts (`guichet run` starts it this way): redacted logging is installed
first, then the Rasa compatibility layer (`bot.rasa_compat.install`: the version check and the
speed-ups), then Rasa's own command line runs in this process.
"""

import runpy
import sys

from bot import rasa_compat
from bot.privacy import logs


def main() -> None:
    if sys.argv[1:2] != ["rasa"]:
        sys.exit("usage: python -m bot.server rasa ARGS...")
    logs.install()
    try:
        rasa_compat.install()
    except rasa_compat.UnsupportedRasa as error:
        sys.exit(f"guichet: {error}")
    sys.argv = sys.argv[1:]
    runpy.run_module("rasa", run_name="__main__", alter_sys=True)


main()
