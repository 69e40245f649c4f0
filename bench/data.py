"""A clinic at full size for the benchmarks, built with bulk inserts in seconds:
`therapists` therapists with `per_therapist` patients each (one 16-session weekly
course each), spread from 17 weeks ago to 3 weeks ahead so every page meets past,
current and future sessions; past sessions attended, with a signed note and a sent
PHQ-9 and GAD-7; future ones booked. 40 x 25 gives 1,000 patients and 16,000
sessions.

Then the people the harness signs in as: the first therapist (`therapist`), a clinic
admin (`admin`), and one of the therapist's patients (`patient`) half-way through a
course whose next session is tomorrow, so its PHQ-9 is open (`assignment`).

Run inside a configured Django (the harness calls `build()` after `migrate`)."""

import datetime
import random

# 25 weekly slots a therapist: Monday to Friday at 09:00, 10:00, 11:00, 13:00, 14:00
# (UK time); the bench patient takes 16:00, which no other course uses.
HOURS = (9, 10, 11, 13, 14)
BENCH_HOUR = 16
WEEKS = 16
GIVEN = ["Amelia", "Bartholomew", "Chiamaka", "Dev", "Eleanor", "Fatima", "Gareth",
         "Harriet", "Ifeoma", "Jonathan", "Katarzyna", "Lewis", "Mohammed", "Niamh",
         "Oluwaseun", "Priya", "Quentin", "Rhiannon", "Siobhan", "Tomasz"]  # fmt: skip
FAMILY = ["Abernethy", "Bhattacharya", "Cartwright", "Davies", "Evans-Pritchard",
          "Fitzgerald", "Gallagher", "Hughes", "Iqbal", "Jones", "Kowalczyk",
          "Llewellyn", "MacDonald", "Nowak", "O'Sullivan", "Patel", "Quinn",
          "Robertson", "Szymańska", "Thompson", "Featherstonehaugh"]  # fmt: skip


def nhs_numbers(start):
    """Valid NHS numbers (modulus 11 check digit) from `start` up."""
    n = start
    while True:
        digits = f"{n:09d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        n += 1
        if check == 11:
            yield digits + "0"
        elif check != 10:
            yield digits + str(check)


def _name(n):
    return f"{GIVEN[n % 20]} {FAMILY[(n // 20 + n) % 21]}"


def build(therapists=40, per_therapist=25, rooms=10, now=None):  # noqa: PLR0915
    """Build the clinic; return the bench personas and addresses as a dict."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.utils import timezone

    from dit_portal.accounts.models import User
    from dit_portal.core.timefmt import at_wall_time, monday_of
    from patients.models import Patient
    from questionnaires import scoring
    from questionnaires.models import Assignment, Response
    from questionnaires.services import current_instrument
    from therapy.models import Clinic, ClinicalNote, Course, Room, Session

    rng = random.Random(16)  # noqa: S311 - made-up answers, not secrets
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = monday_of(today)
    Clinic.load()
    phq9, gad7 = current_instrument("phq9"), current_instrument("gad7")
    room_rows = Room.objects.bulk_create(
        Room(name=f"Consulting room {n + 1}") for n in range(rooms)
    )
    staff = User.objects.bulk_create(
        User(email=f"clinician{n}@example.test", role=User.Role.THERAPIST,
             full_name=_name(n + 5), password=UNUSABLE_PASSWORD_PREFIX)
        for n in range(therapists)
    )  # fmt: skip
    admin = User.objects.create(
        email="admin@example.test", role=User.Role.CLINIC_ADMIN,
        full_name="Bench Admin", password=UNUSABLE_PASSWORD_PREFIX,
    )  # fmt: skip
    # Staff count as fully signed in only with a TOTP authenticator (the middleware).
    Authenticator.objects.bulk_create(
        Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        for user in [*staff, admin]
    )
    # (therapist index, slot weekday, hour, first week relative to this Monday)
    plans = []
    for t in range(therapists):
        for c in range(per_therapist):
            weekday, hour = c % 5, HOURS[c // 5]
            plans.append((t, weekday, hour, 2 - (c * 3 + t * 7) % 20))
    # The bench patient: tomorrow at 16:00, session 9 of 16.
    tomorrow = today + datetime.timedelta(days=1)
    plans.append((0, tomorrow.weekday(), BENCH_HOUR,
                  (monday_of(tomorrow) - monday).days // 7 - 8))  # fmt: skip
    people = User.objects.bulk_create(
        User(email=f"patient{n}@example.test", role=User.Role.PATIENT,
             full_name=_name(n), password=UNUSABLE_PASSWORD_PREFIX)
        for n in range(len(plans))
    )  # fmt: skip
    numbers = nhs_numbers(100000)
    patients = Patient.objects.bulk_create(
        Patient(user=user, nhs_number=next(numbers), therapist=staff[plan[0]],
                date_of_birth=datetime.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                referral_date=monday + datetime.timedelta(weeks=plan[3] - 6),
                status=Patient.Status.IN_THERAPY, phone="07700 900000")
        for n, (user, plan) in enumerate(zip(people, plans, strict=True))
    )  # fmt: skip

    def start_of(plan, number):
        t, weekday, hour, week = plan
        day = monday + datetime.timedelta(weeks=week + number - 1, days=weekday)
        return at_wall_time(day, datetime.time(hour))

    courses = []
    for patient, plan in zip(patients, plans, strict=True):
        t, weekday, hour, week = plan
        last_end = start_of(plan, WEEKS) + datetime.timedelta(minutes=50)
        done = last_end < now
        third_past = start_of(plan, 3) < now
        courses.append(Course(
            patient=patient, therapist=staff[t], weekday=weekday,
            start_time=datetime.time(hour), start_date=start_of(plan, 1).date(),
            room=room_rows[t] if t < rooms else None,
            video_link="" if t < rooms else "https://video.example.test/room",
            status=Course.Status.COMPLETED if done else Course.Status.ACTIVE,
            focus_agreed_session=3 if third_past else None,
            ended_at=last_end if done else None, ended_by=staff[t] if done else None,
        ))  # fmt: skip
    courses = Course.objects.bulk_create(courses)
    sessions = []
    for course, plan in zip(courses, plans, strict=True):
        for number in range(1, WEEKS + 1):
            start = start_of(plan, number)
            past = start < now
            status = Session.Status.BOOKED
            if past:
                status = (Session.Status.DID_NOT_ATTEND if rng.random() < 0.05
                          else Session.Status.ATTENDED)  # fmt: skip
            sessions.append(Session(
                course=course, number=number, therapist=course.therapist,
                patient=course.patient, start=start,
                end=start + datetime.timedelta(minutes=50), room=course.room,
                video_link=course.video_link, status=status,
            ))  # fmt: skip
    sessions = Session.objects.bulk_create(sessions, batch_size=4000)
    attended = [s for s in sessions if s.status == Session.Status.ATTENDED]
    ClinicalNote.objects.bulk_create(
        (ClinicalNote(session=s, author=s.therapist, status=ClinicalNote.Status.SIGNED,
                      relationships="Spoke about a colleague.", patterns="Withdrawal.",
                      signed_by=s.therapist, signed_at=s.end)
         for s in attended),
        batch_size=4000,
    )  # fmt: skip
    assignments, responses = [], []
    for s in attended:
        for instrument, count in ((phq9, 9), (gad7, 7)):
            answers = {f"q{i}": rng.randint(0, 2) for i in range(1, count + 1)}
            if instrument is phq9:
                answers["q9"] = 0
            result = scoring.score(instrument.definition, answers)
            assignment = Assignment(
                code=instrument.code, patient_id=s.patient_id, course_id=s.course_id,
                session=s,
            )  # fmt: skip
            assignments.append(assignment)
            responses.append(Response(
                assignment=assignment, instrument=instrument, answers=answers,
                status=Response.Status.SUBMITTED, total=result.total,
                band=result.band, submitted_at=s.start - datetime.timedelta(hours=1),
            ))  # fmt: skip
    Assignment.objects.bulk_create(assignments, batch_size=4000)
    for response in responses:
        response.assignment_id = response.assignment.pk
    Response.objects.bulk_create(responses, batch_size=4000)
    # The bench patient's open PHQ-9 for tomorrow's session.
    course = courses[-1]
    upcoming = next(
        s for s in sessions
        if s.course_id == course.pk and s.status == Session.Status.BOOKED
    )  # fmt: skip
    open_phq9 = Assignment.objects.create(
        code="phq9", patient=course.patient, course=course, session=upcoming
    )
    return {
        "therapist": staff[0].pk,
        "admin": admin.pk,
        "patient": people[-1].pk,
        "course": str(course.public_id),
        "assignment": str(open_phq9.public_id),
        "monday": monday.isoformat(),
        "tuesday": (monday + datetime.timedelta(days=1)).isoformat(),
        "sessions": len(sessions),
        "patients": len(patients),
    }
