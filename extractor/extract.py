"""Fill one form for one paper (and one target): plan, ask, validate, ground.

One chat call per field group. The paper text comes first in the user message
and the group's instructions last, so a provider's prompt cache can reuse the
long common prefix across groups. Each call is cached under (backend, model,
the group's prompt hash, the group's schema hash, the exact context + target):
an unchanged re-run sends nothing, and editing one group's fields re-asks
only that group. Only answers that validated are cached.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from extractor.check import applies
from extractor.document import Document
from extractor.draft import FieldDraft, describe_errors, draft_model, validate_draft
from extractor.key import (
    ExtractionSettings,
)
from extractor.llm.base import (
    ChatBackend,
    ChatRequest,
    ChatResponse,
    ContextOverflowError,
    LLMError,
    NoStructuredOutputError,
    ProgressHook,
    RefusalError,
    TransientError,
    TruncatedError,
)
from extractor.llm.cache import CacheKey, ResponseCache
from extractor.llm.tokens import count_tokens
from extractor.paper_index import PaperIndex
from extractor.plan import Context, plan_context, reversed_context
from extractor.tally import Tally
from extractor.targets import Target
from prompts import fence, load_prompt, sources_fingerprint
from schemas.extracted import Extracted, Status
from schemas.form import FieldSpec, Form
from schemas.hashing import sha256_text
from schemas.record import TraceStep
from schemas.strict import draft_schema

PROMPT_NAME = "extract"
# Every template an extraction can render: their sources are part of the prompt hash.
TEMPLATES = ("extract_system", "extract_user", "extract_reask", "extract_followup")
_WINDOW_MARGIN = 64  # tokens: the chat template's own markers, and rounding
_REPLAN_MARGIN = 256  # tokens cut beyond an overflow, so the second try fits


def prompt_fingerprint(form: Form) -> str:
    """What we ask, whatever the paper: the template sources (every branch) and each
    group's fields and answer schema. Computable without a backend (for `status`)."""
    groups = {
        name: [draft_schema(form, specs), [_field_view(s) for s in specs]]
        for name, specs in form.groups.items()
    }
    return sha256_text(
        json.dumps([sources_fingerprint(TEMPLATES), form.hash, groups], sort_keys=True)
    )[:16]


@dataclass(frozen=True)
class _Group:
    name: str
    specs: tuple[FieldSpec, ...]
    schema: dict[str, Any]
    schema_hash: str
    draft_model: type[BaseModel]
    prompt_hash: str


def _field_view(spec: FieldSpec) -> dict[str, Any]:
    choices = ", ".join(
        f"{c} ({spec.choice_definitions[c]})" if c in spec.choice_definitions else c
        for c in spec.choices
    )
    return {
        "name": spec.name,
        "type": spec.kind.prompt_label,
        "description": spec.description,
        "choices": choices,
        "subfields": [_field_view(s) for s in spec.item_fields],
    }


# A field of a group that was not asked: empty, and (its `applies_when` being false) in
# need of no review.
_NOT_ASKED: FieldDraft[Any] = FieldDraft[Any](value=None, status=Status.not_reported)


class Extractor:
    """Fills `form` for a `Document` with `backend`, grounding every quote."""

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
        """`settings.context_window` is the window the user configured (part of the key);
        the budget itself comes from the backend's declared `context_window`."""
        self.form = form
        self.backend = backend
        self.cache = cache
        self.max_reasks = max_reasks
        self.second_backend = second_backend  # the second rater's model (default: backend)
        self.on_progress: ProgressHook | None = None  # a long call's tokens, for progress bars
        self.settings = settings = settings or ExtractionSettings()
        max_context_tokens, max_tokens = settings.max_context_tokens, settings.max_tokens
        self.max_context_tokens = max_context_tokens
        self.max_tokens = max_tokens
        window = backend.context_window  # declared by the backend; None for remote APIs
        if window:
            # The answer needs room in the same window: a quarter of it at most.
            self.max_tokens = min(max_tokens, window // 4)
        self._budgets: dict[str, int] = {}
        self.prompt_hash = prompt_fingerprint(form)
        self._groups = [self._make_group(name, specs) for name, specs in form.groups.items()]
        self._followup_groups: dict[tuple[str, ...], _Group] = {}
        self._count = functools.lru_cache(maxsize=256)(
            lambda text: count_tokens(self.backend, text)
        )
        self._lock = threading.Lock()  # jobs run in threads: follow-up groups are shared

    # -- prompts -----------------------------------------------------------------

    def _make_group(self, name: str, specs: Sequence[FieldSpec]) -> _Group:
        schema = draft_schema(self.form, specs)
        schema_blob = json.dumps(schema, sort_keys=True)
        # What we ask in this group, whatever the paper: the templates (every branch), the
        # parts of the form they render, and this group's fields. Other groups' fields are
        # left out, so editing one group re-asks only that group.
        asked = [
            sources_fingerprint(TEMPLATES),
            [self.form.name, self.form.description, self.form.guidance, self.form.targeted],
            name,
            [_field_view(s) for s in specs],
        ]
        return _Group(
            name=name,
            specs=tuple(specs),
            schema=schema,
            schema_hash=sha256_text(schema_blob)[:16],
            draft_model=draft_model(self.form, specs),
            prompt_hash=sha256_text(json.dumps(asked, sort_keys=True))[:16],
        )

    def _messages(
        self,
        group: str,
        specs: Sequence[FieldSpec],
        context: Context,
        target: Target | None,
    ) -> list[dict[str, str]]:
        fenced = fence(context.text)
        system = load_prompt("extract_system").render(
            form=self.form, fence_open=fenced.open, fence_close=fenced.close
        )
        user = load_prompt("extract_user").render(
            form=self.form,
            group=group,
            fields=[_field_view(s) for s in specs],
            paper=fenced.text,
            partial=not context.whole,
            target=target,
            fence_open=fenced.open,
            fence_close=fenced.close,
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _followup_group(self, specs: Sequence[FieldSpec]) -> _Group:
        """A group of just the fields a follow-up asks about (built once per field set)."""
        names = tuple(s.name for s in specs)
        with self._lock:
            group = self._followup_groups.get(names)
        if group is None:
            base = self._make_group("followup_" + "_".join(names), specs)
            asked = [base.prompt_hash, sources_fingerprint(("extract_followup",))]
            group = dataclasses.replace(base, prompt_hash=sha256_text(json.dumps(asked))[:16])
            with self._lock:
                self._followup_groups[names] = group
        return group

    # -- the first pass ----------------------------------------------------------------

    def first_pass(
        self,
        index: PaperIndex,
        target: Target | None,
        tally: Tally,
        *,
        backend: ChatBackend | None = None,
        reorder: bool = False,
    ) -> tuple[dict[str, Extracted[Any]], dict[str, Context]]:
        """Every group asked once: the grounded record, and the context each field saw.
        `reorder` sends the same text with its blocks in reverse order (a second rater
        with the same model must not be asked the identical question)."""
        drafts: dict[str, FieldDraft[Any]] = {}
        sent: dict[str, Context] = {}
        for group in self._groups:
            if not self._may_apply(group, drafts):
                # e.g. rct_outcomes' printed form when the pooled numbers are printed: a
                # request (and the paper sent again) for fields that cannot apply is waste.
                drafts.update({s.name: _NOT_ASKED for s in group.specs})
                tally.groups_not_asked.append(group.name)
                continue
            context, answer = self._ask_fitting(
                index.document, group, target, tally, backend, reorder
            )
            drafts.update(answer)
            sent.update(dict.fromkeys((s.name for s in group.specs), context))
        return self.ground(index, drafts), sent

    def _may_apply(self, group: _Group, drafts: dict[str, FieldDraft[Any]]) -> bool:
        """Whether any field of `group` may apply, given the answers of earlier groups
        (a field whose `applies_when` cannot be decided yet may)."""
        values = {name: draft.value for name, draft in drafts.items()}
        return any(applies(self.form, spec, values) is not False for spec in group.specs)

    def count(self, text: str) -> int:
        """Tokens of `text` as the backend's engine counts them (else the estimate).

        Remembered per text: the planner and the warning count the same whole paper for
        every group and target, and for the local engine each count is an HTTP call."""
        return self._count(text)

    def _budget(self, group: _Group, target: Target | None) -> int:
        """Paper tokens a request for `group` may carry: the window less the prompt around
        the paper and the answer's room, or `max_context_tokens` without a known window."""
        window = self.backend.context_window
        if not window:
            return self.max_context_tokens
        if group.name not in self._budgets:
            around = self._messages(group.name, group.specs, Context("", (), True), target)
            prompt = self.count("\n".join(m["content"] for m in around))
            room = window - self.max_tokens - prompt - _WINDOW_MARGIN
            self._budgets[group.name] = max(256, min(self.max_context_tokens, room))
        return self._budgets[group.name]

    def _ask_fitting(
        self,
        document: Document,
        group: _Group,
        target: Target | None,
        tally: Tally,
        backend: ChatBackend | None,
        reorder: bool,
    ) -> tuple[Context, dict[str, FieldDraft[Any]]]:
        """Plan the group's context for the window and ask; on a context overflow, plan
        again once with the budget cut by the overflow plus a margin."""
        budget = self._budget(group, target)
        for attempt in (1, 2):
            context = plan_context(document, group.specs, target, budget, self.count)
            if not context.whole and backend is None and attempt == 1:
                tally.warnings.append(
                    f"group {group.name}: sent a selection of the paper "
                    f"({self.count(context.text):,} of {self.count(document.text):,} tokens)"
                )
            shown = reversed_context(document, context) if reorder else context
            messages = self._messages(group.name, group.specs, shown, target)
            try:
                return context, self._ask(
                    group, messages, shown.text, target, tally, backend=backend
                )
            except ContextOverflowError as exc:
                if attempt == 2:
                    raise tally.failure(
                        f"group {group.name}: {exc} (even after planning again for "
                        f"{budget:,} paper tokens)",
                        "context_overflow",
                    ) from None
                budget = self._replanned_budget(exc, messages, self.count(context.text))
                tally.trace.append(
                    TraceStep(
                        step="replan",
                        fields=[s.name for s in group.specs],
                        requests=exc.requests,
                        usage=exc.usage,
                        note=f"{exc}; planned again for {budget:,} paper tokens",
                    )
                )
        raise AssertionError("unreachable")  # pragma: no cover

    def _replanned_budget(
        self, exc: ContextOverflowError, messages: list[dict[str, str]], sent: int
    ) -> int:
        """Paper tokens (our count) that fit the window the server reported. Our counter and
        the server's may differ (an estimate against a real tokenizer), so the server's figure
        for the whole request calibrates ours before the cut."""
        if exc.requested and exc.window:
            ours = self.count("\n".join(m["content"] for m in messages))
            server_per_ours = exc.requested / max(1, ours)
            around = ours - sent  # the prompt around the paper, in our count
            budget = int((exc.window - _REPLAN_MARGIN) / server_per_ours) - around
        else:
            budget = sent * 3 // 4  # no figures in the message: send a quarter less
        return max(256, min(budget, sent - 1))

    def ask_followup(
        self,
        index: PaperIndex,
        specs: Sequence[FieldSpec],
        passages: str,
        problems: dict[str, str],
        target: Target | None,
        tally: Tally,
    ) -> dict[str, Extracted[Any]]:
        """Ask again about `specs` only, with the reasons and the retrieved passages."""
        group = self._followup_group(specs)
        fenced = fence(passages, label="PASSAGES")
        system = load_prompt("extract_system").render(
            form=self.form, fence_open=fenced.open, fence_close=fenced.close
        )
        views = [{**_field_view(s), "problem": problems[s.name]} for s in specs]
        user = load_prompt("extract_followup").render(
            form=self.form,
            fields=views,
            passages=fenced.text,
            target=target,
            fence_open=fenced.open,
            fence_close=fenced.close,
        )
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        asked = passages + "\x00" + json.dumps(problems, sort_keys=True)
        try:
            drafts = self._ask(group, messages, asked, target, tally)
        except ContextOverflowError as exc:
            message = f"follow-up for {', '.join(problems)}: {exc}"
            raise tally.failure(message, "context_overflow") from None
        return self.ground(index, drafts)

    def _ask(
        self,
        group: _Group,
        messages: list[dict[str, str]],
        text: str,
        target: Target | None,
        tally: Tally,
        *,
        backend: ChatBackend | None = None,
    ) -> dict[str, FieldDraft[Any]]:
        backend = backend or self.backend
        target_blob = json.dumps(target.as_dict() if target else None, sort_keys=True)
        key = CacheKey(
            backend=backend.name,
            model=backend.model,
            prompt_hash=group.prompt_hash,
            form_hash=group.schema_hash,
            input_hash=sha256_text(text + "\x00" + target_blob),
        )
        tally.calls += 1
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            try:
                drafts = validate_draft(group.draft_model, hit.data)
            except ValidationError:
                pass  # validated under an older pydantic model: ask again
            else:
                tally.cache_hits += 1
                tally.structured_mode = tally.structured_mode or hit.structured_mode
                return drafts
        problem = ""
        for _ in range(self.max_reasks + 1):
            response = self._complete(group, messages, tally, backend)
            if response is None:  # no structured output: re-ask, saying so
                problem = "the answer was empty or not a JSON object"
                messages = [*messages, self._reask(group, problem)]
                continue
            try:
                drafts = validate_draft(group.draft_model, response.data)
            except ValidationError as exc:
                problem = describe_errors(exc)
                messages = [
                    *messages,
                    {"role": "assistant", "content": response.raw},
                    self._reask(group, problem),
                ]
                continue
            if self.cache is not None:
                self.cache.put(key, response)
            return drafts
        raise tally.failure(
            f"group {group.name}: no valid structured output after {self.max_reasks} "
            f"re-ask(s): {problem.splitlines()[0] if problem else 'unknown problem'}",
            "invalid_output",
        )

    def _reask(self, group: _Group, problem: str) -> dict[str, str]:
        text = load_prompt("extract_reask").render(error=problem, group=group.name)
        return {"role": "user", "content": text}

    def _complete(
        self, group: _Group, messages: list[dict[str, str]], tally: Tally, backend: ChatBackend
    ) -> ChatResponse | None:
        """One answer, or None when it held no usable JSON; other failures raise."""
        max_tokens = self.max_tokens
        for attempt in range(2):
            request = ChatRequest(
                messages=messages,
                schema=group.schema,
                schema_name=f"{self.form.name}_{group.name}"[:64],
                max_tokens=max_tokens,
                temperature=self.settings.temperature,
                on_progress=self.on_progress,
            )
            try:
                response = backend.complete(request)
            except TruncatedError as exc:
                tally.spend(exc)
                if attempt == 0:  # never the same request twice: double the budget once
                    max_tokens *= 2
                    continue
                raise tally.failure(
                    f"group {group.name}: answer truncated even at {max_tokens} tokens",
                    "truncated",
                ) from None
            except NoStructuredOutputError as exc:
                tally.spend(exc)
                return None
            except RefusalError as exc:
                tally.spend(exc)
                raise tally.failure(f"refused: {exc}", "refused") from None
            except ContextOverflowError as exc:
                tally.spend(exc)
                raise  # the caller plans less text
            except TransientError as exc:
                tally.spend(exc)
                raise tally.failure(f"{backend.name} unavailable: {exc}", "transient") from None
            except LLMError as exc:
                tally.spend(exc)
                raise tally.failure(str(exc), "llm") from None
            tally.requests += response.requests
            tally.usage = tally.usage + response.usage
            tally.structured_mode = response.structured_mode
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    # -- grounding -------------------------------------------------------------------

    @staticmethod
    def ground(index: PaperIndex, drafts: dict[str, FieldDraft[Any]]) -> dict[str, Extracted[Any]]:
        """Each drafted value with its quotes located in the paper (checks come later)."""
        record: dict[str, Extracted[Any]] = {}
        for name, draft in drafts.items():
            quotes: dict[str, int | None] = {}  # a small model may repeat a quote: keep one
            for item in draft.evidence:
                if item.quote.strip():
                    quotes.setdefault(item.quote.strip(), item.page)
            record[name] = Extracted[Any](
                value=to_jsonable_python(draft.value),
                status=draft.status,
                evidence=[index.grounder.ground(quote, page) for quote, page in quotes.items()],
            )
        return record
