import datetime
import random

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from dit_portal.accounts.models import User
from patients import nhs_number
from patients.models import Patient

PASSWORD = "correct-horse-battery-staple"


def valid_nhs_number(rng=random):
    """A valid NHS number from the 999 test range (never issued to a person)."""
    while True:
        first_nine = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = nhs_number.check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name", locale="en_GB")
    role = User.Role.PATIENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(
                user=self, email=self.email, verified=True, primary=True
            )


class TherapistFactory(UserFactory):
    role = User.Role.THERAPIST

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Staff come with TOTP set up unless built with totp=False."""
        if create and extracted is not False:
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)


class ClinicAdminFactory(TherapistFactory):
    role = User.Role.CLINIC_ADMIN


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    nhs_number = factory.LazyFunction(valid_nhs_number)
    date_of_birth = factory.LazyFunction(lambda: datetime.date(1985, 6, 14))
    referral_date = factory.LazyFunction(
        lambda: datetime.date.today() - datetime.timedelta(days=30)
    )

    @factory.post_generation
    def referral(self, create, extracted, **kwargs):
        """Every patient is referred once, on their referral date, as the invitation
        service does (pass referral=False for none)."""
        if create and extracted is not False:
            self.referrals.create(referred_on=self.referral_date, **kwargs)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "therapy.Room"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Room {n + 1}")


def working_week(therapist, start=datetime.time(9, 0), end=datetime.time(17, 0)):
    """Monday to Friday working hours for a therapist."""
    from therapy.models import TherapistAvailability

    return [
        TherapistAvailability.objects.create(
            therapist=therapist, weekday=day, start_time=start, end_time=end
        )
        for day in range(5)
    ]


def next_weekday(weekday, weeks_ahead=1, today=None):
    """A date on `weekday` at least `weeks_ahead` weeks from today."""
    today = today or datetime.date.today()
    day = today + datetime.timedelta(weeks=weeks_ahead)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def book_course(
    patient, therapist, *, weekday=0, at=datetime.time(10, 0), start=None, room=None
):
    """A course booked through the real service, starting in a week or so."""
    from therapy.scheduling import booking

    return booking.book_course(
        patient=patient,
        therapist=therapist,
        weekday=weekday,
        start_time=at,
        start_date=start or next_weekday(weekday),
        room=room,
    )


def send_measure(session, code, answers, clinic=None):
    """A PHQ-9 or GAD-7 answered and sent through the real services, as if just before
    the session (when it is open)."""
    from questionnaires import services
    from questionnaires.models import Assignment
    from therapy.models import Clinic

    clinic = clinic or Clinic.load()
    assignment, _ = Assignment.objects.get_or_create(
        course=session.course,
        session=session,
        code=code,
        defaults={"patient": session.patient},
    )
    when = session.start - datetime.timedelta(hours=1)
    response = services.response_for(assignment)
    services.save_answers(response, answers, clinic, now=when)
    return services.submit(response, clinic, now=when)


def phq9_answers(total, item9=0):
    """Nine answers adding up to `total`, with question 9 as given."""
    answers, left = {"q9": item9}, total - item9
    for number in range(1, 9):
        value = min(3, left)
        answers[f"q{number}"] = value
        left -= value
    assert left == 0, "total too high for PHQ-9 with this item 9"
    return answers


def gad7_answers(total):
    answers, left = {}, total
    for number in range(1, 8):
        value = min(3, left)
        answers[f"q{number}"] = value
        left -= value
    assert left == 0
    return answers


# A clinic at scale, built fast with bulk_create (no factories, no password hashing) --------

GIVEN = ["Amelia", "Bartholomew", "Chiamaka", "Dev", "Eleanor", "Fatima", "Gareth",
         "Harriet", "Ifeoma", "Jonathan", "Katarzyna", "Lewis", "Mohammed", "Niamh",
         "Oluwaseun", "Priya", "Quentin", "Rhiannon", "Siobhan", "Tomasz"]  # fmt: skip
FAMILY = ["Abernethy", "Bhattacharya", "Cartwright", "Davies", "Evans-Pritchard",
          "Fitzgerald", "Gallagher", "Hughes", "Iqbal", "Jones", "Kowalczyk",
          "Llewellyn", "MacDonald", "Nowak", "O'Sullivan", "Patel", "Quinn",
          "Robertson", "Szymańska", "Thompson", "Featherstonehaugh"]  # fmt: skip


def _nhs_numbers(start):
    """Distinct valid test-range NHS numbers from 999 followed by `start`."""
    body = start
    while True:
        first_nine = f"999{body:06d}"
        body += 1
        check = nhs_number.check_digit(first_nine)
        if check is not None:
            yield first_nine + str(check)


def busy_clinic_week(monday, *, therapists=40, sessions=750, rooms=10):
    """A clinic at full stretch in the week of `monday`: `therapists` therapists
    sharing `sessions` booked sessions, Monday to Friday 09:00 to 17:00 UK time, each
    with a patient of their own (one course each); the first `rooms` therapists see
    patients in a room of their own, the others by video. Returns the therapists."""
    from dit_portal.core.timefmt import at_wall_time
    from therapy.models import Course, Room, Session

    # Slot k is on day k % 5, so the sessions spread over the week (750: 160 on each
    # of Monday to Wednesday, 150 on Thursday, 120 on Friday).
    slots = [(day, hour) for hour in range(9, 17) for day in range(5)]  # 40 a week
    assert sessions <= therapists * len(slots), "more sessions than working hours"
    staff = User.objects.bulk_create(
        User(email=f"clinician{n}@example.test", role=User.Role.THERAPIST,
             full_name=f"{GIVEN[n % 20]} {FAMILY[n % 21]}", password="!")
        for n in range(therapists)
    )  # fmt: skip
    room_rows = Room.objects.bulk_create(
        Room(name=f"Consulting room {n + 1}") for n in range(rooms)
    )
    people = User.objects.bulk_create(
        User(email=f"patient{n}@example.test", role=User.Role.PATIENT,
             full_name=f"{GIVEN[(n + 7) % 20]} {FAMILY[(n + 3) % 21]}", password="!")
        for n in range(sessions)
    )  # fmt: skip
    numbers = _nhs_numbers(100000)
    patients = Patient.objects.bulk_create(
        Patient(user=user, nhs_number=next(numbers), therapist=staff[n % therapists],
                date_of_birth=datetime.date(1980, 1, 1),
                status=Patient.Status.IN_THERAPY)
        for n, user in enumerate(people)
    )  # fmt: skip
    courses = Course.objects.bulk_create(
        Course(patient=patient, therapist=patient.therapist, status="active",
               video_link="https://video.example.test/room")
        for patient in patients
    )  # fmt: skip
    rows = []
    for n, course in enumerate(courses):
        t = n % therapists
        day, hour = slots[n // therapists]
        start = at_wall_time(monday + datetime.timedelta(days=day), datetime.time(hour))
        rows.append(Session(
            course=course, number=1 + n % 16, therapist=course.therapist,
            patient=course.patient, start=start,
            end=start + datetime.timedelta(minutes=50),
            room=room_rows[t] if t < rooms else None,
            video_link="" if t < rooms else course.video_link,
        ))  # fmt: skip
    Session.objects.bulk_create(rows)
    return staff
