"""Keep third-party libraries off the network.

Presidio's e-mail recognizer calls ``tldextract.extract``, whose default extractor
downloads the public-suffix list on first use. We replace the extractor Presidio
looks up by one reading only the snapshot bundled with tldextract.
"""

from functools import lru_cache
from types import SimpleNamespace

import tldextract
from presidio_analyzer.predefined_recognizers.generic import email_recognizer


@lru_cache(maxsize=1)
def offline_tldextract() -> tldextract.TLDExtract:
    """A TLDExtract using the bundled suffix snapshot, no download, no disk cache."""
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def patch_presidio() -> None:
    """Make Presidio's EmailRecognizer use the offline extractor (idempotent)."""
    email_recognizer.tldextract = SimpleNamespace(extract=offline_tldextract())
