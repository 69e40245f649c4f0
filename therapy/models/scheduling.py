"""Rooms, working hours, closures, courses, sessions and first-session offers."""

import uuid

from django.conf import settings
from django.db import models


class Room(models.Model):
    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TherapistAvailability(models.Model):
    """A therapist's weekly working hours, in UK local time."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="availability",
        limit_choices_to={"role": "therapist"},
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name_plural = "therapist availability"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="availability_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class ClosureQuerySet(models.QuerySet):
    def affecting(self, therapist):
        """Clinic-wide closures and this therapist's leave."""
        return self.filter(
            models.Q(therapist__isnull=True) | models.Q(therapist=therapist)
        )

    def overlapping(self, first_day, last_day):
        return self.filter(start_date__lte=last_day, end_date__gte=first_day)


class Closure(models.Model):
    """Days with no sessions: a clinic closure (therapist empty) or a therapist's leave.

    Bank holidays for England come from the `holidays` package and need no row.
    """

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="leave",
        limit_choices_to={"role": "therapist"},
        help_text="Leave empty for a closure of the whole clinic.",
    )
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="closure_ends_on_or_after_start",
            )
        ]

    def __str__(self):
        return self.reason


class CourseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one rule for who may see which course (and so its sessions)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_clinic_admin:
            return self
        if user.is_therapist:
            return self.filter(therapist=user)
        if user.is_patient:
            return self.filter(patient__user=user)
        return self.none()

    def current(self):
        return self.filter(status__in=Course.CURRENT_STATUSES)


class Course(models.Model):
    """A patient's course of weekly sessions with one therapist."""

    class Status(models.TextChoices):
        OFFERED = "offered", "First session offered"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        DROPPED_OUT = "dropped_out", "Dropped out"

    CURRENT_STATUSES = (Status.OFFERED, Status.ACTIVE)
    CLOSED_STATUSES = (Status.COMPLETED, Status.DROPPED_OUT)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="courses"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="courses",
        limit_choices_to={"role": "therapist"},
    )
    # The referral this course answers (null only for courses made before referrals
    # were recorded and not matched by migration patients/0002's data step).
    referral = models.ForeignKey(
        "patients.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    planned_sessions = models.PositiveSmallIntegerField(default=16)
    session_minutes = models.PositiveSmallIntegerField(default=50)
    weekday = models.PositiveSmallIntegerField(
        choices=TherapistAvailability.Weekday.choices, null=True, blank=True
    )
    start_time = models.TimeField("local start time", null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True)
    video_link = models.URLField(blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, when the patient first agrees a focus: the initial phase ends here.
    focus_agreed_session = models.PositiveSmallIntegerField(null=True, blank=True)
    # Discharge (therapy.ending.discharge).
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.CharField("reason for ending", max_length=300, blank=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Course {self.public_id}"

    @property
    def place(self):
        if self.room_id:
            return self.room.name
        return "Video" if self.video_link else ""

    @property
    def is_offered(self):
        return self.status == self.Status.OFFERED

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def is_current(self):
        return self.status in self.CURRENT_STATUSES

    @property
    def is_closed(self):
        return self.status in self.CLOSED_STATUSES


class SessionQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Session.LIVE_STATUSES)

    def booked(self):
        return self.filter(status=Session.Status.BOOKED)

    def seen(self):
        """Sessions the patient attended and was seen at (on time or late)."""
        return self.filter(status__in=Session.SEEN_STATUSES)

    def for_therapist(self, therapist):
        return self.filter(therapist=therapist)

    def between(self, start, end):
        return self.filter(start__lt=end, end__gt=start)

    def visible_to(self, user):
        return self.filter(course__in=Course.objects.visible_to(user))

    def with_people(self):
        return self.select_related("course", "room", "therapist", "patient__user")


class Session(models.Model):
    """One appointment. Stored in UTC; planned in UK wall time by the services.

    Therapist and patient are copied from the course so the database itself can refuse
    overlapping live sessions (exclusion constraints, migration therapy/0003).
    """

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ATTENDED = "attended", "Attended"
        LATE_SEEN = "late_seen", "Arrived late, seen"
        LATE_NOT_SEEN = "late_not_seen", "Arrived late, not seen"
        CANCELLED_BY_PATIENT = "cancelled_patient", "Cancelled by patient"
        CANCELLED_BY_CLINIC = "cancelled_clinic", "Cancelled by clinic"
        DID_NOT_ATTEND = "dna", "Did not attend"

    # NHS Data Dictionary "attended or did not attend" codes.
    NHS_CODES = {
        Status.BOOKED: 0,
        Status.ATTENDED: 5,
        Status.LATE_SEEN: 6,
        Status.LATE_NOT_SEEN: 7,
        Status.CANCELLED_BY_PATIENT: 2,
        Status.DID_NOT_ATTEND: 3,
        Status.CANCELLED_BY_CLINIC: 4,
    }
    # Sessions that hold their time (cancelled ones free it).
    LIVE_STATUSES = (
        Status.BOOKED,
        Status.ATTENDED,
        Status.LATE_SEEN,
        Status.LATE_NOT_SEEN,
        Status.DID_NOT_ATTEND,
    )
    ATTENDANCE_STATUSES = (
        Status.ATTENDED,
        Status.LATE_SEEN,
        Status.LATE_NOT_SEEN,
        Status.CANCELLED_BY_PATIENT,
        Status.CANCELLED_BY_CLINIC,
        Status.DID_NOT_ATTEND,
    )
    MISSED_STATUSES = (
        Status.LATE_NOT_SEEN,
        Status.CANCELLED_BY_PATIENT,
        Status.DID_NOT_ATTEND,
    )
    SEEN_STATUSES = (Status.ATTENDED, Status.LATE_SEEN)
    # Sessions that will not happen: cancelled by either side.
    CANCELLED_STATUSES = (Status.CANCELLED_BY_PATIENT, Status.CANCELLED_BY_CLINIC)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField()
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="sessions"
    )
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True)
    video_link = models.URLField(blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.BOOKED
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    change_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="session_number"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="session_has_length"
            ),
        ]

    def __str__(self):
        return f"Session {self.number}"

    def get_status_display(self):
        """Django's own, from a dict made once: Django's rebuilds the choices on
        every call, and the week and diary lists call it once a row."""
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def nhs_code(self):
        return self.NHS_CODES[self.status]

    @property
    def is_live(self):
        return self.status in self.LIVE_STATUSES

    @property
    def minutes(self):
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_booked(self):
        return self.status == self.Status.BOOKED

    @property
    def is_cancelled(self):
        return self.status in self.CANCELLED_STATUSES

    @property
    def place(self):
        if self.room_id:
            return self.room.name
        return "Video" if self.video_link else ""


STATUS_LABELS = dict(Session.Status.choices)


class SlotOffer(models.Model):
    """Times offered to a patient for their first session; used once."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="offers")
    start = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]

    def __str__(self):
        return f"Offered {self.start:%Y-%m-%d %H:%M}"
