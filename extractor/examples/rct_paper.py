"""A small synthetic randomised trial report with one binary and two continuous outcomes.

Targets and gold are produced from the same `ARMS`/`OUTCOMES` data as the text.
"""

from __future__ import annotations

from typing import Any

from extractor.examples.model import Paper, Section, TableSpec
from schemas.rct_outcomes import PRINTED_FIELDS

STEM = "homeex_rct_2022"
INTERVENTION = "home-based exercise programme"
COMPARATOR = "usual care"
N_RANDOMISED = (68, 67)
N_ANALYSED = (64, 62)

# (target_id, outcome, kind, values for intervention, values for comparator)
OUTCOMES: list[dict[str, Any]] = [
    {
        "target_id": "readmission",
        "outcome": "hospital readmission within 90 days",
        "type": "binary",
        "intervention": {"events": 9},
        "comparator": {"events": 18},
    },
    {
        "target_id": "fatigue",
        "outcome": "fatigue (FACIT-F score) at 12 weeks",
        "type": "continuous",
        "intervention": {"mean": 38.4, "sd": 7.9},
        "comparator": {"mean": 33.1, "sd": 8.6},
    },
    {
        "target_id": "walk",
        "outcome": "six-minute walk distance (m) at 12 weeks",
        "type": "continuous",
        "intervention": {"mean": 452.3, "sd": 61.2},
        "comparator": {"mean": 418.7, "sd": 66.0},
    },
]


def gold_records() -> list[dict[str, Any]]:
    records = []
    for o in OUTCOMES:
        binary = o["type"] == "binary"
        records.append(
            {
                "paper_id": STEM,
                "target_id": o["target_id"],
                "record": {
                    "outcome_type": o["type"],
                    "intervention_events": o["intervention"]["events"] if binary else None,
                    "intervention_group_size": N_ANALYSED[0],
                    "comparator_events": o["comparator"]["events"] if binary else None,
                    "comparator_group_size": N_ANALYSED[1],
                    "intervention_mean": None if binary else o["intervention"]["mean"],
                    "intervention_standard_deviation": None if binary else o["intervention"]["sd"],
                    "comparator_mean": None if binary else o["comparator"]["mean"],
                    "comparator_standard_deviation": None if binary else o["comparator"]["sd"],
                    # the paper prints means with SDs and counts: no printed-form value
                    **dict.fromkeys(PRINTED_FIELDS),
                },
            }
        )
    return records


def targets() -> list[dict[str, str]]:
    return [
        {
            "paper_id": STEM,
            "target_id": o["target_id"],
            "intervention": INTERVENTION,
            "comparator": COMPARATOR,
            "outcome": o["outcome"],
        }
        for o in OUTCOMES
    ]


def _pct(events: int, n: int) -> str:
    return f"{100 * events / n:.1f}%"


def rct_paper() -> Paper:
    ni, nc = N_ANALYSED
    readm, fat, walk = OUTCOMES
    ri, rc = readm["intervention"]["events"], readm["comparator"]["events"]
    fi, fc = fat["intervention"], fat["comparator"]
    wi, wc = walk["intervention"], walk["comparator"]
    return Paper(
        stem=STEM,
        title="A Home-Based Exercise Programme after Adjuvant Chemotherapy: "
        "A Randomised Controlled Trial",
        short_title="Home-based exercise after chemotherapy",
        authors=["Ingrid Halvorsen", "Rafael Moreno", "Aisha Karimi", "David Chen"],
        affiliation="Department of Oncology, Example University Hospital, Bergen, Norway",
        year=2022,
        doi="10.5555/litextract.example.0003",
        journal="Example Trials in Supportive Care",
        abstract=(
            "Background: Fatigue and reduced fitness are common after adjuvant chemotherapy. "
            f"Methods: In this randomised controlled trial, {sum(N_RANDOMISED)} adults who had "
            f"completed chemotherapy were allocated to a 12-week {INTERVENTION} or to "
            f"{COMPARATOR}. Results: {ni} and {nc} participants were analysed. Readmission "
            f"within 90 days occurred in {ri} of {ni} versus {rc} of {nc} participants. "
            f"Mean FACIT-F fatigue score at 12 weeks was {fi['mean']} (SD {fi['sd']}) versus "
            f"{fc['mean']} (SD {fc['sd']}). Conclusions: The programme reduced fatigue and "
            "readmissions."
        ),
        keywords=["exercise", "chemotherapy", "fatigue", "randomised controlled trial"],
        sections=[
            Section(
                "1 Introduction",
                [
                    "Many patients report persistent fatigue and deconditioning after adjuvant "
                    "chemotherapy, and unplanned hospital readmissions are frequent in the months "
                    "after treatment. Supervised exercise improves fitness, but travel to a "
                    "training centre is a barrier for many patients, especially in rural areas.",
                    "We therefore tested whether a home-based exercise programme with weekly "
                    "telephone coaching reduces fatigue and readmissions compared with usual "
                    "care.",
                    "Previous trials of exercise after cancer treatment have mostly studied "
                    "supervised programmes in hospital gyms, with benefits on fitness, "
                    "quality of life and fatigue. Home-based programmes are cheaper and reach "
                    "more patients, but adherence is often lower and their effect on health "
                    "care use, such as readmissions, has rarely been measured.",
                ],
            ),
            Section("2 Methods", []),
            Section(
                "2.1 Trial design and participants",
                [
                    "This was a two-arm, parallel-group, assessor-blinded randomised controlled "
                    "trial at one university hospital. Adults aged 18 years or older who had "
                    "completed adjuvant chemotherapy for breast or colorectal cancer within the "
                    "previous eight weeks were eligible. Participants were randomised 1:1 with "
                    "computer-generated blocks of varying size, concealed in sealed envelopes.",
                    "Patients were excluded if they had metastatic disease, a cardiac or "
                    "orthopaedic condition that made unsupervised exercise unsafe, or a planned "
                    "operation within the trial period. All participants gave written informed "
                    "consent, and the regional ethics committee approved the protocol. The "
                    "trial was registered before the first participant was enrolled.",
                ],
            ),
            Section(
                "2.2 Interventions",
                [
                    f"The {INTERVENTION} consisted of three weekly sessions of 30 to 45 minutes "
                    "of brisk walking and resistance exercise with elastic bands for 12 weeks, "
                    f"supported by a weekly telephone call from a physiotherapist. The "
                    f"{COMPARATOR} group received the standard written advice on physical "
                    "activity.",
                ],
            ),
            Section(
                "2.3 Outcomes",
                [
                    "The primary outcome was fatigue measured with the FACIT-F questionnaire "
                    "(range 0 to 52, higher scores meaning less fatigue) at 12 weeks. Secondary "
                    "outcomes were hospital readmission within 90 days of randomisation and the "
                    "six-minute walk distance at 12 weeks.",
                ],
            ),
            Section(
                "2.4 Statistical analysis",
                [
                    "Continuous outcomes were compared with analysis of covariance adjusted for "
                    "baseline values and binary outcomes with risk ratios. Analyses followed "
                    "the modified intention-to-treat principle and included all participants "
                    "with outcome data.",
                    "The sample size was based on a difference of 4 points in the FACIT-F score "
                    "with a standard deviation of 8, a two-sided alpha of 0.05 and a power of "
                    "80 percent, which required 64 participants per group; allowing for "
                    "5 percent loss to follow-up, we planned to randomise 135 participants. "
                    "Assessors of the walk test were unaware of group allocation.",
                ],
            ),
            Section(
                "3 Results",
                [
                    f"Of {sum(N_RANDOMISED)} randomised participants ({N_RANDOMISED[0]} exercise, "
                    f"{N_RANDOMISED[1]} usual care), {ni} in the exercise group and {nc} in the "
                    "usual care group completed the 12-week assessment and were analysed "
                    "(Figure 1). Baseline characteristics were similar in the two groups "
                    "(Table 1).",
                    f"Readmission within 90 days occurred in {ri} of {ni} participants "
                    f"({_pct(ri, ni)}) in the exercise group and in {rc} of {nc} ({_pct(rc, nc)}) "
                    f"in the usual care group. At 12 weeks the mean FACIT-F score was "
                    f"{fi['mean']} (SD {fi['sd']}) with exercise and {fc['mean']} (SD {fc['sd']}) "
                    f"with usual care, and the six-minute walk distance was {wi['mean']} m "
                    f"(SD {wi['sd']}) versus {wc['mean']} m (SD {wc['sd']}); see Table 2.",
                    "No serious adverse events related to exercise were observed. Two "
                    "participants in the exercise group reported transient knee pain, which "
                    "resolved after the programme was adjusted.",
                    "Participants in the exercise group completed a median of 31 of the 36 "
                    "planned sessions. Weekly telephone calls took a median of 12 minutes. "
                    "Results were similar in participants treated for breast cancer and for "
                    "colorectal cancer, although the trial was not designed to compare "
                    "subgroups.",
                ],
            ),
            Section(
                "4 Discussion",
                [
                    "A simple home-based programme reduced fatigue by a clinically relevant "
                    "amount and halved readmissions. The trial was small and done at one centre, "
                    "and participants could not be blinded to their allocation.",
                    "Adherence was good: most participants completed at least two of the three "
                    "weekly sessions, and the telephone coaching was rated as helpful. The "
                    "difference in fatigue exceeded the minimal important difference of the "
                    "FACIT-F questionnaire, and the fitness gain measured by the walk test is "
                    "of a size that patients notice in daily life.",
                    "Readmissions were a secondary outcome and the trial was not powered for "
                    "them, so this result should be confirmed in a larger multicentre trial "
                    "before it informs policy. Causes of readmission were mostly infections "
                    "and dehydration, which could plausibly be influenced by better fitness.",
                ],
            ),
            Section(
                "4.1 Limitations",
                [
                    "Self-reported fatigue may be influenced by expectations, because "
                    "participants knew their allocation. Participants who volunteer for an "
                    "exercise trial may be more motivated than typical patients. Follow-up "
                    "ended at 12 weeks, so long-term effects are unknown. The usual care group "
                    "received written advice only, so part of the effect may be due to the "
                    "attention of the weekly telephone calls rather than to exercise itself. "
                    "Readmission data came from the hospital's own records, and admissions to "
                    "other hospitals may have been missed, although the region has one "
                    "oncology centre.",
                ],
            ),
            Section(
                "5 Conclusion",
                [
                    "Home-based exercise after adjuvant chemotherapy is feasible and effective "
                    "and could be offered routinely.",
                ],
            ),
            Section(
                "Acknowledgements",
                [
                    "We thank the participants, the physiotherapists who delivered the "
                    "telephone coaching, and the outpatient nurses who helped with recruitment. "
                    "An independent data monitoring committee reviewed safety data twice "
                    "during the trial.",
                ],
            ),
            Section(
                "Funding",
                [
                    "The trial was funded by a public research grant from the regional health "
                    "authority. The funder had no role in the design of the trial, the "
                    "collection, analysis and interpretation of the data, or the decision to "
                    "publish.",
                ],
            ),
            Section(
                "Data sharing",
                [
                    "De-identified participant data and the statistical analysis plan are "
                    "available from the corresponding author on reasonable request after "
                    "approval of a proposal by the trial steering committee.",
                ],
            ),
        ],
        table=TableSpec(
            caption="Table 1. Baseline characteristics of the randomised participants.",
            header=[
                "Characteristic",
                f"Exercise (n = {N_RANDOMISED[0]})",
                f"Usual care (n = {N_RANDOMISED[1]})",
            ],
            rows=[
                ["Age, years, mean (SD)", "58.2 (9.6)", "57.5 (10.1)"],
                ["Women, n (%)", "41 (60.3%)", "40 (59.7%)"],
                ["Breast cancer, n (%)", "38 (55.9%)", "36 (53.7%)"],
                ["Colorectal cancer, n (%)", "30 (44.1%)", "31 (46.3%)"],
                ["FACIT-F score, mean (SD)", "30.2 (8.8)", "30.9 (8.4)"],
                ["Six-minute walk distance, m, mean (SD)", "410.5 (64.3)", "412.0 (63.1)"],
            ],
            after_section="3 Results",
        ),
        extra_tables=[
            TableSpec(
                caption="Table 2. Outcomes at 12 weeks by randomised group.",
                header=["Outcome", f"Exercise (n = {ni})", f"Usual care (n = {nc})"],
                rows=[
                    [
                        "Readmission within 90 days, n (%)",
                        f"{ri} ({_pct(ri, ni)})",
                        f"{rc} ({_pct(rc, nc)})",
                    ],
                    [
                        "FACIT-F score, mean (SD)",
                        f"{fi['mean']} ({fi['sd']})",
                        f"{fc['mean']} ({fc['sd']})",
                    ],
                    [
                        "Six-minute walk distance, m, mean (SD)",
                        f"{wi['mean']} ({wi['sd']})",
                        f"{wc['mean']} ({wc['sd']})",
                    ],
                ],
                after_section="3 Results",
            )
        ],
        figure_caption="Figure 1. Flow of participants through the trial.",
        figure_after="3 Results",
        references=[
            "Schmitz KH, Courneya KS, Matthews C, et al. American College of Sports Medicine "
            "roundtable on exercise guidelines for cancer survivors. Med Sci Sports Exerc "
            "2010;42:1409-1426.",
            "Yellen SB, Cella DF, Webster K, et al. Measuring fatigue and other anemia-related "
            "symptoms with the FACIT measurement system. J Pain Symptom Manage 1997;13:63-74.",
            "Schulz KF, Altman DG, Moher D. CONSORT 2010 statement: updated guidelines for "
            "reporting parallel group randomised trials. BMJ 2010;340:c332.",
        ],
    )
