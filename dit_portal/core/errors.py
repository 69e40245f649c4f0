"""One error for every refused change.

A service raises a ServiceError (or a subclass) when one of its rules refuses what
was asked; `message` is written for the person asking and views show it as a form
error. Subclasses say which part of the portal refused, so a view catches only the
errors its own service can raise."""


class ServiceError(Exception):
    def __init__(self, message, alternatives=()):
        super().__init__(message)
        self.message = message
        # Other times that would work, for booking refusals (nearest free first).
        self.alternatives = list(alternatives)


class BookingError(ServiceError):
    """A scheduling rule refused the booking, move or cancellation."""


class SlotTaken(BookingError):
    """Someone else booked the time first."""


class NoteError(ServiceError):
    """A clinical-note rule refused the change."""


class NoteLocked(NoteError):
    """The note is signed."""

    def __init__(self, message=None):
        super().__init__(
            message
            or "This note is signed, so it cannot be changed. "
            "To correct or add to it, add an addendum."
        )


class FocusError(ServiceError):
    """A focus, goodbye-letter or discharge rule refused the change."""


class RiskFlagOpen(FocusError):
    """A course cannot close while one of its risk flags waits for its therapist; the
    page links to the flag (`flag_id`, its public id)."""

    def __init__(self, flag_id):
        super().__init__(
            "This course cannot be closed while a risk flag is open. "
            "Its therapist must acknowledge the flag first."
        )
        self.flag_id = flag_id


class QuestionnaireError(ServiceError):
    """A questionnaire rule refused the change."""


class MessageReplaced(ServiceError):
    """A failed message cannot be sent again: a newer one has taken its place."""


class StaffError(ServiceError):
    """A rule about staff accounts refused the change (the last clinic admin, a
    therapist whose caseload still needs another therapist)."""


class SubjectAccessError(ServiceError):
    """A step of a subject access request was refused (out of order, or twice)."""


class ReferralError(ServiceError):
    """A referral the rules refuse (a patient still waiting or in therapy, a date in
    the future or before the last referral)."""
