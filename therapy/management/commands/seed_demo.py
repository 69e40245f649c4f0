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
from patients.models import Patient
from therapy.models import Clinic

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
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": name, "role": role}
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
        Patient.objects.get_or_create(
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

    def print_logins(self):
        code = getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", "")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for email, _, role, *_ in STAFF:
            self.stdout.write(f"  {role.label:<13} {email}")
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
