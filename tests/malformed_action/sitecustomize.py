"""An action that returns malformed events quoting the citizen's words (tests/test_action_logs.py).

The servers of those tests load this file as `sitecustomize` (PYTHONPATH), so the action
server runs the project's `actions` package unchanged, plus this action: rasa_sdk registers
every `Action` subclass defined in its process.
"""

from rasa_sdk import Action


class ActionReturnMalformedEvents(Action):
    def name(self) -> str:
        return "action_return_malformed_events"

    def run(self, dispatcher, tracker, domain) -> list:
        text = tracker.latest_message.get("text")
        # No "event" key, then not even a dict: rasa_sdk drops both and logs their contents.
        return [{"name": "nom", "value": text}, f"slot nom = {text}"]
