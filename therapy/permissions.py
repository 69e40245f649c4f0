"""Object-level access to courses and sessions: the one place this app decides it.

Anything a user may not see answers 404, so its existence is not revealed."""

from django.shortcuts import get_object_or_404

from .models import Course, Session


def get_course_for(user, public_id):
    return get_object_or_404(
        Course.objects.visible_to(user).select_related(
            "patient__user", "therapist", "room"
        ),
        public_id=public_id,
    )


def get_session_for(user, public_id):
    return get_object_or_404(
        Session.objects.visible_to(user).with_people(), public_id=public_id
    )
