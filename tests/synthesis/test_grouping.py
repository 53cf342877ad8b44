"""Grouping files (YAML targets and rules, CSV) and the default grouping by labels."""

from __future__ import annotations

from synth_testdata import ROLES, binary_study

from eval.synthesis.effects import compute_effects
from eval.synthesis.grouping import assign, load_groups
from eval.synthesis.meta import run_meta_analyses


def _studies():
    a = binary_study("P1", "1", 10, 100, 20, 100, outcome="All-cause death")
    b = binary_study("P2", "7", 12, 90, 18, 95, outcome="death at 1 year")
    c = binary_study("P3", "3", 30, 100, 31, 100, outcome="nausea")
    d = binary_study("P4", "3", 5, 50, 9, 50, outcome="Nausea")  # same target id as P3
    return [a, b, c, d]


def test_yaml_targets_rules_and_measure(tmp_path):
    groups = tmp_path / "groups.yaml"
    groups.write_text(
        "analyses:\n"
        "  mortality:\n"
        "    match: {outcome: 'death|mortality'}\n"
        "    measure: RR\n"
        "  by id: [P1#1, P3#3]\n"
        "  bare id: ['3']\n"
    )
    analyses = load_groups(groups)
    studies = _studies()
    members = {name: [s.label for s in ss] for name, ss in assign(studies, analyses).items()}
    assert members == {
        "mortality": ["P1 #1", "P2 #7"],
        "by id": ["P1 #1", "P3 #3"],
        "bare id": ["P3 #3", "P4 #3"],  # a bare target id matches it in every paper
    }
    meta = run_meta_analyses(studies, compute_effects(studies, ROLES), analyses)
    primary = {r.name: r.primary for r in meta.results}
    assert primary == {"mortality": "RR", "by id": "OR", "bare id": "OR"}


def test_csv_grouping(tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text("analysis,paper_id,target_id\nnausea,P3,3\nnausea,P4,3\n")
    members = assign(_studies(), load_groups(groups))
    assert [s.label for s in members["nausea"]] == ["P3 #3", "P4 #3"]


def test_default_groups_read_labels_case_and_punctuation_folded():
    members = assign(_studies(), None)
    assert {name: len(ss) for name, ss in members.items()} == {
        "drug vs placebo: All-cause death": 1,
        "drug vs placebo: death at 1 year": 1,
        "drug vs placebo: nausea": 2,  # "nausea" and "Nausea"
    }
