"""The outbox: one row for each message the portal must send."""

from django.conf import settings
from django.db import models

from .explain import explain


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
    (messaging/outbox.py). Bodies are rendered at send time from the kind and the linked
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
        RISK_ESCALATED = (
            "risk_escalated",
            "Risk flag not acknowledged in time (to clinic admins)",
        )
        FOCUS_REPLY = "focus_reply", "Patient answered the focus (to the therapist)"
        MFA_RESET = "mfa_reset", "Two-factor sign-in reset (to the staff member)"

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
        "therapy.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    session = models.ForeignKey(
        "therapy.Session",
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
    moved_from = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A moved session's time before the move: the notice names it.",
    )
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
    # Committed after composing and before any channel is tried: a "sending" row
    # without it provably never left (outbox.sweep_stuck sends it again).
    handed_over_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had in the therapy app: moving the model to
        # this app changed no rows (migration messaging/0001 is state-only).
        db_table = "therapy_message"
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["status", "due_at"], name="therapy_mes_status_43ee87_idx"
            ),
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
    def error_explained(self):
        """The recorded error in plain words, for the message log (may be empty)."""
        return explain(self.last_error)

    @property
    def is_failed(self):
        return self.status == self.Status.FAILED

    @property
    def is_sent(self):
        return self.status == self.Status.SENT

    @property
    def log_label(self):
        """What the message log calls it. The therapist's risk-flag message is shown
        only as a message to a therapist: that a patient's answer raised a flag is
        clinical context an admin does not need to run the outbox (an escalation to
        admins, which says only that a flag awaits a clinician, keeps its name)."""
        if self.kind == self.Kind.RISK_FLAG:
            return "Message to a therapist: please sign in today"
        return self.get_kind_display()

    @property
    def to_patient(self):
        return self.recipient.is_patient
