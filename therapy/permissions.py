"""Object-level access to courses and sessions: the one place this app decides it.

Anything a user may not see answers 404, so its existence is not revealed."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import ClinicalNote, Course, Session


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


def get_note_for(user, public_id):
    """A clinical note, for the therapist on its course only (404 for anyone else)."""
    return get_object_or_404(
        ClinicalNote.objects.visible_to(user).select_related(
            "session__course", "session__patient__user", "session__room",
            "signed_by", "author",
        ),
        public_id=public_id,
    )  # fmt: skip


def get_session_for_note(user, public_id):
    """A session the user may write a note on: one on their own course as its
    therapist. Patients and clinic admins may see sessions but never notes: 404."""
    if not user.is_authenticated or not user.is_therapist:
        raise Http404
    return get_object_or_404(
        Session.objects.visible_to(user).filter(course__therapist=user).with_people(),
        public_id=public_id,
    )
