"""What a synthesis run produced: the page renders it, the command line prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from eval.synthesis.compare import Comparison
from eval.synthesis.descriptive import Descriptive
from eval.synthesis.effects import EffectTable
from eval.synthesis.meta import MetaAnalyses


@dataclass
class Outcome:
    """What a run produced, for the command line to print."""

    out: Path
    studies: int
    effects: EffectTable | None = None
    meta: MetaAnalyses | None = None
    descriptive: Descriptive | None = None
    comparison: Comparison | None = None
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
