"""Object-level access to courses and sessions: the one place this app decides it.

Anything a user may not see answers 404, so its existence is not revealed."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import ClinicalNote, Course, FocusAgreement, GoodbyeLetter, Session


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


# The focus agreement and the goodbye letter -------------------------------------------
#
# The course's therapist reads every version and writes; the patient reads only what
# was shared with them (never a draft, never the therapist's working fields, which
# their templates do not contain); clinic admins and everyone else get 404.


def get_course_to_write(user, public_id):
    """A course whose focus and letter this user may write: their own, as its
    therapist. 404 for anyone else (clinic admins included)."""
    if not user.is_authenticated or not user.is_therapist:
        raise Http404
    return get_course_for(user, public_id)


def get_focus_for(user, public_id):
    """A focus version as its reader may see it: the course's therapist any version,
    the patient only one shared with them. 404 for anyone else."""
    return get_object_or_404(
        FocusAgreement.objects.visible_to(user).select_related(
            "course__patient__user", "course__therapist"
        ),
        public_id=public_id,
    )


def get_focus_to_write(user, public_id):
    """A focus version with the therapist's working fields: its therapist only."""
    if not user.is_authenticated or not user.is_therapist:
        raise Http404
    return get_focus_for(user, public_id)


def get_focus_for_patient(user, public_id):
    """A shared focus, for the patient page (summary only): its patient only."""
    if not user.is_authenticated or not user.is_patient:
        raise Http404
    return get_focus_for(user, public_id)


def get_letter_for(user, public_id):
    """The course's therapist (any time) or its patient (once shared, from the
    session it was shared at). 404 for anyone else, clinic admins included."""
    return get_object_or_404(
        GoodbyeLetter.objects.visible_to(user).select_related(
            "course__patient__user", "course__therapist", "shared_session"
        ),
        public_id=public_id,
    )


def get_course_to_close(user, public_id):
    """The course's therapist or a clinic admin may discharge; 404 for others."""
    if not user.is_authenticated or not (user.is_therapist or user.is_clinic_admin):
        raise Http404
    return get_course_for(user, public_id)
