"""Keeps API keys and URL passwords out of every log line, the HTTP libraries' included.

The openai SDK and its HTTP client log request URLs (with any user:password in them)
at INFO/DEBUG; a filter on their loggers rewrites each record with the registered
secrets replaced by "***" before any handler sees it.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import unquote, urlsplit

# Loggers of the libraries our backends drive (httpx2 is the SDK's vendored httpx).
LIBRARY_LOGGERS = ("openai", "openai._base_client", "httpx", "httpx2", "httpcore", "httpcore2")
MIN_SECRET = 4  # shorter strings would redact ordinary text


class SecretFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= MIN_SECRET:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


SECRETS = SecretFilter()
_installed = False


def protect(*secrets: str | None, url: str | None = None) -> None:
    """Registers `secrets` (and the password in `url`, if any) for redaction."""
    global _installed
    for secret in secrets:
        SECRETS.add(secret)
    if url and (password := urlsplit(url).password):
        SECRETS.add(password)
        SECRETS.add(unquote(password))
    if not _installed:
        for name in LIBRARY_LOGGERS:
            logging.getLogger(name).addFilter(SECRETS)
        _installed = True
