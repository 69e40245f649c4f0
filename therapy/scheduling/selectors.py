"""What the scheduling pages show, read from the database."""

from django.db.models import Max, Q
from django.utils import timezone

from therapy.models import Course, Session


def with_focus_prompt(patients, therapist, now=None):
    """Annotate each patient with `initial_session`: the number of the latest session
    begun on their active course with `therapist` while no focus is agreed (None
    otherwise), which says whether the caseload prompts for a focus. One aggregate."""
    return patients.annotate(
        initial_session=Max(
            "sessions__number",
            filter=Q(
                sessions__therapist=therapist,
                sessions__course__status=Course.Status.ACTIVE,
                sessions__course__focus_agreed_session__isnull=True,
                sessions__status__in=Session.LIVE_STATUSES,
                sessions__start__lte=now or timezone.now(),
            ),
        )
    )
