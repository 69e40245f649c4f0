"""The outcome of any course, against the NHS Talking Therapies definitions in
DIT-DOMAIN.md: caseness (PHQ-9 >= 10 or GAD-7 >= 8), recovery (a case at the first
measure, below both thresholds at the last), reliable improvement (PHQ-9 down >= 6 or
GAD-7 down >= 4, neither up as much) and reliable deterioration (either up as much);
judged only for a finished course (2 or more attended) with both scores paired."""

from hypothesis import given
from hypothesis import strategies as st

from therapy.ending.outcomes import summarise

phq9 = st.integers(0, 27)
gad7 = st.integers(0, 21)
attended = st.integers(0, 20)


def maybe(scores):
    return st.one_of(st.none(), scores)


def case(phq9_total, gad7_total):
    return phq9_total >= 10 or gad7_total >= 8


@given(attended, maybe(phq9), maybe(phq9), maybe(gad7), maybe(gad7))
def test_any_course_is_judged_by_the_definitions(n, p_first, p_last, g_first, g_last):
    outcome = summarise(n, phq9=(p_first, p_last), gad7=(g_first, g_last))
    assert outcome.finished_treatment is (n >= 2)

    # Caseness at the start: known when both first scores are, or when one is over.
    if p_first is not None and g_first is not None:
        assert outcome.case_at_start is case(p_first, g_first)
    elif (p_first or 0) >= 10 or (g_first or 0) >= 8:
        assert outcome.case_at_start is True
    else:
        assert outcome.case_at_start is None

    judged = n >= 2 and None not in (p_first, p_last, g_first, g_last)
    if not judged:  # cannot be judged: None, never False
        assert outcome.recovered is None
        assert outcome.reliable_improvement is None
        assert outcome.reliable_deterioration is None
        assert outcome.reliable_recovery is None
        return

    # Never both improved and deteriorated.
    assert not (outcome.reliable_improvement and outcome.reliable_deterioration)
    phq9_drop, gad7_drop = p_first - p_last, g_first - g_last
    rose = phq9_drop <= -6 or gad7_drop <= -4
    fell = phq9_drop >= 6 or gad7_drop >= 4
    assert outcome.reliable_deterioration is rose
    assert outcome.reliable_improvement is (fell and not rose)

    # Recovery is judged only for a case at the start, and means below both at the end.
    if case(p_first, g_first):
        assert outcome.recovered is (p_last < 10 and g_last < 8)
    else:
        assert outcome.recovered is None
    if outcome.recovered:
        assert outcome.case_at_start
    assert outcome.reliable_recovery == (
        None
        if outcome.recovered is None
        else outcome.recovered and outcome.reliable_improvement
    )


@given(st.integers(2, 20), phq9, phq9, gad7, gad7)
def test_turning_a_course_round_turns_improvement_into_deterioration(
    n, p_first, p_last, g_first, g_last
):
    forward = summarise(n, phq9=(p_first, p_last), gad7=(g_first, g_last))
    backward = summarise(n, phq9=(p_last, p_first), gad7=(g_last, g_first))
    if forward.reliable_improvement:
        assert backward.reliable_deterioration and not backward.reliable_improvement
    if forward.reliable_deterioration and not backward.reliable_deterioration:
        assert backward.reliable_improvement


@given(st.integers(2, 20), phq9, gad7)
def test_no_change_is_neither_improvement_nor_deterioration(n, p, g):
    outcome = summarise(n, phq9=(p, p), gad7=(g, g))
    assert outcome.reliable_improvement is False
    assert outcome.reliable_deterioration is False
    assert outcome.recovered is (None if not case(p, g) else False)


@given(
    st.integers(2, 20), phq9, phq9, gad7, gad7, st.integers(0, 27), st.integers(0, 21)
)
def test_lower_last_scores_never_undo_improvement_or_recovery(
    n, p_first, p_last, g_first, g_last, p_less, g_less
):
    """A patient who ends with lower scores than another, from the same start, is at
    least as well judged."""
    better_p, better_g = max(0, p_last - p_less), max(0, g_last - g_less)
    as_is = summarise(n, phq9=(p_first, p_last), gad7=(g_first, g_last))
    better = summarise(n, phq9=(p_first, better_p), gad7=(g_first, better_g))
    if as_is.reliable_improvement:
        assert better.reliable_improvement
    if as_is.recovered:
        assert better.recovered
    if better.reliable_deterioration:
        assert as_is.reliable_deterioration


@given(phq9, phq9, gad7, gad7, st.integers(2, 20), st.integers(2, 20))
def test_the_number_of_sessions_past_two_changes_nothing(
    p_first, p_last, g_first, g_last, n, m
):
    scores = {"phq9": (p_first, p_last), "gad7": (g_first, g_last)}
    one, other = summarise(n, **scores), summarise(m, **scores)
    assert (one.recovered, one.reliable_improvement, one.reliable_deterioration) == (
        other.recovered,
        other.reliable_improvement,
        other.reliable_deterioration,
    )
