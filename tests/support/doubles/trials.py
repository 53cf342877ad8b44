"""Synthetic two-target trial reports with known answers, for agent tests and benches.

Each trial has a death outcome in its Results and a recurrent-stroke outcome in a
supplementary appendix. Filler paragraphs name the target so often that a small
context budget sends them instead of the appendix, while BM25 still ranks the
appendix first for the outcome fields: the "missed because not sent" case.
"""

from __future__ import annotations

from dataclasses import dataclass

from doubles.documents import make_document
from doubles.simulated_model import Truth
from extractor.document import Document
from extractor.targets import Target

NOT_APPLICABLE = (
    "intervention_mean",
    "intervention_standard_deviation",
    "comparator_mean",
    "comparator_standard_deviation",
)


@dataclass(frozen=True)
class Trial:
    document: Document
    targets: tuple[Target, Target]  # death (results), recurrent stroke (appendix)
    truth: dict[str, dict[str, Truth]]  # outcome -> field -> truth
    abstract: str
    results: str
    appendix: str


def binary_truth(quote: str, a: int, n1: int, c: int, n2: int) -> dict[str, Truth]:
    return {
        "outcome_type": Truth("binary", quote),
        "intervention_events": Truth(a, quote),
        "intervention_group_size": Truth(n1, quote),
        "comparator_events": Truth(c, quote),
        "comparator_group_size": Truth(n2, quote),
        **{name: Truth(None) for name in NOT_APPLICABLE},
    }


def synthetic_trial(i: int = 0) -> Trial:
    n = 60 + i
    deaths, deaths_c = 12 + i % 5, 20 + i % 7
    stroke, stroke_c, n_s, n_sc = 7 + i % 3, 15 + i % 4, n - 2, n - 1
    abstract = f"We randomised {2 * n} patients to aspirin or placebo."
    results = (
        f"Death occurred in {deaths} of {n} patients on aspirin and {deaths_c} of {n} on placebo."
    )
    appendix = (
        f"Recurrent stroke: events in the intervention group {stroke} of {n_s} participants; "
        f"comparator group {stroke_c} of {n_sc} participants."
    )
    filler = " ".join(
        f"Recurrent stroke on aspirin or placebo was assessed at visit {v}." for v in range(40)
    )
    pages = [
        f"Aspirin after stroke: trial {i}\n\nAbstract\n{abstract}\n\n"
        f"Methods\n{filler}\n\nResults\n{results}",
        f"Discussion\n{filler}\n\nSupplementary appendix\n{appendix}",
    ]
    paper_id = f"TRIAL{i:03d}"
    document = make_document(pages, path=f"{paper_id}.pdf")
    death = Target(
        paper_id=paper_id,
        target_id=f"{i}-death",
        intervention="aspirin",
        comparator="placebo",
        outcome="death",
    )
    recurrence = death.model_copy(
        update={"target_id": f"{i}-stroke", "outcome": "recurrent stroke"}
    )
    truth = {
        "death": binary_truth(results, deaths, n, deaths_c, n),
        "recurrent stroke": binary_truth(appendix, stroke, n_s, stroke_c, n_sc),
    }
    return Trial(document, (death, recurrence), truth, abstract, results, appendix)
