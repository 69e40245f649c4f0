"""The outcome of a course, in the NHS Talking Therapies definitions.

- finished treatment: at least 2 attended treatment sessions;
- caseness: PHQ-9 >= 10 or GAD-7 >= 8;
- recovery: a case at the first measure and below both thresholds at the last;
- reliable improvement: PHQ-9 falls by >= 6 or GAD-7 by >= 4, and neither rises by
  as much (a rise that large is reliable deterioration).

Recovery and reliable change are only judged for a course that finished treatment
and has a first and last score on both measures (the paired scores); otherwise they
are None ("cannot be judged"), never False.
"""

from dataclasses import dataclass

PHQ9_CASENESS = 10
GAD7_CASENESS = 8
PHQ9_RELIABLE_CHANGE = 6
GAD7_RELIABLE_CHANGE = 4
FINISHED_TREATMENT = 2


@dataclass(frozen=True)
class Outcome:
    attended: int
    phq9_first: int | None
    phq9_last: int | None
    gad7_first: int | None
    gad7_last: int | None
    finished_treatment: bool
    case_at_start: bool | None
    recovered: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None

    @property
    def reliable_recovery(self):
        if self.recovered is None or self.reliable_improvement is None:
            return None
        return self.recovered and self.reliable_improvement

    @property
    def has_paired_scores(self):
        return None not in (
            self.phq9_first,
            self.phq9_last,
            self.gad7_first,
            self.gad7_last,
        )


def is_case(phq9, gad7):
    """True or False when both scores are known; True if either known one is over."""
    over = (phq9 is not None and phq9 >= PHQ9_CASENESS) or (
        gad7 is not None and gad7 >= GAD7_CASENESS
    )
    if over:
        return True
    if phq9 is None or gad7 is None:
        return None
    return False


def summarise(attended, phq9=(None, None), gad7=(None, None)):
    """The outcome from the number of attended sessions and (first, last) totals."""
    phq9_first, phq9_last = phq9
    gad7_first, gad7_last = gad7
    finished = attended >= FINISHED_TREATMENT
    case_at_start = is_case(phq9_first, gad7_first)
    paired = None not in (phq9_first, phq9_last, gad7_first, gad7_last)

    recovered = improved = deteriorated = None
    if finished and paired:
        phq9_drop = phq9_first - phq9_last
        gad7_drop = gad7_first - gad7_last
        deteriorated = (
            -phq9_drop >= PHQ9_RELIABLE_CHANGE or -gad7_drop >= GAD7_RELIABLE_CHANGE
        )
        improved = not deteriorated and (
            phq9_drop >= PHQ9_RELIABLE_CHANGE or gad7_drop >= GAD7_RELIABLE_CHANGE
        )
        if case_at_start:
            recovered = is_case(phq9_last, gad7_last) is False
    return Outcome(
        attended=attended,
        phq9_first=phq9_first,
        phq9_last=phq9_last,
        gad7_first=gad7_first,
        gad7_last=gad7_last,
        finished_treatment=finished,
        case_at_start=case_at_start,
        recovered=recovered,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
    )
