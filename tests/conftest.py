"""Shared fixtures: a patient (alice), her therapist (terry), a clinic admin (ada),
and an outsider patient (otto) with another therapist (tess) — the healthchecks idea of
owner / team member / no access, for our three roles."""

import pytest
from django.db.backends.signals import connection_created

from therapy.models import Clinic

from .factories import ClinicAdminFactory, PatientFactory, TherapistFactory, UserFactory


def _tests_may_empty_the_audit_table(sender, connection, **kwargs):
    """Between transactional tests Django empties every table with TRUNCATE, which
    the audit trail refuses (migration audit/0003) unless the session says so."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET dit.allow_audit_truncate = 'on'")


connection_created.connect(_tests_may_empty_the_audit_table)


@pytest.fixture
def clinic(db):
    clinic = Clinic.load()
    clinic.name = "Riverside Psychological Therapies"
    clinic.phone = "020 7946 0000"
    clinic.pals_phone = "0800 123 4567"
    clinic.pals_email = "pals@riverside.example.test"
    clinic.save()
    return clinic


@pytest.fixture
def therapist(db):
    return TherapistFactory(full_name="Terry Therapist", email="terry@example.test")


@pytest.fixture
def other_therapist(db):
    return TherapistFactory(full_name="Tess Therapist", email="tess@example.test")


@pytest.fixture
def clinic_admin(db):
    return ClinicAdminFactory(full_name="Ada Admin", email="ada@example.test")


@pytest.fixture
def patient(db, therapist):
    user = UserFactory(full_name="Alice Patient", email="alice@example.test")
    return PatientFactory(user=user, therapist=therapist)


@pytest.fixture
def other_patient(db, other_therapist):
    user = UserFactory(full_name="Otto Outsider", email="otto@example.test")
    return PatientFactory(user=user, therapist=other_therapist)


@pytest.fixture
def patient_client(client, patient):
    client.force_login(patient.user)
    return client


@pytest.fixture
def therapist_client(client, therapist):
    client.force_login(therapist)
    return client


@pytest.fixture
def clinic_admin_client(client, clinic_admin):
    client.force_login(clinic_admin)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate limits and TOTP replay guards live in the cache: start each test clean.
    The cache is a database table, so only tests that use the database can (and
    need to) clear it."""
    from django.core.cache import cache

    from therapy.clinic.context_processors import forget_footer_clinic

    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    }.intersection(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        cache.clear()
    # The footer's copy of the clinic may come from a test whose data was rolled back.
    forget_footer_clinic()


@pytest.fixture(autouse=True)
def _reminders_on_time():
    """Patients' pages ask once a minute per process whether reminders are late
    (messaging.health.reminders_delayed). Tests hold the answer at "on time" so a
    page's query count does not depend on when the minute turns; the tests of the
    notice (tests/test_reminders_delayed_notice.py) override this fixture."""
    import datetime

    from messaging import health

    health._checked.update(
        until=datetime.datetime.max.replace(tzinfo=datetime.UTC), delayed=False
    )
    yield
    health.forget()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hashing with production's work factor costs ~0.3 s per user; tests make many."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _celery_queue_of_our_own():
    """Tasks this run publishes (a booking hands its welcome message to a worker)
    go to a queue named for the run, so parallel runs and other workers on the same
    Redis never take each other's tasks. Deleted at the end."""
    import uuid

    from dit_portal.celery import app

    from .worker import delete_queue, point_app_at

    queue = f"test-run-{uuid.uuid4().hex[:12]}"
    point_app_at(app.conf.broker_url, queue)
    yield queue
    delete_queue(queue)


@pytest.fixture
def room(db):
    from .factories import RoomFactory

    return RoomFactory(name="Room 1")


@pytest.fixture
def course(clinic, patient, therapist, room):
    """Alice's 16-session course with Terry, Mondays 10:00 in Room 1, from next week."""
    from .factories import book_course, working_week

    working_week(therapist)
    return book_course(patient, therapist, room=room)


@pytest.fixture
def clock(time_machine, client):
    """The clock, moved with time-machine instead of rewriting rows (tests/clock.py);
    whoever `client` had signed in signs in again after each move."""
    from .clock import Clock

    return Clock(time_machine, client)
