"""`Extracted[T]`: every form field is a value plus its status, located evidence and triage.

The data model follows LangExtract's: a quote keeps what alignment learned about it
(`AlignmentStatus`, score, the located character span and page), apart from what the
model claimed (`claimed_page`). The checks that run after extraction leave structured
`Finding`s on the value, and `triage` says whether a human must look at it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, computed_field, model_validator

T = TypeVar("T")


class Status(StrEnum):
    reported = "reported"
    not_reported = "not_reported"
    unclear = "unclear"


class AlignmentStatus(StrEnum):
    """How a quote was found in the paper's text."""

    exact = "exact"  # the same characters, byte for byte
    normalised = "normalised"  # equal once whitespace, hyphenation, ligatures, case are folded
    fuzzy = "fuzzy"  # a near miss (letters may differ, numbers never)
    not_found = "not_found"


class Triage(StrEnum):
    """What a reviewer must do with a value."""

    verified = "verified"  # grounded, stands in its quote, consistent (and raters agree)
    check = "check"  # a human must look at it: `reasons` say why
    missing = "missing"  # no value, although the paper may report one


class Finding(BaseModel):
    """One result of a check on a value: a stable code plus a sentence for people."""

    code: str
    message: str


class Evidence(BaseModel):
    """A verbatim quote from the paper, located in `Document.text` by grounding."""

    quote: str
    page: int | None = Field(default=None, description="page where the quote was found")
    claimed_page: int | None = Field(default=None, description="page the model said")
    section: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    alignment: AlignmentStatus = AlignmentStatus.not_found
    match_score: float | None = Field(
        default=None, description="0-100 similarity of the best match in the paper"
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy_grounded(cls, data: Any) -> Any:
        # Records written before alignment statuses carried a bare `grounded` flag.
        if isinstance(data, dict) and "alignment" not in data and "grounded" in data:
            data = dict(data)
            grounded = data.pop("grounded")
            exact = data.get("match_score") == 100.0
            data["alignment"] = ("normalised" if exact else "fuzzy") if grounded else "not_found"
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def grounded(self) -> bool:
        """True only when the quote was found in the paper's text (written for readers)."""
        return self.alignment is not AlignmentStatus.not_found


class Extracted(BaseModel, Generic[T]):
    value: T | None = None
    status: Status = Status.not_reported
    evidence: list[Evidence] = Field(default_factory=list)
    triage: Triage = Triage.check  # never `verified` until the checks say so
    reasons: list[str] = Field(default_factory=list, description="codes of the findings")
    findings: list[Finding] = Field(default_factory=list)
    checks_passed: list[str] = Field(
        default_factory=list, description="codes of the role checks the value passed"
    )
    second_value: Any = Field(default=None, description="the second rater's value, if any")
    derivation: str | None = Field(
        default=None,
        description="how the value follows from what the paper prints, when it is not "
        "printed as such (an SD from a CI or an SE, events from a share), with its numbers",
    )

    @property
    def grounded(self) -> bool:
        """At least one evidence quote was found in the paper."""
        return any(e.grounded for e in self.evidence)
