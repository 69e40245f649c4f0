"""A year of made-up history for the demo, so the service reports show something on
`make run`: patients referred over the last year, seen weekly with some DNAs and
cancellations, their PHQ-9 and GAD-7 easing (or not), discharged or dropped out;
one referred again; a few still waiting. Idempotent: made once."""

import datetime

from django.utils import timezone

from dit_portal.core.timefmt import at_wall_time
from patients.models import Patient, Referral
from patients.nhs_number import check_digit
from questionnaires import scoring
from questionnaires.definitions import GAD7, PHQ9
from questionnaires.models import Assignment, Response
from questionnaires.services import current_instrument
from therapy.models import Course, Session

NAMES = ["Amira Khan", "Ben Carter", "Chloe Davies", "Daniel Evans", "Ella Foster",
         "Finn Graham", "Grace Hughes", "Harry Irving", "Isla James", "Jack Kelly",
         "Katie Lewis", "Liam Morris", "Maya Nolan", "Noah Owen", "Olivia Price",
         "Priya Rao", "Ryan Scott", "Sophie Turner", "Tom Walsh", "Zara Young"]  # fmt: skip
S = Session.Status
# Attendance by session position (the rest attended): a DNA, a cancellation each way.
MISSED = {3: S.DID_NOT_ATTEND, 5: S.CANCELLED_BY_PATIENT, 7: S.CANCELLED_BY_CLINIC}
SESSIONS = 10
WAITING_WEEKS = (2, 5, 9, 21)  # still waiting: under 6, under 6, past 6, past 18


def nhs_number(n):
    body = 500 + n
    while True:
        first_nine = f"999{body:06d}"
        check = check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)
        body += 1000


def seed_history(seed_user, therapists):
    if Patient.objects.filter(user__email__startswith="history").exists():
        return
    today = timezone.localdate()
    for n, name in enumerate(NAMES):
        therapist = therapists[n % len(therapists)]
        user = seed_user(f"history{n}@demo.invalid", name, "patient")
        referred = today - datetime.timedelta(days=380 - 16 * n)
        patient = Patient.objects.create(
            user=user, nhs_number=nhs_number(n), date_of_birth=datetime.date(1990, 1, 1),
            therapist=therapist, referral_date=referred,
            status=Patient.Status.DISCHARGED,
        )  # fmt: skip
        referral = Referral.objects.create(
            patient=patient, referred_on=referred, source=list(Referral.Source)[n % 3]
        )
        first = referred + datetime.timedelta(days=14 + 7 * (n % 9))
        if first + datetime.timedelta(weeks=SESSIONS) >= today:
            _waiting(patient, referral, today, n)
            continue
        _past_course(patient, referral, therapist, first, n)
    again = Patient.objects.get(user__email="history0@demo.invalid")
    day = today - datetime.timedelta(weeks=3)
    Referral.objects.create(patient=again, referred_on=day, source=Referral.Source.GP)
    again.status, again.referral_date = Patient.Status.REFERRED, day
    again.save(update_fields=["status", "referral_date"])


def _waiting(patient, referral, today, n):
    """Referred recently: waiting, for a few weeks or (for the list) longer."""
    weeks = WAITING_WEEKS[n % len(WAITING_WEEKS)]
    referral.referred_on = patient.referral_date = today - datetime.timedelta(
        weeks=weeks
    )
    referral.save(update_fields=["referred_on"])
    patient.status = Patient.Status.REFERRED
    patient.save(update_fields=["status", "referral_date"])


def _past_course(patient, referral, therapist, first, n):
    dropped_after = 4 if n % 5 == 2 else None
    course = Course.objects.create(
        patient=patient, therapist=therapist, referral=referral, start_date=first,
        focus_agreed_session=3, video_link="https://video.example.invalid/demo",
    )  # fmt: skip
    easing = 2 if n % 4 else 0  # one in four does not get better
    last = None
    for number in range(1, (dropped_after or SESSIONS) + 1):
        when = first + datetime.timedelta(weeks=number - 1)
        start = at_wall_time(when, datetime.time(13 + n % 4))
        status = MISSED.get(number, S.ATTENDED) if n % 3 else S.ATTENDED
        session = Session.objects.create(
            course=course, number=number, therapist=therapist, patient=patient,
            start=start, end=start + datetime.timedelta(minutes=50), status=status,
            video_link=course.video_link,
        )  # fmt: skip
        if status == S.ATTENDED:
            step = number - 1
            _scores(
                session,
                {PHQ9: max(16 - easing * step, 3), GAD7: max(12 - easing * step, 2)},
            )
        last = start
    course.status = (
        Course.Status.DROPPED_OUT if dropped_after else Course.Status.COMPLETED
    )
    course.ended_at = last + datetime.timedelta(days=1)
    course.end_reason = "Stopped coming (demo)" if dropped_after else ""
    course.save(update_fields=["status", "ended_at", "end_reason"])
    if dropped_after:
        patient.status = Patient.Status.DROPPED_OUT
        patient.save(update_fields=["status"])


def _scores(session, totals):
    for code, total in totals.items():
        instrument = current_instrument(code)
        answers, left = {}, total
        for item in instrument.items:
            if item.get("scored"):
                value = 0 if item["id"] == "q9" else min(3, left)
                answers[item["id"]] = value
                left -= value
        result = scoring.score(instrument.definition, answers)
        assignment = Assignment.objects.create(
            patient=session.patient, course=session.course, session=session, code=code
        )
        Response.objects.create(
            assignment=assignment, instrument=instrument, answers=answers,
            status=Response.Status.SUBMITTED, total=result.total, band=result.band,
            submitted_at=session.start - datetime.timedelta(hours=20),
        )  # fmt: skip
