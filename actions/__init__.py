"""The action server of Guichet: `rasa run actions` (or `python -m rasa_sdk --actions actions`)."""
