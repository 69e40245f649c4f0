"""The outcome summary in the NHS Talking Therapies definitions: worked cases at every
edge (therapy.outcomes.summarise is pure, so these need no database)."""

import pytest

from therapy.ending.outcomes import summarise


def test_recovered():
    outcome = summarise(12, phq9=(16, 6), gad7=(12, 5))
    assert outcome.finished_treatment
    assert outcome.case_at_start is True
    assert outcome.recovered is True
    assert outcome.reliable_improvement is True
    assert outcome.reliable_deterioration is False
    assert outcome.reliable_recovery is True


def test_reliable_improvement_without_recovery():
    # PHQ-9 falls by 8 but stays at caseness (12 >= 10).
    outcome = summarise(16, phq9=(20, 12), gad7=(10, 9))
    assert outcome.case_at_start is True
    assert outcome.reliable_improvement is True
    assert outcome.recovered is False
    assert outcome.reliable_recovery is False


def test_not_a_case_at_start():
    outcome = summarise(16, phq9=(9, 3), gad7=(7, 2))
    assert outcome.finished_treatment
    assert outcome.case_at_start is False
    assert outcome.recovered is None  # recovery is only judged for a case
    assert outcome.reliable_improvement is True  # PHQ-9 fell by 6
    assert outcome.reliable_recovery is None


def test_fewer_than_two_attended_is_not_finished():
    outcome = summarise(1, phq9=(18, 4), gad7=(15, 3))
    assert outcome.finished_treatment is False
    assert outcome.case_at_start is True
    assert outcome.recovered is None
    assert outcome.reliable_improvement is None
    assert outcome.reliable_deterioration is None


@pytest.mark.parametrize(
    ("attended", "finished"), [(0, False), (1, False), (2, True), (3, True)]
)
def test_finished_treatment_edge(attended, finished):
    assert summarise(attended).finished_treatment is finished


@pytest.mark.parametrize(
    ("phq9", "gad7", "case"),
    [
        (10, 0, True),  # PHQ-9 at the threshold
        (9, 7, False),  # both one below
        (0, 8, True),  # GAD-7 at the threshold
        (9, None, None),  # below, but GAD-7 unknown
        (10, None, True),  # over on the known one
        (None, None, None),
    ],
)
def test_caseness_thresholds(phq9, gad7, case):
    assert summarise(2, phq9=(phq9, None), gad7=(gad7, None)).case_at_start is case


@pytest.mark.parametrize(
    ("phq9", "gad7", "recovered"),
    [
        ((15, 9), (10, 7), True),  # both just below at the end
        ((15, 10), (10, 7), False),  # PHQ-9 still at caseness
        ((15, 9), (10, 8), False),  # GAD-7 still at caseness
        ((9, 2), (8, 7), True),  # a case on GAD-7 alone at the start
    ],
)
def test_recovery_edges(phq9, gad7, recovered):
    assert summarise(8, phq9=phq9, gad7=gad7).recovered is recovered


@pytest.mark.parametrize(
    ("phq9", "gad7", "improved", "deteriorated"),
    [
        ((15, 9), (10, 10), True, False),  # PHQ-9 falls by exactly 6
        ((15, 10), (10, 10), False, False),  # falls by 5: not reliable
        ((12, 12), (12, 8), True, False),  # GAD-7 falls by exactly 4
        ((12, 12), (12, 9), False, False),  # falls by 3
        ((18, 10), (6, 10), False, True),  # PHQ-9 better, GAD-7 worse by 4
        ((10, 16), (15, 10), False, True),  # GAD-7 better, PHQ-9 worse by 6
        ((10, 15), (15, 10), True, False),  # PHQ-9 worse by 5: not reliable
    ],
)
def test_reliable_change_edges(phq9, gad7, improved, deteriorated):
    outcome = summarise(8, phq9=phq9, gad7=gad7)
    assert outcome.reliable_improvement is improved
    assert outcome.reliable_deterioration is deteriorated


def test_missing_last_scores_cannot_be_judged():
    outcome = summarise(10, phq9=(15, None), gad7=(10, None))
    assert outcome.case_at_start is True
    assert outcome.recovered is None
    assert outcome.reliable_improvement is None
