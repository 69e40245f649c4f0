"""PHQ-9 and GAD-7 totals and bands at every band edge; versions of a definition."""

import copy

import pytest

from questionnaires import scoring, services
from questionnaires.definitions import DEFINITIONS, GAD7, INTAKE, PHQ9, PREFER_NOT

from .factories import gad7_answers, phq9_answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
)
def test_phq9_total_and_band_at_each_edge(total, band):
    result = scoring.score(DEFINITIONS[PHQ9], phq9_answers(total, min(total, 3)))
    assert (result.total, result.band) == (total, band)
    assert result.caseness == (total >= 10)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Severe"),
        (21, "Severe"),
    ],
)
def test_gad7_total_and_band_at_each_edge(total, band):
    result = scoring.score(DEFINITIONS[GAD7], gad7_answers(total))
    assert (result.total, result.band) == (total, band)
    assert result.caseness == (total >= 8)


def test_phq9_difficulty_question_is_not_scored():
    answers = phq9_answers(6) | {"difficulty": 3}
    assert scoring.score(DEFINITIONS[PHQ9], answers).total == 6


def test_missing_required_item_gives_no_score():
    answers = phq9_answers(12)
    del answers["q4"]
    assert [i["id"] for i in scoring.missing_required(DEFINITIONS[PHQ9], answers)] == [
        "q4"
    ]
    with pytest.raises(ValueError):
        scoring.score(DEFINITIONS[PHQ9], answers)


def test_an_answer_outside_the_scale_counts_as_missing():
    answers = gad7_answers(3) | {"q2": 7}
    assert scoring.missing_required(DEFINITIONS[GAD7], answers)


def test_intake_has_no_required_items_and_accepts_prefer_not_to_say():
    definition = DEFINITIONS[INTAKE]
    everything_declined = {item["id"]: PREFER_NOT for item in scoring.items(definition)}
    assert scoring.missing_required(definition, everything_declined) == []
    assert scoring.missing_required(definition, {}) == []
    assert all(item["prefer_not"] for item in scoring.items(definition))


def test_risk_only_when_item_9_is_above_zero():
    assert scoring.raises_risk(DEFINITIONS[PHQ9], phq9_answers(5, item9=1))
    assert not scoring.raises_risk(DEFINITIONS[PHQ9], phq9_answers(27 - 3, item9=0))
    assert not scoring.raises_risk(DEFINITIONS[GAD7], gad7_answers(21))


def test_a_changed_definition_makes_a_new_version(db):
    first = services.current_instrument(PHQ9)
    assert services.current_instrument(PHQ9) == first  # unchanged: same version
    changed = copy.deepcopy(DEFINITIONS)
    changed[PHQ9]["groups"][1]["items"][0]["text"] = "A reworded question"
    second = services.current_instrument(PHQ9, definitions=changed)
    assert second.version == first.version + 1
    first.refresh_from_db()
    assert first.definition == DEFINITIONS[PHQ9]  # the old version is kept as it was
