"""What every question about one paper reuses, built once per paper.

The orchestrator builds one `PaperIndex` per document and hands it to the asking layer
(grounding quotes) and to the agent (retrieving passages for follow-ups, locating values
for the role checks), so targets of the same paper share it and neither layer keeps a
per-document cache of its own.
"""

from __future__ import annotations

import threading

from extractor.document import Document
from extractor.grounding import Grounder
from extractor.retrieve import Retriever
from extractor.roles import RoleChecker


class PaperIndex:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.grounder = Grounder(document)
        self._retriever: Retriever | None = None
        self._roles: RoleChecker | None = None
        self._lock = threading.Lock()

    @property
    def retriever(self) -> Retriever:
        """BM25 over the paper's passages: built on first use (single-pass records never
        need it)."""
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever(self.document)
            return self._retriever

    @property
    def roles(self) -> RoleChecker:
        """The paper's value locator and group labels for the role checks, built once."""
        with self._lock:
            if self._roles is None:
                self._roles = RoleChecker(self.document)
            return self._roles
