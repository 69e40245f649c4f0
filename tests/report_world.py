"""A small service with every case the reports must count, in 2025 (all past), for
tests/test_reports.py. The expected figures there are worked out by hand from this.

- Alice (Ann Adams): referred 6 Jan (GP); seen 3 Feb and 17 Feb (a DNA on 10 Feb
  between), clinic cancelled 24 Feb, she cancelled 3 Mar, seen 10 Mar; completed
  12 Mar (a session after it cancelled by discharge). PHQ-9 15 -> 5, GAD-7 12 -> 4.
- Bob (Ben Brown): referred 13 Jan (self); seen 7 and 14 Apr, one measured session
  (PHQ-9 14, GAD-7 10); dropped out 20 Apr (a course ended early). Referred again
  5 May (other): seen 12 May, DNA 19 May, seen 26 May; PHQ-9 12 -> 11, GAD-7 9 -> 9;
  completed 2 Jun.
- Cara: referred 3 Feb (GP), no therapist, waiting.
- Dan (Ann Adams): referred 3 Mar (GP); course active, first session 17 Mar still
  "booked" (not recorded); a PHQ-9 with question 9 answered raised a risk flag.
- No first session in January, March or June; nothing at all in June.
"""

import datetime

from dit_portal.core.timefmt import at_wall_time
from patients.models import Patient, Referral
from therapy.models import Course, Session

from .factories import (
    PatientFactory,
    TherapistFactory,
    gad7_answers,
    phq9_answers,
    send_measure,
)

S = Session.Status
RANGE = (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))


def day(month, date):
    return datetime.date(2025, month, date)


def referred(patient, on, source):
    return Referral.objects.create(patient=patient, referred_on=on, source=source)


def course(referral, therapist, sessions, *, end=None, hour=10):
    """A course with sessions [(date, status, phq9, gad7)], closed as end=(status,
    date) after its measures were sent (measures need an active course)."""
    made = Course.objects.create(
        patient=referral.patient, therapist=therapist, referral=referral
    )
    for number, (when, status, phq9, gad7) in enumerate(sessions, start=1):
        start = at_wall_time(when, datetime.time(hour))
        session = Session.objects.create(
            course=made,
            number=number,
            therapist=therapist,
            patient=referral.patient,
            start=start,
            end=start + datetime.timedelta(minutes=50),
        )
        # Measures are sent while the session is booked (that is when they are open),
        # then its attendance is recorded.
        if phq9 is not None:
            send_measure(session, "phq9", phq9)
        if gad7 is not None:
            send_measure(session, "gad7", gad7)
        ended = status == "ended"
        Session.objects.filter(pk=session.pk).update(
            status=S.CANCELLED_BY_CLINIC if ended else status,
            change_reason="Course completed" if ended else "",
        )
    if end:
        status, when = end
        Course.objects.filter(pk=made.pk).update(
            status=status, ended_at=at_wall_time(when, datetime.time(17))
        )
    return made


def build(clinic):
    ann = TherapistFactory(full_name="Ann Adams")
    ben = TherapistFactory(full_name="Ben Brown")

    def patient(name, status, therapist, referral_date):
        made = PatientFactory(
            referral=False,
            status=status,
            therapist=therapist,
            referral_date=referral_date,
            user__full_name=name,
        )
        return made

    alice = patient("Alice Smith", Patient.Status.DISCHARGED, ann, day(1, 6))
    course(
        referred(alice, day(1, 6), Referral.Source.GP),
        ann,
        [
            (day(2, 3), S.ATTENDED, phq9_answers(15), gad7_answers(12)),
            (day(2, 10), S.DID_NOT_ATTEND, None, None),
            (day(2, 17), S.ATTENDED, None, None),
            (day(2, 24), S.CANCELLED_BY_CLINIC, None, None),
            (day(3, 3), S.CANCELLED_BY_PATIENT, None, None),
            (day(3, 10), S.ATTENDED, phq9_answers(5), gad7_answers(4)),
            (day(3, 17), "ended", None, None),
        ],
        end=(Course.Status.COMPLETED, day(3, 12)),
    )

    bob = patient("Bob Jones", Patient.Status.DISCHARGED, ben, day(5, 5))
    course(
        referred(bob, day(1, 13), Referral.Source.SELF),
        ben,
        [
            (day(4, 7), S.ATTENDED, phq9_answers(14), gad7_answers(10)),
            (day(4, 14), S.ATTENDED, None, None),
        ],
        end=(Course.Status.DROPPED_OUT, day(4, 20)),
    )
    course(
        referred(bob, day(5, 5), Referral.Source.OTHER),
        ben,
        [
            (day(5, 12), S.ATTENDED, phq9_answers(12), gad7_answers(9)),
            (day(5, 19), S.DID_NOT_ATTEND, None, None),
            (day(5, 26), S.ATTENDED, phq9_answers(11), gad7_answers(9)),
        ],
        end=(Course.Status.COMPLETED, day(6, 2)),
    )

    cara = patient("Cara Lee", Patient.Status.REFERRED, None, day(2, 3))
    referred(cara, day(2, 3), Referral.Source.GP)

    dan = patient("Dan Hill", Patient.Status.IN_THERAPY, ann, day(3, 3))
    course(
        referred(dan, day(3, 3), Referral.Source.GP),
        ann,
        [(day(3, 17), S.BOOKED, phq9_answers(9, item9=1), None)],
        hour=14,
    )
    return {
        "ann": ann,
        "ben": ben,
        "alice": alice,
        "bob": bob,
        "cara": cara,
        "dan": dan,
    }
