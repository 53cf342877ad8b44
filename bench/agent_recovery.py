"""Recovery of scripted first-pass mistakes: the agent against single-pass, same papers.

A scripted model (tests/support/doubles/simulated_model.py) behind the loopback
OpenAI-compatible server, reached through the real `openai` client, knows each
synthetic trial's answers and makes one chosen mistake per record on its first pass:

  missed_not_sent      the appendix holding the outcome is left out by a small budget
  invented_quote       right value, quote that is not in the paper
  number_not_in_quote  a number its (real) quote does not print
  events_over_group    the number randomised read as events (more events than patients)
  wrong_enum           a continuous outcome type for a binary outcome

For every injected mistake: recovered (the final value is right and verified), flagged
(check or missing), or silently verified while wrong (the target is 0). Then the extra
requests and tokens per record the agent costs over single-pass.

    python bench/agent_recovery.py [--trials 8]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import support_path  # noqa: F401  (tests/support, the test doubles, on sys.path)
from doubles.openai_server import FakeOpenAIServer
from doubles.simulated_model import Fault, SimulatedModel, Truth
from doubles.trials import Trial, synthetic_trial

from extractor.key import AgentSettings, ExtractionSettings
from extractor.llm.openai_backend import OpenAIBackend
from extractor.record_maker import RecordMaker
from schemas.registry import load_form

RCT = load_form("rct_outcomes")
KINDS = ("missed_not_sent", "invented_quote", "number_not_in_quote", "events_over_group",
         "wrong_enum")  # fmt: skip
SMALL_BUDGET = 150  # tokens of paper per request: the appendix does not fit


def injection(kind: str, trial: Trial) -> tuple[int, str, dict]:
    """(which target, which field, the model's faults) for one kind of mistake."""
    if kind == "missed_not_sent":
        return 1, "intervention_events", {}
    field = {"wrong_enum": "outcome_type", "number_not_in_quote": "comparator_events"}.get(
        kind, "intervention_events"
    )
    decoy = {
        "events_over_group": Truth(int(trial.abstract.split()[2]), trial.abstract),
        "wrong_enum": Truth("continuous", trial.results),
    }.get(kind)
    return 0, field, {("death", field): Fault(kind, decoy)}


def run(mode: str, trials: list[Trial], server: FakeOpenAIServer) -> dict:
    agent = AgentSettings(single_pass=mode == "single-pass")
    outcome: Counter[tuple[str, str]] = Counter()
    requests = tokens = records = 0
    started = time.perf_counter()
    for i, trial in enumerate(trials):
        kind = KINDS[i % len(KINDS)]
        which, field, faults = injection(kind, trial)
        server.responder = SimulatedModel(trial.truth, faults)
        budget = SMALL_BUDGET if kind == "missed_not_sent" else 24_000
        backend = OpenAIBackend(
            "sim", base_url=server.base_url, api_key="k", structured_mode="json_schema"
        )
        extractor = RecordMaker(
            RCT, backend, settings=ExtractionSettings(max_context_tokens=budget, agent=agent)
        )
        target = trial.targets[which]
        line = extractor.make_record(trial.document, target)
        value = line.record[field]
        right = value.value == trial.truth[target.outcome][field].value
        if right and value.triage == "verified":
            result = "recovered"
        elif value.triage in ("check", "missing"):
            result = "flagged"
        else:
            result = "silently verified" if not right else "verified"
        outcome[(kind, result)] += 1
        requests += line.provenance.requests
        tokens += line.provenance.usage.total_tokens
        records += 1
    return {
        "outcome": outcome,
        "requests": requests / records,
        "tokens": tokens / records,
        "seconds": (time.perf_counter() - started) / records,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10, help="records (one mistake each)")
    args = parser.parse_args()
    trials = [synthetic_trial(i) for i in range(args.trials)]
    with FakeOpenAIServer() as server:
        results = {mode: run(mode, trials, server) for mode in ("single-pass", "agent")}
    print(f"{args.trials} records, one scripted first-pass mistake each ({len(KINDS)} kinds)")
    header = f"{'mistake':22}{'mode':13}{'recovered':>10}{'flagged':>9}{'silently verified':>19}"
    print(header)
    for kind in KINDS:
        for mode, res in results.items():
            o = res["outcome"]
            print(
                f"{kind:22}{mode:13}{o[(kind, 'recovered')]:>10}{o[(kind, 'flagged')]:>9}"
                f"{o[(kind, 'silently verified')]:>19}"
            )
    for mode, res in results.items():
        o = res["outcome"]
        total = {r: sum(n for (_, rr), n in o.items() if rr == r) for r in
                 ("recovered", "flagged", "silently verified")}  # fmt: skip
        print(
            f"{mode:12} total: recovered {total['recovered']}, flagged {total['flagged']}, "
            f"silently verified {total['silently verified']} of {args.trials}; "
            f"{res['requests']:.2f} requests, {res['tokens']:,.0f} tokens, "
            f"{res['seconds'] * 1000:.0f} ms per record"
        )
    single, agent = results["single-pass"], results["agent"]
    print(
        f"agent vs single-pass: {agent['requests'] / single['requests']:.2f}x requests, "
        f"{agent['tokens'] / single['tokens']:.2f}x tokens per record"
    )


if __name__ == "__main__":
    main()
