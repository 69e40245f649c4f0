"""Booking a course: planned weekly at once, or a first session offered for the
patient to pick. One transaction each, locking the therapist, patient and room rows it
books against, and writing its audit event inside it. `by` is the user booking
(None for a script)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from dit_portal.audit.services import Action, record_change
from dit_portal.core.errors import BookingError
from dit_portal.core.timefmt import local
from messaging.models import Message
from messaging.queueing import queue_message, queue_reminders
from patients.models import Patient
from questionnaires.services import assign_intake
from therapy.models import Clinic, Course, Session, SlotOffer

from .availability import find_conflicts, plan_course
from .rules import check_single_slot, inside_notice, lock, notice_refusal, taken


def new_course(patient, therapist, clinic, room=None, video_link=""):
    """A course not yet saved, with the clinic's course length and session length
    as they are today (a later change of settings leaves it as booked)."""
    return Course(
        patient=patient,
        # The referral it answers: the patient's latest (re-referral adds a new one).
        referral=patient.referrals.latest_first().first(),
        therapist=therapist,
        planned_sessions=clinic.course_sessions,
        session_minutes=clinic.session_minutes,
        room=room,
        video_link=video_link,
    )


def start_course(course, planned, clinic):
    """The one way a course gets its sessions: weekly from the first planned one,
    each with its reminders; the patient is in therapy with this therapist, gets the
    welcome message and the intake questionnaire. Called inside the caller's
    transaction, after its rules have passed."""
    first = planned[0].local_start
    course.weekday, course.start_time = first.weekday(), first.time()
    course.start_date = first.date()
    course.status = Course.Status.ACTIVE
    course.save()
    _create_sessions(course, planned, clinic)
    _start_therapy(course.patient, course.therapist)
    _welcome(course)
    return course


def _create_sessions(course, planned, clinic):
    return [
        add_session(
            course, item, clinic, room=course.room, video_link=course.video_link
        )
        for item in planned
    ]


def add_session(course, planned, clinic, *, room, video_link, replaces=None):
    """One session of `course` at a PlannedSession's time, with its reminders (the
    therapist and patient are copied on so the database can refuse overlaps)."""
    session = Session.objects.create(
        course=course,
        number=planned.number,
        therapist=course.therapist,
        patient=course.patient,
        start=planned.start,
        end=planned.end,
        room=room,
        video_link=video_link,
        replaces=replaces,
    )
    queue_reminders(session, clinic)
    return session


def book_course(
    *,
    patient,
    therapist,
    weekday,
    start_time,
    start_date,
    room=None,
    video_link="",
    by=None,
    ip=None,
):
    """Plan and book a whole course. Raises BookingError listing what conflicts."""
    clinic = Clinic.load()
    planned = []
    try:
        with transaction.atomic():
            lock(therapist, patient, room)
            if patient.courses.current().exists():
                raise BookingError("This patient already has a course.")
            planned = plan_course(
                therapist=therapist,
                start_date=start_date,
                weekday=weekday,
                start_time=start_time,
                sessions=clinic.course_sessions,
                minutes=clinic.session_minutes,
            )
            if planned[0].start <= timezone.now():
                raise BookingError("The first session would be in the past.")
            conflicts = find_conflicts(
                planned, therapist=therapist, patient=patient, room=room
            )
            if conflicts:
                raise BookingError(
                    f"{len(conflicts)} of the sessions cannot be booked.",
                )
            course = new_course(patient, therapist, clinic, room, video_link)
            course = start_course(course, planned, clinic)
            record_change(by, Action.CREATE, course, patient=patient, ip=ip)
            return course
    except IntegrityError as error:
        around = planned[0].start if planned else timezone.now()
        raise taken(therapist, patient, room, around, clinic.session_minutes) from error


def _welcome(course):
    """A booked course: the welcome message and the intake questionnaire."""
    queue_message(Message.Kind.WELCOME, course.patient.user, course=course)
    assign_intake(course)


def _start_therapy(patient, therapist):
    patient.therapist = therapist
    patient.status = Patient.Status.IN_THERAPY
    patient.save(update_fields=["therapist", "status"])


def offer_first_slots(
    *, patient, therapist, starts, room=None, video_link="", by=None, ip=None
):
    """Offer times for the first session; the patient picks one in the portal."""
    clinic = Clinic.load()
    length = datetime.timedelta(minutes=clinic.session_minutes)
    if not starts:
        raise BookingError("Offer at least one time.")
    with transaction.atomic():
        lock(therapist, patient, room)
        if patient.courses.current().exists():
            raise BookingError("This patient already has a course.")
        for start in starts:
            check_single_slot(
                therapist=therapist,
                patient=patient,
                room=room,
                start=start,
                end=start + length,
            )
        course = new_course(patient, therapist, clinic, room, video_link)
        course.status = Course.Status.OFFERED
        course.save()
        SlotOffer.objects.bulk_create(SlotOffer(course=course, start=s) for s in starts)
        patient.therapist = therapist
        patient.save(update_fields=["therapist"])
        queue_message(Message.Kind.FIRST_SESSION_OFFER, patient.user, course=course)
        record_change(by, Action.CREATE, course, patient=patient, ip=ip)
        return course


def accept_offer(offer, *, by=None, ip=None):
    """The patient picks an offered time: the course is planned weekly from it."""
    clinic = Clinic.load()
    course = offer.course
    try:
        with transaction.atomic():
            lock(course.therapist, course.patient, course.room)
            course = Course.objects.select_for_update().get(pk=course.pk)
            if (
                course.status != Course.Status.OFFERED
                or course.offers.filter(used_at__isnull=False).exists()
            ):
                raise BookingError("A time has already been chosen for this course.")
            start_local = local(offer.start)
            planned = plan_course(
                therapist=course.therapist,
                start_date=start_local.date(),
                weekday=start_local.weekday(),
                start_time=start_local.time(),
                sessions=course.planned_sessions,
                minutes=course.session_minutes,
            )
            if planned[0].start != offer.start:
                raise BookingError(
                    "The clinic is closed on that day. Choose another time."
                )
            if offer.start <= timezone.now():
                raise BookingError("That time has passed. Choose another time.")
            if inside_notice(offer.start, clinic):
                raise BookingError(notice_refusal(clinic, booking=True))
            conflicts = find_conflicts(
                planned[:1],
                therapist=course.therapist,
                patient=course.patient,
                room=course.room,
            )
            if conflicts:
                raise taken(
                    course.therapist,
                    course.patient,
                    course.room,
                    offer.start,
                    course.session_minutes,
                )
            # Later weeks that clash are booked anyway only if free; otherwise the
            # admin sees them as conflicts to move (the first time is what was offered).
            later = find_conflicts(
                planned,
                therapist=course.therapist,
                patient=course.patient,
                room=course.room,
            )
            clashing = {c.number for c in later}
            if clashing:
                raise BookingError(
                    "Some later weeks at that time are not free. "
                    f"Call the clinic on {clinic.phone} to arrange your sessions."
                )
            offer.used_at = timezone.now()
            offer.save(update_fields=["used_at"])
            course = start_course(course, planned, clinic)
            record_change(by, Action.CHANGE, course, patient=course.patient, ip=ip)
            return course
    except IntegrityError as error:
        raise taken(
            course.therapist,
            course.patient,
            course.room,
            offer.start,
            course.session_minutes,
        ) from error
