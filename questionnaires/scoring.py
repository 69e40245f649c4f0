"""Scoring, from an instrument's definition and a response's answers. Pure functions."""

from dataclasses import dataclass

from .definitions import PREFER_NOT


@dataclass(frozen=True)
class Score:
    total: int
    band: str
    caseness: bool


def items(definition):
    return [item for group in definition["groups"] for item in group["items"]]


def is_answered(item, answers):
    value = answers.get(item["id"])
    if item["kind"] == "choice":
        return isinstance(value, int) and value in {v for v, _ in item["options"]}
    return value == PREFER_NOT or (isinstance(value, str) and value.strip() != "")


def missing_required(definition, answers):
    """The required items not answered, in the order they are asked."""
    return [
        item
        for item in items(definition)
        if item.get("required") and not is_answered(item, answers)
    ]


def band_for(definition, total):
    for low, high, label in definition["bands"]:
        if low <= total <= high:
            return label
    raise ValueError(f"{total} is outside every band")


def score(definition, answers):
    """The total and band, or None for an unscored instrument.

    Raises ValueError when a required item is missing: a partial PHQ-9 has no score.
    """
    if not definition.get("scored"):
        return None
    if missing_required(definition, answers):
        raise ValueError("a required item is not answered")
    total = sum(answers[item["id"]] for item in items(definition) if item.get("scored"))
    return Score(
        total=total,
        band=band_for(definition, total),
        caseness=total >= definition["caseness"],
    )


def raises_risk(definition, answers):
    """PHQ-9 item 9 above 0: thoughts of being better off dead or of self-harm."""
    risk_item = definition.get("risk_item")
    value = answers.get(risk_item) if risk_item else None
    return isinstance(value, int) and value > 0
