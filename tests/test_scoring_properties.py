"""PHQ-9 and GAD-7 scoring for any set of answers: every possible total is in exactly
one band, totals outside the scale are refused, caseness is PHQ-9 >= 10 and GAD-7 >= 8
(the NHS Talking Therapies thresholds), and only PHQ-9 question 9 raises a risk flag."""

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from questionnaires.definitions import DEFINITIONS, GAD7, PHQ9
from questionnaires.scoring import band_for, items, raises_risk, score
from therapy.ending import outcomes

# From DIT-DOMAIN.md ("Measures"): the published bands and caseness thresholds.
PUBLISHED = {
    PHQ9: {
        "max": 27,
        "caseness": 10,
        "bands": [
            (0, 4, "Minimal"),
            (5, 9, "Mild"),
            (10, 14, "Moderate"),
            (15, 19, "Moderately severe"),
            (20, 27, "Severe"),
        ],
    },
    GAD7: {
        "max": 21,
        "caseness": 8,
        "bands": [
            (0, 4, "Minimal"),
            (5, 9, "Mild"),
            (10, 14, "Moderate"),
            (15, 21, "Severe"),
        ],
    },
}
measures = st.sampled_from([PHQ9, GAD7])


@pytest.mark.parametrize("code", [PHQ9, GAD7])
def test_every_possible_total_is_in_exactly_one_band(code):
    definition = DEFINITIONS[code]
    published = PUBLISHED[code]
    scored = [item for item in items(definition) if item.get("scored")]
    assert definition["max_total"] == 3 * len(scored) == published["max"]
    for total in range(published["max"] + 1):
        holding = [b for b in definition["bands"] if b[0] <= total <= b[1]]
        assert len(holding) == 1, (code, total, holding)
        expected = next(
            label for low, high, label in published["bands"] if low <= total <= high
        )
        assert band_for(definition, total) == holding[0][2] == expected
    assert definition["caseness"] == published["caseness"]


@given(measures, st.integers(-1000, 1000))
@example(GAD7, 22)
@example(PHQ9, 28)
@example(PHQ9, -1)
def test_a_total_outside_the_scale_has_no_band(code, total):
    definition = DEFINITIONS[code]
    assume(not 0 <= total <= definition["max_total"])
    with pytest.raises(ValueError, match="outside every band"):
        band_for(definition, total)


@st.composite
def answered(draw, code):
    """A patient's answers: every item 0-3, the unscored PHQ-9 difficulty sometimes."""
    answers = {}
    for item in items(DEFINITIONS[code]):
        if item.get("scored") or draw(st.booleans()):
            answers[item["id"]] = draw(st.sampled_from([v for v, _ in item["options"]]))
    return answers


@given(st.data(), measures)
def test_the_total_band_and_caseness_of_any_answers(data, code):
    definition = DEFINITIONS[code]
    answers = data.draw(answered(code))
    result = score(definition, answers)
    scored = [item["id"] for item in items(definition) if item.get("scored")]
    assert result.total == sum(answers[i] for i in scored)
    assert 0 <= result.total <= definition["max_total"]
    assert result.band == band_for(definition, result.total)
    assert result.caseness == (result.total >= PUBLISHED[code]["caseness"])
    # The outcome summary uses the same thresholds as the measure's own caseness.
    if code == PHQ9:
        assert outcomes.is_case(result.total, 0) is result.caseness
    else:
        assert outcomes.is_case(0, result.total) is result.caseness


@given(st.data(), measures)
def test_a_missing_or_impossible_answer_gives_no_score(data, code):
    definition = DEFINITIONS[code]
    answers = data.draw(answered(code))
    scored = [item["id"] for item in items(definition) if item.get("scored")]
    broken = data.draw(st.sampled_from(scored))
    if data.draw(st.booleans()):
        del answers[broken]
    else:
        answers[broken] = data.draw(
            st.one_of(st.integers(4, 100), st.integers(-100, -1), st.just("3"))
        )
    with pytest.raises(ValueError, match="required item"):
        score(definition, answers)


@given(st.data(), measures)
def test_only_phq9_question_9_raises_a_risk_flag(data, code):
    answers = data.draw(answered(code))
    expected = code == PHQ9 and answers["q9"] > 0
    assert raises_risk(DEFINITIONS[code], answers) is expected
