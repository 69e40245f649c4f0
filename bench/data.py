"""The service at full size for every benchmark, built with bulk inserts in seconds.

`build()` makes `therapists` therapists and `patients` patients (patient n with
therapist n % therapists, each in a weekly slot of their own), every patient with a
referral and one course of `sessions_each` weekly sessions answering it. Courses
start from 17 weeks ago to 3 weeks ahead, so every page meets past, current and
future sessions and the clinic's week is full. Past sessions have their attendance
recorded (mostly attended; some missed, late or cancelled), attended ones a signed
note, a PHQ-9 and a GAD-7 whose scores drift down over the course, and a "looked at
the notes" audit event; future ones are booked. One course in ten ends early
(dropped out, the rest of its sessions cancelled); finished courses discharge their
patient, and one in ten of those is referred again and waits with no course. About
30 PHQ-9s answered the risk question, each with an open risk flag. 40 therapists
and 1,000 patients give 16,000 sessions.

With `personas=True` (the page harness) it adds the people it signs in as: the
first therapist (`therapist`), a clinic admin (`admin`), a clinic admin who is
clinical lead (`lead`, for the outcome reports), and one more patient of the first
therapist (`patient`) half-way through a course whose next session is tomorrow at
16:00 (no other course uses that hour), so its PHQ-9 is open (`assignment`).

Used by bench/pages.py, bench/reports.py, bench/profile_page.py and the report
pages' query-count test (which builds twice into one database: give each call its
own `seed`). Deterministic for a given `seed` and day. Run inside a configured
Django, after `migrate`:

    from bench.data import build
    built = build(therapists=40, patients=1000)
"""

import datetime
import random
from dataclasses import dataclass, field

# Weekly slots: Monday to Friday at these hours (UK time), filled in this order
# (25 a therapist at full size: 09:00 to 14:00); the bench patient takes 16:00.
HOURS = (9, 10, 11, 13, 14, 15, 17, 18)
BENCH_HOUR = 16
# Shares of a past session's recorded attendance (the rest attended).
OUTCOMES = [
    ("dna", 0.05),
    ("cancelled_patient", 0.04),
    ("cancelled_clinic", 0.02),
    ("late_seen", 0.02),
    ("late_not_seen", 0.01),
]
RISK_FLAGS = 30
GIVEN = ["Amelia", "Bartholomew", "Chiamaka", "Dev", "Eleanor", "Fatima", "Gareth",
         "Harriet", "Ifeoma", "Jonathan", "Katarzyna", "Lewis", "Mohammed", "Niamh",
         "Oluwaseun", "Priya", "Quentin", "Rhiannon", "Siobhan", "Tomasz"]  # fmt: skip
FAMILY = ["Abernethy", "Bhattacharya", "Cartwright", "Davies", "Evans-Pritchard",
          "Fitzgerald", "Gallagher", "Hughes", "Iqbal", "Jones", "Kowalczyk",
          "Llewellyn", "MacDonald", "Nowak", "O'Sullivan", "Patel", "Quinn",
          "Robertson", "Szymańska", "Thompson", "Featherstonehaugh"]  # fmt: skip
NO_PASSWORD = "!"  # noqa: S105 - Django's mark for an unusable password


@dataclass
class Built:
    therapists: list
    patients: list
    courses: int
    sessions: int
    responses: int
    personas: dict = field(default_factory=dict)


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


def _attendance(rng):
    draw = rng.random()
    for status, share in OUTCOMES:
        if draw < share:
            return status
        draw -= share
    return "attended"


def _answers(count, total, risk):
    """Answers 0-3 adding up to about `total`; the PHQ-9's risk item (q9) is 1 only
    when `risk` (its flag is raised), else 0."""
    answers = {f"q{i}": 0 for i in range(1, count + 1)}
    items = [f"q{i}" for i in range(1, count + 1) if not (count == 9 and i == 9)]
    for n in range(min(total, 3 * len(items))):
        answers[items[n % len(items)]] += 1
    if risk:
        answers["q9"] = 1
    return answers


def build(*, therapists=40, patients=1000, sessions_each=16, rooms=10, seed=16,
          personas=False, history=17, now=None):  # fmt: skip
    """Build the service; return what was made (and the personas, if asked)."""
    from django.utils import timezone

    from dit_portal.core.timefmt import at_wall_time, monday_of

    if -(-patients // therapists) > len(HOURS) * 5:
        raise ValueError(f"at most {len(HOURS) * 5} patients a therapist")
    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = monday_of(today)
    # (therapist index, weekday, hour, first week relative to this Monday)
    plans = []
    for n in range(patients):
        t, c = n % therapists, n // therapists
        plans.append((t, c % 5, HOURS[c // 5], 2 - (c * 3 + t * 7) % (history + 3)))
    if personas:  # the bench patient: tomorrow at 16:00 is session 9
        tomorrow = today + datetime.timedelta(days=1)
        plans.append((0, tomorrow.weekday(), BENCH_HOUR,
                      (monday_of(tomorrow) - monday).days // 7 - 8))  # fmt: skip

    def start_of(plan, number):
        _, weekday, hour, week = plan
        day = monday + datetime.timedelta(weeks=week + number - 1, days=weekday)
        return at_wall_time(day, datetime.time(hour))

    starts = [[start_of(p, k) for k in range(1, sessions_each + 1)] for p in plans]
    staff, admins, records, referrals = _people(
        rng, seed, therapists, plans, starts, rooms
    )
    courses, sessions = _courses(
        rng,
        now,
        plans,
        starts,
        staff,
        zip(records, referrals, strict=True),
        rooms,
        personas=personas,
    )
    responses, notes = _scores(rng, sessions)
    _close_and_re_refer(rng, records, courses, today)
    built = Built(staff, records[: patients], len(courses), len(sessions),
                  responses)  # fmt: skip
    if personas:
        built.personas = _personas(staff, admins, courses[-1], sessions, monday)
    _audit(notes)
    return built


def _people(rng, seed, therapists, plans, starts, rooms):
    from allauth.mfa.models import Authenticator

    from dit_portal.accounts.models import User
    from patients.models import Patient, Referral
    from therapy.models import Clinic, Room

    Clinic.load()
    tag = f"s{seed}"
    Room.objects.bulk_create(
        Room(name=f"Consulting room {n + 1} ({tag})") for n in range(rooms)
    )
    staff = User.objects.bulk_create(
        User(email=f"clinician{n}.{tag}@example.test", role=User.Role.THERAPIST,
             full_name=_name(n + 5), password=NO_PASSWORD)
        for n in range(therapists)
    )  # fmt: skip
    admins = User.objects.bulk_create(
        User(email=f"{who}.{tag}@example.test", role=User.Role.CLINIC_ADMIN,
             full_name=name, password=NO_PASSWORD, clinical_lead=lead)
        for who, name, lead in (("admin", "Bench Admin", False),
                                ("lead", "Bench Lead", True))
    )  # fmt: skip
    # Staff count as fully signed in only with a TOTP authenticator (the middleware).
    Authenticator.objects.bulk_create(
        Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        for user in [*staff, *admins]
    )
    people = User.objects.bulk_create(
        User(email=f"patient{n}.{tag}@example.test", role=User.Role.PATIENT,
             full_name=_name(n), password=NO_PASSWORD)
        for n in range(len(plans))
    )  # fmt: skip
    # Referred 5 to 150 days before the first session: the waiting-times report
    # has most of its twelve months filled.
    referred = [
        first[0].date() - datetime.timedelta(days=rng.randrange(5, 150))
        for first in starts
    ]
    numbers = nhs_numbers(100_000_000 + seed * 1_000_000)
    records = Patient.objects.bulk_create(
        Patient(user=user, nhs_number=next(numbers), therapist=staff[plan[0]],
                date_of_birth=datetime.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                referral_date=referred[n], status=Patient.Status.IN_THERAPY,
                phone="07700 900000")
        for n, (user, plan) in enumerate(zip(people, plans, strict=True))
    )  # fmt: skip
    sources = list(Referral.Source)
    referrals = Referral.objects.bulk_create(
        Referral(patient=p, referred_on=referred[n], source=rng.choice(sources))
        for n, p in enumerate(records)
    )
    return staff, admins, records, referrals


def _courses(rng, now, plans, starts, staff, referred, rooms, *, personas):  # noqa: PLR0913
    from therapy.models import Course, Room, Session

    room_rows = list(Room.objects.order_by("-pk")[:rooms])[::-1]
    courses, drops = [], []
    rows = list(zip(referred, plans, starts, strict=True))
    for n, ((patient, referral), plan, times) in enumerate(rows):
        t = plan[0]
        bench = personas and n == len(rows) - 1
        drop = rng.randrange(2, len(times)) if rng.random() < 0.1 else None
        if drop is not None and times[drop] < now and not bench:
            status, ended = Course.Status.DROPPED_OUT, times[drop]
        elif times[-1] + datetime.timedelta(minutes=50) < now:
            status, ended = (
                Course.Status.COMPLETED,
                times[-1] + datetime.timedelta(minutes=50),
            )
            drop = None
        else:
            status, ended, drop = Course.Status.ACTIVE, None, None
        courses.append(Course(
            patient=patient, therapist=staff[t], referral=referral,
            weekday=plan[1], start_time=datetime.time(plan[2]),
            start_date=times[0].date(), status=status,
            room=room_rows[t] if t < rooms else None,
            video_link="" if t < rooms else "https://video.example.test/room",
            focus_agreed_session=3 if len(times) > 2 and times[2] < now else None,
            ended_at=ended, ended_by=staff[t] if ended else None,
        ))  # fmt: skip
        drops.append(drop)
    courses = Course.objects.bulk_create(courses)
    rows = []
    for course, times, drop in zip(courses, starts, drops, strict=True):
        for number, start in enumerate(times, start=1):
            reason = ""
            if drop is not None and number > drop:
                status, reason = (
                    Session.Status.CANCELLED_BY_CLINIC,
                    "Course ended early",
                )
            elif start < now:
                status = _attendance(rng)
            else:
                status = Session.Status.BOOKED
            rows.append(Session(
                course=course, number=number, therapist=course.therapist,
                patient=course.patient, start=start,
                end=start + datetime.timedelta(minutes=50), room=course.room,
                video_link=course.video_link, status=status, change_reason=reason,
            ))  # fmt: skip
    return courses, Session.objects.bulk_create(rows, batch_size=4000)


def _scores(rng, sessions):
    """Signed notes, PHQ-9 and GAD-7 scores (drifting down over each course) and
    risk flags for the sessions seen; returns (responses made, the notes)."""
    from questionnaires import scoring
    from questionnaires.definitions import GAD7, PHQ9
    from questionnaires.models import Assignment, Response, RiskFlag
    from questionnaires.services import current_instrument
    from therapy.models import ClinicalNote, Session

    seen = [
        s for s in sessions
        if s.status in (Session.Status.ATTENDED, Session.Status.LATE_SEEN)
    ]  # fmt: skip
    notes = ClinicalNote.objects.bulk_create(
        (ClinicalNote(session=s, author=s.therapist, status=ClinicalNote.Status.SIGNED,
                      relationships="Spoke about a colleague.", patterns="Withdrawal.",
                      signed_by=s.therapist, signed_at=s.end)
         for s in seen),
        batch_size=4000,
    )  # fmt: skip
    instruments = [(current_instrument(PHQ9), 9, 27), (current_instrument(GAD7), 7, 21)]
    level = {}
    every = max(1, len(seen) // RISK_FLAGS)
    assignments, responses = [], []
    for n, s in enumerate(seen):
        start = level.setdefault(s.course_id, rng.uniform(0.4, 0.9))
        drift = start * (1 - s.number / 24)
        for instrument, count, highest in instruments:
            target = round(highest * max(0.0, drift + rng.uniform(-0.1, 0.1)))
            risk = count == 9 and n % every == 0 and n // every < RISK_FLAGS
            answers = _answers(count, target, risk)
            result = scoring.score(instrument.definition, answers)
            assignment = Assignment(code=instrument.code, patient_id=s.patient_id,
                                    course_id=s.course_id, session=s)  # fmt: skip
            assignments.append(assignment)
            responses.append(Response(
                assignment=assignment, instrument=instrument, answers=answers,
                status=Response.Status.SUBMITTED, total=result.total,
                band=result.band, submitted_at=s.start - datetime.timedelta(hours=1),
            ))  # fmt: skip
    Assignment.objects.bulk_create(assignments, batch_size=4000)
    for response in responses:
        response.assignment_id = response.assignment.pk
    responses = Response.objects.bulk_create(responses, batch_size=4000)
    RiskFlag.objects.bulk_create(
        RiskFlag(response=r, course_id=r.assignment.course_id,
                 patient_id=r.assignment.patient_id)
        for r in responses if r.answers.get("q9")
    )  # fmt: skip
    return len(responses), notes


def _close_and_re_refer(rng, records, courses, today):
    """Patients follow their course; one in ten discharged is referred again and
    waits (up to 30 weeks) with no course yet."""
    from patients.models import Patient, Referral

    closed = {
        "completed": Patient.Status.DISCHARGED,
        "dropped_out": Patient.Status.DROPPED_OUT,
    }
    again, changed = [], []
    for patient, course in zip(records, courses, strict=True):
        if course.status not in closed:
            continue
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


def _audit(notes):
    """Each signed note looked at once by its therapist, as the "Who has looked at
    my record" page and the admins' audit trail would list it."""
    from dit_portal.accounts.models import User
    from dit_portal.audit.models import AuditEvent

    AuditEvent.objects.bulk_create(
        (AuditEvent(actor_id=note.author_id, actor_role=User.Role.THERAPIST,
                    action=AuditEvent.Action.VIEW, object_type="therapy.ClinicalNote",
                    object_id=str(note.public_id), patient_id=note.session.patient_id)
         for note in notes),
        batch_size=4000,
    )  # fmt: skip


def _personas(staff, admins, course, sessions, monday):
    """The bench patient's open PHQ-9 for tomorrow's session, and who signs in."""
    from questionnaires.models import Assignment
    from therapy.models import Session

    upcoming = min(
        (s for s in sessions
         if s.course_id == course.pk and s.status == Session.Status.BOOKED),
        key=lambda s: s.start,
    )  # fmt: skip
    open_phq9 = Assignment.objects.create(
        code="phq9", patient=course.patient, course=course, session=upcoming
    )
    return {
        "therapist": staff[0].pk,
        "admin": admins[0].pk,
        "lead": admins[1].pk,
        "patient": course.patient.user_id,
        "course": str(course.public_id),
        "assignment": str(open_phq9.public_id),
        "monday": monday.isoformat(),
        "tuesday": (monday + datetime.timedelta(days=1)).isoformat(),
    }
