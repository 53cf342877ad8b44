"""The orchestrator: one record for one paper (and target), made in one place.

    first pass (extractor/extract.py: ask each field group, validate, ground)
      -> the agent (extractor/agent.py: check, recover, second rater, triage)
      -> provenance (what the record was made from, what it cost, every step's trace)

It alone knows both the asking layer and the agent, and calls them only downward. It
builds each paper's `PaperIndex` once and shares it between the targets of that paper.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from extractor import __version__
from extractor.agent import Agent
from extractor.document import Document
from extractor.extract import PROMPT_NAME, Extractor
from extractor.key import ExtractionKey, ExtractionSettings
from extractor.llm.base import ChatBackend, ProgressHook
from extractor.llm.cache import ResponseCache
from extractor.llm.pricing import backend_cost
from extractor.paper_index import PaperIndex
from extractor.tally import ExtractionError, Tally
from extractor.targets import Target
from schemas.form import Form
from schemas.record import Provenance, RecordLine, TraceStep, utc_now

_INDEXES_KEPT = 8  # targets of a paper arrive together: a few papers' indexes suffice


def no_text_layer(document: Document) -> str:
    """The one line for a paper with no text to read: asking a model about it would only
    spend requests on an empty context (and its index cannot be built)."""
    scanned = len(document.source.scanned_pages)
    pages = f"{scanned} of {document.source.pages} page(s) are images only" if scanned else ""
    detail = f" ({pages}; run OCR first, e.g. ocrmypdf)" if pages else ""
    return f"{document.source.path}: the paper has no text layer{detail}"


class RecordMaker:
    """Makes `RecordLine`s for `form` with `backend` (the job runner's `Makes`)."""

    def __init__(
        self,
        form: Form,
        backend: ChatBackend,
        *,
        cache: ResponseCache | None = None,
        settings: ExtractionSettings | None = None,
        max_reasks: int = 2,
        second_backend: ChatBackend | None = None,
    ) -> None:
        self.extractor = Extractor(
            form,
            backend,
            cache=cache,
            settings=settings,
            max_reasks=max_reasks,
            second_backend=second_backend,
        )
        self.form = form
        self.backend = backend
        self.settings = self.extractor.settings
        self.agent = Agent(form, self.settings.agent, self.extractor)
        self._indexes: OrderedDict[str, PaperIndex] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def on_progress(self) -> ProgressHook | None:
        return self.extractor.on_progress

    @on_progress.setter
    def on_progress(self, hook: ProgressHook | None) -> None:
        self.extractor.on_progress = hook

    def key_for(self, paper_sha256: str, target: Target | None) -> ExtractionKey:
        """The key a record of this paper (and target) gets from this maker."""
        backend = self.extractor.backend
        return ExtractionKey.build(
            paper_sha256=paper_sha256,
            form=self.form,
            prompt_hash=self.extractor.prompt_hash,
            backend=backend.name,
            model=backend.model,
            target=target,
            settings=self.settings,
        )

    def index(self, document: Document) -> PaperIndex:
        """The paper's index, built once and shared by its targets."""
        key = document.source.sha256 or str(id(document))
        with self._lock:
            index = self._indexes.get(key)
            if index is None or index.document is not document:
                index = PaperIndex(document)
                self._indexes[key] = index
                while len(self._indexes) > _INDEXES_KEPT:
                    self._indexes.popitem(last=False)
            return index

    def make_record(self, document: Document, target: Target | None = None) -> RecordLine:
        """One record for `document` (and `target`); raises `ExtractionError`.

        The first pass fills each field group; then, unless `single_pass`, the agent
        checks every value against the paper and asks again about what failed; a second
        rater may extract independently; every value ends with a triage.
        """
        if self.form.targeted and target is None:
            raise ExtractionError(
                f"form {self.form.name} is targeted: a target is needed", kind="input"
            )
        if not document.text.strip():
            raise ExtractionError(no_text_layer(document), kind="input")
        started = utc_now()
        index = self.index(document)
        tally = Tally()
        record, sent = self.extractor.first_pass(index, target, tally)
        tally.trace.append(
            TraceStep(
                step="extract",
                fields=list(record),
                requests=tally.requests,
                usage=tally.usage,
                note=_groups_note(len(self.form.groups), tally.groups_not_asked),
            )
        )
        self.agent.run(index, target, record, sent, tally)
        backend = self.extractor.backend
        key = self.key_for(document.source.sha256, target)
        cost, cost_note = backend_cost(backend, tally.usage)
        provenance = Provenance(
            paper_sha256=key.paper_sha256,
            form=self.form.name,
            form_version=self.form.version,
            form_hash=key.form_hash,
            prompt_name=PROMPT_NAME,
            prompt_hash=key.prompt_hash,
            target_hash=key.target_hash,
            settings_hash=key.settings_hash,
            backend=key.backend,
            model=key.model,
            temperature=self.settings.temperature,
            structured_mode=tally.structured_mode,
            usage=tally.usage,
            cost_usd=cost,
            cost_note=cost_note,
            requests=tally.requests,
            cached=tally.calls > 0 and tally.cache_hits == tally.calls,
            started_at=started,
            finished_at=utc_now(),
            litextract_version=__version__,
            warnings=tally.warnings,
            trace=tally.trace,
        )
        return RecordLine(
            paper_id=document.paper_id,
            target_id=target.target_id if target else None,
            target=target.as_dict() if target else None,
            record=record,
            provenance=provenance,
        )


def _groups_note(groups: int, not_asked: list[str]) -> str:
    if not not_asked:
        return f"{groups} group(s)"
    return f"{groups} group(s); not asked, as none of their fields applies: {', '.join(not_asked)}"
