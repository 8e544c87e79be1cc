"""The Rasa server side: launcher, HTTP channels, rate limiting, lock store, static files."""
