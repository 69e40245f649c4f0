"""Demo data for the embedded run mode: a clinic, staff and patients, with logins.

Idempotent: running it again changes nothing that is already there.
"""

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from dit_portal.accounts.models import User
from patients.models import Patient, Referral
from questionnaires import scoring
from questionnaires.definitions import GAD7, PHQ9
from questionnaires.models import Assignment, Response
from questionnaires.services import current_instrument
from therapy.management.demo_history import seed_history
from therapy.models import Clinic, Room, Session, TherapistAvailability
from therapy.scheduling import availability, booking

LEADS = {"admin@demo.invalid"}
DEMO_PASSWORD = "demo-portal-password"  # noqa: S105 - printed for the demo on purpose

STAFF = [
    ("admin@demo.invalid", "Priya Shah", User.Role.CLINIC_ADMIN),
    ("therapist@demo.invalid", "Dr Sam Okafor", User.Role.THERAPIST),
    ("therapist2@demo.invalid", "Dr Helen Marsh", User.Role.THERAPIST),
]

# email, name, NHS number (999 test range), date of birth, status, therapist, days ago
PATIENTS = [
    ("patient@demo.invalid", "Alex Morgan", "9990000018", (1988, 4, 12),
     Patient.Status.IN_THERAPY, "therapist@demo.invalid", 70),
    ("patient2@demo.invalid", "Jordan Lee", "9990000026", (1995, 11, 3),
     Patient.Status.REFERRED, "therapist@demo.invalid", 21),
    ("patient3@demo.invalid", "Chris Evans", "9990000034", (1979, 1, 30),
     Patient.Status.REFERRED, None, 9),
    ("patient4@demo.invalid", "Taylor Brooks", "9990000042", (1983, 7, 19),
     Patient.Status.DISCHARGED, "therapist2@demo.invalid", 200),
]  # fmt: skip


class Command(BaseCommand):
    help = "Load demo data (clinic, staff, patients) and print the demo logins."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo is for the embedded demo, not production.")
        with transaction.atomic():
            self.seed_clinic()
            users = {
                email: self.seed_user(email, name, role) for email, name, role in STAFF
            }
            for row in PATIENTS:
                self.seed_patient(*row, users=users)
            self.seed_schedule(users)
            seed_history(
                self.seed_user,
                [u for u in users.values() if u.role == User.Role.THERAPIST],
            )
        self.print_logins()

    def seed_clinic(self):
        clinic = Clinic.load()
        if not clinic.phone:
            clinic.name = "Riverside Psychological Therapies (demo)"
            clinic.address = (
                "Riverside Health Centre\n1 River Lane\nExampletown EX1 2AB"
            )
            clinic.phone = "020 7946 0000"
            clinic.pals_phone = "0800 028 0000"
            clinic.pals_email = "pals@riverside.example.invalid"
            clinic.save()

    def seed_user(self, email, name, role):
        # The demo admin is the clinical lead, so the outcome reports show too.
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": name, "role": role, "clinical_lead": email in LEADS},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.create(
                user=user, email=email, verified=True, primary=True
            )
        if (
            user.needs_mfa
            and not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
        ):
            TOTP.activate(user, generate_totp_secret())
        return user

    def seed_patient(self, email, name, nhs, dob, status, therapist, days, users):
        user = self.seed_user(email, name, User.Role.PATIENT)
        patient, _ = Patient.objects.get_or_create(
            user=user,
            defaults={
                "nhs_number": nhs,
                "date_of_birth": datetime.date(*dob),
                "status": status,
                "therapist": users.get(therapist),
                "referral_date": timezone.localdate() - datetime.timedelta(days=days),
                "phone": "07700 900000",
                "gp_practice": "Riverside Surgery (demo)",
            },
        )
        if not patient.referrals.exists():
            Referral.objects.create(
                patient=patient,
                referred_on=patient.referral_date,
                source=Referral.Source.GP,
            )

    def seed_schedule(self, users):
        """Rooms, working hours, a course five weeks in, and first-session offers."""
        rooms = [
            Room.objects.get_or_create(name=name)[0] for name in ("Room 1", "Room 2")
        ]
        for email, _, role in STAFF:
            therapist = users[email]
            if role != User.Role.THERAPIST or therapist.availability.exists():
                continue
            for day in range(5):
                TherapistAvailability.objects.create(
                    therapist=therapist,
                    weekday=day,
                    start_time=datetime.time(9, 0),
                    end_time=datetime.time(17, 0),
                )
        sam = users["therapist@demo.invalid"]
        alex = Patient.objects.get(user__email="patient@demo.invalid")
        if not alex.courses.exists():
            self.seed_course_in_progress(alex, sam, rooms[0])
        jordan = Patient.objects.get(user__email="patient2@demo.invalid")
        if not jordan.courses.exists():
            today = timezone.localdate()
            slots = availability.free_slots(
                therapist=sam,
                first_day=today + datetime.timedelta(days=7),
                last_day=today + datetime.timedelta(days=14),
                minutes=Clinic.load().session_minutes,
                patient=jordan,
                room=rooms[1],
            )
            booking.offer_first_slots(
                patient=jordan, therapist=sam, starts=slots[:: max(len(slots) // 3, 1)][:3],
                room=rooms[1],
            )  # fmt: skip

    def seed_course_in_progress(self, patient, therapist, room):
        """Planned from five weeks ago, so the past sessions can show attendance."""
        clinic = Clinic.load()
        start = timezone.localdate() - datetime.timedelta(weeks=5)
        weekday = start.weekday() if start.weekday() < 5 else 0
        planned = availability.plan_course(
            therapist=therapist,
            start_date=start,
            weekday=weekday,
            start_time=datetime.time(10, 0),
            sessions=clinic.course_sessions,
            minutes=clinic.session_minutes,
        )
        course = booking.new_course(patient, therapist, clinic, room)
        booking.start_course(course, planned, clinic)
        # The weeks already past were attended (demo data: no rules to break).
        now = timezone.now()
        for session in course.sessions.filter(end__lt=now):
            session.status = Session.Status.ATTENDED
            session.save(update_fields=["status", "updated_at"])
            self.seed_measures(session)

    def seed_measures(self, session):
        """PHQ-9 and GAD-7 sent before each past session, easing week by week."""
        week = session.number - 1
        totals = {PHQ9: max(16 - 2 * week, 4), GAD7: max(12 - week, 3)}
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
                patient=session.patient,
                course=session.course,
                session=session,
                code=code,
            )
            Response.objects.create(
                assignment=assignment,
                instrument=instrument,
                answers=answers,
                status=Response.Status.SUBMITTED,
                total=result.total,
                band=result.band,
                submitted_at=session.start - datetime.timedelta(hours=20),
            )

    def print_logins(self):
        code = getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", "")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for email, _, role, *_ in STAFF:
            lead = (
                " (clinical lead: sees the outcome reports)" if email in LEADS else ""
            )
            self.stdout.write(f"  {role.label:<13} {email}{lead}")
        for email, name, *_ in PATIENTS:
            self.stdout.write(f"  {'Patient':<13} {email}  ({name})")
        if code:
            self.stdout.write(
                f"  Staff two-factor code: {code} (works only in the embedded demo)"
            )
        else:
            self.stdout.write(
                "  Staff two-factor sign-in needs a real authenticator app here "
                "(the demo code only works with DEBUG on in the embedded mode)."
            )
