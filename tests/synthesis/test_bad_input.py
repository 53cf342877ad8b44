"""Bad numbers are left out with one clear line each, counted and listed; nothing crashes."""

from __future__ import annotations

from synth_testdata import ROLES, binary_study, continuous_study

from eval.synthesis.effects import compute_effects
from eval.synthesis.meta import run_meta_analyses


def test_each_kind_of_bad_target_gets_its_own_reason():
    studies = [
        binary_study("P1", "1", 10, 100, 20, 100),  # fine
        binary_study("P2", "2", None, 100, 20, 100),  # missing events
        binary_study("P3", "3", 0, 50, 0, 60),  # zero events in both arms
        binary_study("P4", "4", 120, 100, 20, 100),  # events above group size
        continuous_study("P5", "5", 5.0, 0.0, 30, 6.0, 1.0, 30),  # SD of 0
        continuous_study("P6", "6", 5.0, -1.0, 30, 6.0, 1.0, 30),  # negative SD
        continuous_study("P7", "7", 5.0, 1.0, 30, 6.0, 1.2, 30),  # fine
        binary_study("P8", "8", 3, 0, 2, 10),  # group size 0
    ]
    table = compute_effects(studies, ROLES)
    reasons = {e.label: e.code for e in table.excluded}
    assert reasons == {
        "P2 #2": "missing_numbers",
        "P3 #3": "zero_events_both_arms",
        "P4 #4": "events_exceed_group",
        "P5 #5": "sd_not_positive",
        "P6 #6": "sd_not_positive",
        "P8 #8": "group_size",
    }
    lines = [e.line() for e in table.excluded]
    assert "P2 #2: binary outcome: missing intervention_events" in lines
    assert "P4 #4: binary outcome: intervention_events 120 > intervention_group_size 100" in lines
    assert all("\n" not in line for line in lines)
    assert [e.study.label for e in table.effects["OR"]] == ["P1 #1"]
    assert [e.study.label for e in table.effects["SMD"]] == ["P7 #7"]


def test_a_group_with_fewer_than_two_usable_studies_is_listed_not_pooled():
    studies = [
        binary_study("P1", "1", 10, 100, 20, 100),
        binary_study("P2", "2", 0, 40, 0, 40),  # left out: the group keeps 1 study
        continuous_study("P3", "3", 5, 1, 30, 6, 1, 30, outcome="pain"),
        continuous_study("P4", "4", 5, 1, 30, 7, 1, 30, outcome="pain"),
    ]
    table = compute_effects(studies, ROLES)
    meta = run_meta_analyses(studies, table, None)
    assert [r.name for r in meta.results] == ["drug vs placebo: pain"]
    assert [(p.analysis, p.code) for p in meta.problems] == [
        ("drug vs placebo: death", "too_few_studies")
    ]
    assert "1 usable study of 2" in meta.problems[0].line()


def test_unreadable_outcome_type_without_numbers_is_left_out():
    study = binary_study("P9", "9", None, None, None, None)
    study.values["outcome_type"] = None
    table = compute_effects([study], ROLES)
    assert [e.code for e in table.excluded] == ["no_outcome_type"]
