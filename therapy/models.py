import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def parse_lead_hours(value):
    """'48, 2' -> [48, 2] (largest first); ValueError if it is not whole hours."""
    hours = sorted({int(part) for part in str(value).split(",") if part.strip()})
    if not hours or any(h < 1 or h > 24 * 14 for h in hours):
        raise ValueError
    return sorted(hours, reverse=True)


def validate_lead_hours(value):
    try:
        parse_lead_hours(value)
    except ValueError as error:
        raise ValidationError(
            "Enter whole hours between 1 and 336, separated by commas, like 48, 2."
        ) from error


class Clinic(models.Model):
    """The service's own details and rules. There is one row (Clinic.load())."""

    name = models.CharField(
        "service name", max_length=200, default="Dynamic Interpersonal Therapy Service"
    )
    portal_name = models.CharField(
        "portal name",
        max_length=100,
        default="Patient portal",
        help_text="Used in email subjects, so keep it free of clinical words.",
    )
    address = models.TextField(blank=True)
    phone = models.CharField("clinic phone", max_length=30, default="")
    pals_phone = models.CharField("PALS phone", max_length=30, default="")
    pals_email = models.EmailField("PALS email", default="", blank=True)
    pals_hours = models.CharField(
        "PALS opening hours",
        max_length=200,
        default="Monday to Friday, 9am to 5pm",
    )
    urgent_help_text = models.TextField(
        "urgent help",
        default=(
            "If you need help now for your mental health, call NHS 111 and choose "
            "option 2. If your life is at risk, call 999 or go to A&E. You can talk "
            "to Samaritans at any time on 116 123 (free, day or night)."
        ),
    )
    session_minutes = models.PositiveSmallIntegerField(
        "session length in minutes",
        default=50,
        validators=[MinValueValidator(20), MaxValueValidator(120)],
    )
    course_sessions = models.PositiveSmallIntegerField(
        "sessions in a course",
        default=16,
        validators=[MinValueValidator(4), MaxValueValidator(40)],
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        "cancellation notice in hours",
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Patients cannot cancel or move a session online closer than this.",
    )
    missed_session_policy = models.CharField(
        "when a patient cancels or misses a session",
        max_length=20,
        choices=[
            ("not_replaced", "It counts as one of the course's sessions"),
            ("replaced", "Another session is added at the end of the course"),
        ],
        default="not_replaced",
        help_text="Sessions the clinic cancels are always replaced.",
    )
    booking_window_days = models.PositiveSmallIntegerField(
        "how far ahead patients can move a session (days)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    reminder_lead_hours = models.CharField(
        "reminder times (hours before a session)",
        max_length=50,
        default="48, 2",
        validators=[validate_lead_hours],
    )
    subjects_name_service = models.BooleanField(
        "name the service in email subjects",
        default=False,
        help_text=(
            "Off: subjects use the portal name only, so nobody glancing at an inbox "
            "learns that the person is in therapy. On: subjects use the service name."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        clinic, _ = cls.objects.get_or_create(pk=1)
        return clinic

    @property
    def reminder_leads(self):
        return parse_lead_hours(self.reminder_lead_hours)

    @property
    def course_weeks_text(self):
        return (
            f"{self.course_sessions} weekly sessions of {self.session_minutes} minutes"
        )


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
        return self.filter(status__in=[Course.Status.OFFERED, Course.Status.ACTIVE])


class Course(models.Model):
    """A patient's course of weekly sessions with one therapist."""

    class Status(models.TextChoices):
        OFFERED = "offered", "First session offered"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        DROPPED_OUT = "dropped_out", "Dropped out"

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
    # Discharge (therapy.focus.discharge_course).
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


class SessionQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Session.LIVE_STATUSES)

    def upcoming(self, now=None):
        from django.utils import timezone

        return self.filter(
            start__gte=now or timezone.now(), status=Session.Status.BOOKED
        )

    def for_patient(self, patient):
        return self.filter(patient=patient)

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

    @property
    def nhs_code(self):
        return self.NHS_CODES[self.status]

    @property
    def is_live(self):
        return self.status in self.LIVE_STATUSES

    @property
    def place(self):
        if self.room_id:
            return self.room.name
        return "Video" if self.video_link else ""


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


class MessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Message.Status.PENDING)

    def outstanding(self):
        """Not yet sent and not given up on: may still go out."""
        return self.filter(status__in=Message.OUTSTANDING_STATUSES)

    def due(self, now):
        """Pending rows whose time has come (the dispatcher's claim query)."""
        return self.filter(status=Message.Status.PENDING, due_at__lte=now)


class Message(models.Model):
    """The outbox: one row for each message the portal must send.

    Written in the same transaction as the change that causes it; sent by Celery
    (therapy/outbox.py). Bodies are rendered at send time from the kind and the linked
    records, so no clinical text is ever stored here.

    Uniqueness (PostgreSQL enforces it, see Meta.constraints): a session has at most
    one outstanding reminder per lead time, and never two live reminders for the same
    lead time and due time; a course has one welcome, one offer and one end-of-therapy
    message per recipient; a session one cancellation notice per recipient; other
    events are unique per `key` when the caller gives one.
    """

    class Kind(models.TextChoices):
        WELCOME = "welcome", "Welcome and course plan"
        FIRST_SESSION_OFFER = "offer", "Times offered for a first session"
        SESSION_MOVED = "moved", "Session moved"
        SESSION_CANCELLED = "cancelled", "Session cancelled"
        REMINDER = "reminder", "Session reminder"
        WAITING = "waiting", "Something is waiting in the portal"
        END_OF_THERAPY = "ended", "End of therapy, with PALS contact"
        RISK_FLAG = "risk", "Risk flag raised (to the therapist)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Not needed any more"

    OUTSTANDING_STATUSES = (Status.PENDING, Status.SENDING)
    LIVE_STATUSES = (Status.PENDING, Status.SENDING, Status.SENT)
    # Kinds sent at most once per (course, recipient) and per (session, recipient).
    ONCE_PER_COURSE = (Kind.WELCOME, Kind.FIRST_SESSION_OFFER, Kind.END_OF_THERAPY)
    ONCE_PER_SESSION = (Kind.SESSION_CANCELLED,)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    key = models.CharField(
        max_length=100,
        blank=True,
        help_text="Names the event (e.g. 'letter:<id>') so it is sent once.",
    )
    lead_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    channels = models.CharField(max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            # The dispatcher's claim: pending rows in due order, a small index.
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="pending"),
                name="message_pending_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "lead_hours"],
                condition=models.Q(kind="reminder", status__in=["pending", "sending"]),
                name="one_outstanding_reminder_per_lead",
            ),
            models.UniqueConstraint(
                fields=["session", "lead_hours", "due_at"],
                condition=models.Q(
                    kind="reminder", status__in=["pending", "sending", "sent"]
                ),
                name="one_live_reminder_per_lead_and_time",
            ),
            models.UniqueConstraint(
                fields=["course", "recipient", "kind"],
                condition=models.Q(
                    kind__in=["welcome", "offer", "ended"],
                    status__in=["pending", "sending", "sent"],
                ),
                name="one_live_course_message_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["session", "recipient", "kind"],
                condition=models.Q(
                    kind="cancelled", status__in=["pending", "sending", "sent"]
                ),
                name="one_live_cancellation_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~models.Q(key="")
                & models.Q(status__in=["pending", "sending", "sent"]),
                name="one_live_message_per_event_key",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def to_patient(self):
        return self.recipient.role == "patient"


# Clinical notes ----------------------------------------------------------------------


class ClinicalNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one rule for clinical notes: only the therapist on the course.

        Patients, clinic admins and other therapists see none (views answer 404)."""
        if not user.is_authenticated or not user.is_therapist:
            return self.none()
        return self.filter(session__course__therapist=user)


class ClinicalNote(models.Model):
    """The therapist's note on one session: draft, then signed (locked for good).

    The prompts fit the initial phase, where the therapist builds a picture of the
    patient's relationships. After signing, corrections and later thoughts are
    ClinicalNoteAddendum rows; on PostgreSQL a trigger (migration therapy/0005)
    refuses any change to a signed note. Never shown to patients or clinic admins.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField(
        Session, on_delete=models.PROTECT, related_name="note"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    relationships = models.TextField("relationships explored", blank=True)
    patterns = models.TextField("patterns emerging", blank=True)
    risk = models.TextField("risk", blank=True)
    other = models.TextField("other notes", blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClinicalNoteQuerySet.as_manager()

    PROMPT_FIELDS = ("relationships", "patterns", "risk", "other")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status="draft", signed_by__isnull=True, signed_at__isnull=True
                    )
                    | models.Q(
                        status="signed",
                        signed_by__isnull=False,
                        signed_at__isnull=False,
                    )
                ),
                name="clinical_note_signed_has_signer_and_time",
            )
        ]

    def __str__(self):
        return f"Note on session {self.session.number}"

    @property
    def is_signed(self):
        return self.status == self.Status.SIGNED

    @property
    def is_empty(self):
        return not any(getattr(self, name).strip() for name in self.PROMPT_FIELDS)


class ClinicalNoteAddendum(models.Model):
    """Something added to a signed note. Append-only, like the audit trail."""

    note = models.ForeignKey(
        ClinicalNote, on_delete=models.PROTECT, related_name="addenda"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "clinical note addenda"

    def __str__(self):
        return f"Addendum {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Addenda cannot be changed once added.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Addenda cannot be deleted.")


# The focus agreement, the goodbye letter: their own module, registered here.
from .focus_models import FocusAgreement, GoodbyeLetter  # noqa: E402, F401
