"""The 0.1 module paths that deployed configuration files name, kept for one release (0.2).

endpoints.yml and credentials.yml name classes by module path
(`bot.stores.RedactingSQLTrackerStore`). Each module here re-exports names from their new home;
`bot/__init__.py` puts this folder on the package path, so `bot.stores` still imports. Rename
them in your files (CHANGELOG.md): these aliases go in the next release.
"""
