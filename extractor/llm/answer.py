"""One chat answer as the backends need it, whether it came whole or streamed in.

`Answer.from_completion` reads a non-streamed `ChatCompletion`; `StreamReader` builds
the same thing chunk by chunk from a streamed one (content deltas, tool-call argument
deltas, refusal, finish reason, and the final usage chunk that `include_usage` asks
for), reporting progress as tokens arrive. A stream that breaks off (the read timeout
between two chunks fired, the server closed the connection, or sent an error event)
raises `StreamInterrupted` with what had arrived, so its tokens can be counted.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from extractor.llm.base import Progress, ProgressHook

PROGRESS_INTERVAL = 0.25  # seconds between two progress reports


@dataclass
class Answer:
    content: str | None = None
    tool_arguments: str | None = None  # the first tool call's arguments (tools mode)
    refusal: str | None = None
    finish_reason: str | None = None
    model: str | None = None
    prompt_tokens: int | None = None  # the server's figures; None when it gave none
    completion_tokens: int | None = None
    chunks: int = 0  # content-bearing chunks received (streaming only)
    streamed: bool = False

    @classmethod
    def from_completion(cls, completion: Any) -> Answer | None:
        """None when the server sent no choices (also a non-JSON 200 body)."""
        choices = getattr(completion, "choices", None)
        if not choices:
            return None
        choice = choices[0]
        message = choice.message
        tool_calls = getattr(message, "tool_calls", None) or []
        usage = getattr(completion, "usage", None)
        return cls(
            content=message.content,
            tool_arguments=tool_calls[0].function.arguments if tool_calls else None,
            refusal=getattr(message, "refusal", None),
            finish_reason=choice.finish_reason,
            model=getattr(completion, "model", None),
            prompt_tokens=getattr(usage, "prompt_tokens", None),
            completion_tokens=getattr(usage, "completion_tokens", None),
        )


class StreamInterrupted(Exception):
    """The stream broke off mid-answer; `partial` is what had arrived. Transient."""

    def __init__(self, cause: BaseException, partial: Answer) -> None:
        super().__init__(f"stream interrupted after {partial.chunks} chunk(s): {cause!r}")
        self.cause = cause
        self.partial = partial


@dataclass
class StreamReader:
    """Assembles one streamed answer. Iterate a stream with `read`."""

    on_progress: ProgressHook | None = None
    attempt: int = 1
    started: float = field(default_factory=time.monotonic)
    answer: Answer = field(default_factory=lambda: Answer(streamed=True))
    events: int = 0  # every chunk, usage-only ones included
    _content: list[str] = field(default_factory=list)
    _arguments: list[str] = field(default_factory=list)
    _last_report: float = 0.0

    def read(self, stream: Iterable[Any]) -> Answer:
        try:
            for chunk in stream:
                self._take(chunk)
        except Exception as exc:  # timeout, closed connection, error event: all transient
            self._finish()
            raise StreamInterrupted(exc, self.answer) from exc
        self._finish()
        self._report(final=True)
        return self.answer

    def _take(self, chunk: Any) -> None:
        self.events += 1
        answer = self.answer
        answer.model = answer.model or getattr(chunk, "model", None)
        if (usage := getattr(chunk, "usage", None)) is not None:
            answer.prompt_tokens = getattr(usage, "prompt_tokens", None)
            answer.completion_tokens = getattr(usage, "completion_tokens", None)
        for choice in getattr(chunk, "choices", None) or []:
            if choice.index not in (0, None):
                continue
            delta = choice.delta
            got = False
            if getattr(delta, "content", None):
                self._content.append(delta.content)
                got = True
            if getattr(delta, "refusal", None):
                answer.refusal = (answer.refusal or "") + delta.refusal
                got = True
            for call in getattr(delta, "tool_calls", None) or []:
                # Only the first call: the request forces exactly one function.
                if (call.index or 0) == 0 and call.function and call.function.arguments:
                    self._arguments.append(call.function.arguments)
                    got = True
            if choice.finish_reason:
                answer.finish_reason = choice.finish_reason
            if got:
                answer.chunks += 1
                self._report()

    def _finish(self) -> None:
        if self._content:
            self.answer.content = "".join(self._content)
        if self._arguments:
            self.answer.tool_arguments = "".join(self._arguments)

    def _report(self, *, final: bool = False) -> None:
        if self.on_progress is None:
            return
        now = time.monotonic()
        if not final and now - self._last_report < PROGRESS_INTERVAL:
            return
        self._last_report = now
        self.on_progress(Progress(self.answer.chunks, now - self.started, self.attempt))
