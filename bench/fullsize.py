"""A service at full size, built with bulk inserts in seconds: `build(...)` makes
therapists, patients with their referrals, one course each with its sessions
(attendance recorded in the past, booked ahead), PHQ-9 and GAD-7 scores at attended
sessions, some re-referrals still waiting, and a few open risk flags.

Used by bench/reports.py (40 therapists, 1,000 patients, 16,000 sessions), by the
report pages' query-count test (a handful of patients) and by any other harness:

    from bench.fullsize import build
    built = build(therapists=40, patients=1000, sessions_each=16)

Deterministic for a given `seed`. No factories, no password hashing, no messages:
the rows the reports read, and nothing else."""

import datetime
import random
from dataclasses import dataclass

# Shares of a past session's recorded attendance (the rest attended).
OUTCOMES = [
    ("dna", 0.08),
    ("cancelled_patient", 0.05),
    ("cancelled_clinic", 0.03),
    ("late_seen", 0.02),
    ("late_not_seen", 0.02),
]
NO_PASSWORD = "!"  # noqa: S105 - Django's mark for an unusable password
SLOTS = [(day, hour) for day in range(5) for hour in range(9, 17)]  # 40 a week


@dataclass
class Built:
    therapists: list
    patients: list
    courses: int
    sessions: int
    responses: int


def _status(rng):
    draw = rng.random()
    for status, share in OUTCOMES:
        if draw < share:
            return status
        draw -= share
    return "attended"


def build(*, therapists=40, patients=1000, sessions_each=16, seed=14, today=None):
    from django.utils import timezone

    from dit_portal.accounts.models import User
    from dit_portal.core.timefmt import at_wall_time
    from patients.models import Patient, Referral
    from questionnaires.definitions import DEFINITIONS, GAD7, PHQ9
    from questionnaires.models import Assignment, Response, RiskFlag
    from questionnaires.scoring import band_for
    from questionnaires.services import current_instrument
    from tests.factories import _nhs_numbers
    from therapy.models import Course, Session

    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    today = today or timezone.localdate()
    now = timezone.now()
    tag = f"{seed}-{rng.randrange(10**6)}"
    staff = User.objects.bulk_create(
        User(email=f"bench-t{n}-{tag}@example.test", full_name=f"Therapist {n:02d}",
             role=User.Role.THERAPIST, password=NO_PASSWORD)
        for n in range(therapists)
    )  # fmt: skip
    people = User.objects.bulk_create(
        User(email=f"bench-p{n}-{tag}@example.test", full_name=f"Patient {n:04d}",
             role=User.Role.PATIENT, password=NO_PASSWORD)
        for n in range(patients)
    )  # fmt: skip
    numbers = _nhs_numbers(rng.randrange(100000, 800000))
    referred = [today - datetime.timedelta(days=rng.randrange(40, 560)) for _ in people]
    records = Patient.objects.bulk_create(
        Patient(user=user, nhs_number=next(numbers), therapist=staff[n % therapists],
                date_of_birth=datetime.date(1980, 1, 1), referral_date=referred[n],
                status=Patient.Status.IN_THERAPY)
        for n, user in enumerate(people)
    )  # fmt: skip
    sources = list(Referral.Source)
    referrals = Referral.objects.bulk_create(
        Referral(patient=p, referred_on=referred[n], source=rng.choice(sources))
        for n, p in enumerate(records)
    )
    courses, plans = [], []
    for n, (patient, referral) in enumerate(zip(records, referrals, strict=True)):
        day, hour = SLOTS[(n // therapists) % len(SLOTS)]
        first = referral.referred_on + datetime.timedelta(days=rng.randrange(5, 150))
        first += datetime.timedelta(days=(day - first.weekday()) % 7)
        starts = [
            at_wall_time(first + datetime.timedelta(weeks=k), datetime.time(hour))
            for k in range(sessions_each)
        ]
        drop_after = rng.randrange(2, sessions_each) if rng.random() < 0.1 else None
        if drop_after is not None and starts[drop_after] < now:
            status, ended = Course.Status.DROPPED_OUT, starts[drop_after]
        elif starts[-1] < now:
            status, ended = (
                Course.Status.COMPLETED,
                starts[-1] + datetime.timedelta(hours=2),
            )
        else:
            status, ended, drop_after = Course.Status.ACTIVE, None, None
        courses.append(
            Course(patient=patient, therapist=patient.therapist, referral=referral,
                   status=status, ended_at=ended, start_date=first,
                   focus_agreed_session=4 if rng.random() < 0.8 else None,
                   video_link="https://video.example.test/room")
        )  # fmt: skip
        plans.append((starts, drop_after))
    courses = Course.objects.bulk_create(courses)
    rows = []
    for course, (starts, drop_after) in zip(courses, plans, strict=True):
        for number, start in enumerate(starts, start=1):
            if drop_after is not None and number > drop_after:
                status, reason = "cancelled_clinic", "Course ended early"
            elif start < now:
                status, reason = _status(rng), ""
            else:
                status, reason = "booked", ""
            rows.append(Session(
                course=course, number=number, therapist_id=course.therapist_id,
                patient_id=course.patient_id, start=start,
                end=start + datetime.timedelta(minutes=50), status=status,
                change_reason=reason, video_link=course.video_link,
            ))  # fmt: skip
    sessions = Session.objects.bulk_create(rows, batch_size=2000)
    instruments = {code: current_instrument(code) for code in (PHQ9, GAD7)}
    highest = {PHQ9: 27, GAD7: 21}
    start_level = {c.pk: rng.uniform(0.4, 0.9) for c in courses}
    assignments, totals = [], []
    for session in sessions:
        if session.status not in ("attended", "late_seen"):
            continue
        # Scores drift down over the course, more for some patients than others.
        level = start_level[session.course_id] * (1 - session.number / 24)
        for code in (PHQ9, GAD7):
            assignments.append(Assignment(
                code=code, patient_id=session.patient_id,
                course_id=session.course_id, session=session,
            ))  # fmt: skip
            noise = rng.uniform(-0.1, 0.1)
            totals.append(
                max(0, min(highest[code], round(highest[code] * (level + noise))))
            )
    assignments = Assignment.objects.bulk_create(assignments, batch_size=4000)
    responses = Response.objects.bulk_create(
        (
            Response(assignment=a, instrument=instruments[a.code], status="submitted",
                     total=total, submitted_at=now, answers={},
                     band=band_for(DEFINITIONS[a.code], total))
            for a, total in zip(assignments, totals, strict=True)
        ),
        batch_size=4000,
    )  # fmt: skip
    RiskFlag.objects.bulk_create(
        RiskFlag(response=r, course_id=r.assignment.course_id,
                 patient_id=r.assignment.patient_id)
        for r in responses[:: max(1, len(responses) // 30)][:30]
    )  # fmt: skip
    _close_and_re_refer(records, courses, rng, today)
    return Built(
        therapists=staff,
        patients=records,
        courses=len(courses),
        sessions=len(sessions),
        responses=len(responses),
    )


def _close_and_re_refer(records, courses, rng, today):
    """Patients follow their course; one in ten discharged is referred again and
    waits (up to 30 weeks) with no course yet."""
    from patients.models import Patient, Referral

    by_patient = {course.patient_id: course for course in courses}
    closed = {
        "completed": Patient.Status.DISCHARGED,
        "dropped_out": Patient.Status.DROPPED_OUT,
    }
    again, changed = [], []
    for patient in records:
        course = by_patient[patient.pk]
        if course.status in closed:
            patient.status = closed[course.status]
            if rng.random() < 0.1:
                day = max(
                    course.ended_at.date() + datetime.timedelta(days=1),
                    today - datetime.timedelta(days=rng.randrange(1, 210)),
                )
                day = min(day, today)
                again.append(Referral(patient=patient, referred_on=day,
                                      source=Referral.Source.SELF))  # fmt: skip
                patient.status, patient.referral_date = Patient.Status.REFERRED, day
            changed.append(patient)
    Referral.objects.bulk_create(again)
    Patient.objects.bulk_update(changed, ["status", "referral_date"], batch_size=2000)
