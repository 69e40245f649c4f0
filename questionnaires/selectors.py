"""What the questionnaire pages show, as plain values: the patient's pages (start,
one group of questions, check your answers, sent) and the therapist's (measures,
one response). Nothing here changes state."""

from dataclasses import dataclass, field

from django.urls import reverse

from therapy.models import Course
from therapy.phases import phases_for

from . import chart, scoring, services
from .definitions import DEFINITIONS, GAD7, INTAKE, PHQ9
from .models import Assignment, Response, RiskFlag

# The patient's pages -------------------------------------------------------------------


def response_of(assignment):
    return getattr(assignment, "response", None)


def instrument_for(assignment):
    """The version the patient answers: the one they started, else today's."""
    response = response_of(assignment)
    if response is not None:
        return response.instrument
    return services.current_instrument(assignment.code)


@dataclass
class StartPage:
    assignment: Assignment
    title: str
    definition: dict
    pages: int
    started: bool


def start_page(assignment):
    instrument = instrument_for(assignment)
    return StartPage(
        assignment=assignment,
        title=services.title_for(assignment),
        definition=instrument.definition,
        pages=len(instrument.groups),
        started=response_of(assignment) is not None,
    )


def _first_numbers(groups):
    """The number of the first scored question on each page (questions run on)."""
    numbers, count = [], 1
    for group in groups:
        numbers.append(count)
        count += sum(1 for item in group["items"] if item.get("scored"))
    return numbers


@dataclass
class QuestionPage:
    assignment: Assignment
    title: str
    definition: dict
    group: dict
    number: int  # of the page, from 1
    pages: int
    first_question: int  # the number the page's first scored question shows
    answers: dict  # given so far, on every page
    back_url: str

    @property
    def is_last(self):
        return self.number == self.pages


def question_page(assignment, number):
    """Page `number` of the questionnaire, or None if it has no such page."""
    instrument = instrument_for(assignment)
    groups = instrument.groups
    if not 1 <= number <= len(groups):
        return None
    response = response_of(assignment)
    if number > 1:
        back_url = reverse(
            "questionnaire_page", args=[assignment.public_id, number - 1]
        )
    else:
        back_url = reverse("questionnaire_start", args=[assignment.public_id])
    return QuestionPage(
        assignment=assignment,
        title=services.title_for(assignment),
        definition=instrument.definition,
        group=groups[number - 1],
        number=number,
        pages=len(groups),
        first_question=_first_numbers(groups)[number - 1],
        answers=response.answers if response else {},
        back_url=back_url,
    )


@dataclass
class ReviewRow:
    id: str
    question: str
    answer: str
    change_url: str  # the question on its page
    error_url: str  # its first input, for the error summary


@dataclass
class ReviewError:
    text: str
    url: str


@dataclass
class ReviewPage:
    assignment: Assignment
    title: str
    definition: dict
    rows: list[ReviewRow]
    errors: list[ReviewError] = field(default_factory=list)


def _review_rows(instrument, answers, assignment):
    rows = []
    for index, group in enumerate(instrument.groups, start=1):
        url = reverse("questionnaire_page", args=[assignment.public_id, index])
        for item in group["items"]:
            anchor = f"{url}#id_{item['id']}"
            rows.append(
                ReviewRow(
                    id=item["id"],
                    question=item["text"],
                    answer=services.answer_text(item, answers),
                    change_url=anchor,
                    error_url=f"{anchor}_0" if item["kind"] == "choice" else anchor,
                )
            )
    return rows


def review_page(assignment, missing=()):
    """Every answer given so far; `missing` (items) become the error summary."""
    instrument = instrument_for(assignment)
    response = response_of(assignment)
    rows = _review_rows(instrument, response.answers if response else {}, assignment)
    by_id = {row.id: row for row in rows}
    return ReviewPage(
        assignment=assignment,
        title=services.title_for(assignment),
        definition=instrument.definition,
        rows=rows,
        errors=[
            ReviewError(
                text=f"Answer question: {item['text']}",
                url=by_id[item["id"]].error_url,
            )
            for item in missing
        ],
    )


@dataclass
class SentPage:
    assignment: Assignment
    title: str
    response: Response
    needs_help: bool  # the answers raised a risk flag: show where to get help now
    definition: dict


def sent_page(assignment):
    response = response_of(assignment)
    if response is None or not response.is_submitted:
        return None
    return SentPage(
        assignment=assignment,
        title=services.title_for(assignment),
        response=response,
        needs_help=hasattr(response, "risk_flag"),
        definition=DEFINITIONS[assignment.code],
    )


# The therapist's pages -----------------------------------------------------------------


@dataclass
class MeasuresRow:
    number: int  # the session
    phase: str
    phq9: Response | None
    gad7: Response | None


@dataclass
class MeasuresPage:
    course: Course
    charts: list[chart.Chart]
    rows: list[MeasuresRow]
    intake: Response | None
    flags: list[RiskFlag]

    @property
    def patient(self):
        return self.course.patient


def _charts(course, scores, phases):
    return [
        chart.build_both(
            code=code,
            title=DEFINITIONS[code]["title"],
            definition=DEFINITIONS[code],
            points=scores[code],
            sessions=course.planned_sessions,
            phase_for=phases.__getitem__,
        )
        for code in (PHQ9, GAD7)
    ]


def _rows(responses, phases):
    by_session = {}
    for response in responses:
        session = response.assignment.session
        if session is not None:
            codes = by_session.setdefault(session.number, {})
            codes[response.assignment.code] = response
    return [
        MeasuresRow(
            number=number,
            phase=chart.PHASE_NAMES.get(phases[number], ""),
            phq9=by_session[number].get(PHQ9),
            gad7=by_session[number].get(GAD7),
        )
        for number in sorted(by_session)
    ]


def measures_page(course):
    """The course's PHQ-9 and GAD-7 as charts and a table, its intake and risk flags."""
    responses = services.course_responses(course)
    scores = services.course_scores(course, responses)
    numbers = [n for points in scores.values() for n, _, _ in points]
    last = max([course.planned_sessions, *numbers])
    sessions = list(course.sessions.only("number", "start", "status"))
    phases = phases_for(course, sessions, range(1, last + 2))
    intake = [r for r in responses if r.assignment.code == INTAKE]
    flags = RiskFlag.objects.filter(course=course).select_related(
        "response__assignment__session", "acknowledged_by"
    )
    return MeasuresPage(
        course=course,
        charts=_charts(course, scores, phases),
        rows=_rows(responses, phases),
        intake=intake[0] if intake else None,
        flags=list(flags),
    )


@dataclass
class AnswerGroup:
    title: str
    items: list[tuple[str, str]]  # (question, answer)


@dataclass
class ResponsePage:
    response: Response
    title: str
    answers: list[AnswerGroup]

    @property
    def course(self):
        return self.response.assignment.course

    @property
    def patient(self):
        return self.course.patient


def response_page(response):
    return ResponsePage(
        response=response,
        title=services.title_for(response.assignment),
        answers=[
            AnswerGroup(
                title=group["title"],
                items=[
                    (item["text"], services.answer_text(item, response.answers))
                    for item in group["items"]
                ],
            )
            for group in response.instrument.groups
        ],
    )


@dataclass
class RiskFlagPage:
    """A risk flag as its therapist reads it: the question that raised it and the
    answer given (in the patient's words of the scale), and the patient's phone."""

    flag: RiskFlag
    question: str
    answer: str

    @property
    def patient(self):
        return self.flag.patient


def risk_flag_page(flag):
    definition = flag.response.instrument.definition
    risk_item = definition.get("risk_item")
    item = next(i for i in scoring.items(definition) if i["id"] == risk_item)
    return RiskFlagPage(
        flag=flag,
        question=item["text"],
        answer=services.answer_text(item, flag.response.answers),
    )
