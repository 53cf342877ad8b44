"""Turn a model's text answer into the JSON object it should be, or say why it is not."""

from __future__ import annotations

import json
import re
from typing import Any

from extractor.llm.base import NoStructuredOutputError

# Models in plain JSON mode sometimes wrap the object in a Markdown fence.
FENCE = re.compile(r"^```(?:json)?\s*\n(.*)\n```$", re.DOTALL)


def excerpt(text: str, limit: int = 120) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def parse_json_object(text: str | None) -> dict[str, Any]:
    if text is None or not text.strip():
        raise NoStructuredOutputError("the model returned an empty answer (no structured output)")
    body = text.strip()
    if match := FENCE.match(body):
        body = match.group(1)
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise NoStructuredOutputError(
            f"the answer is not valid JSON ({exc.msg} at char {exc.pos}): {excerpt(text)}"
        ) from None
    if not isinstance(data, dict):
        raise NoStructuredOutputError(f"the answer is JSON but not an object: {excerpt(text)}")
    return data
