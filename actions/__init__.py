"""The action server of Guichet: `rasa run actions` (or `python -m rasa_sdk --actions actions`).

rasa_sdk imports this package before it handles any request, however it is started (`rasa run
actions`, `python -m rasa_sdk`, `guichet run`): from then on every log record of the process
is redacted (bot/privacy/logs.py). At DEBUG, rasa_sdk logs the contents of the events an
action returned malformed, and those may quote what the citizen typed.
"""

from bot.privacy import logs as redacting_logs

redacting_logs.install()
