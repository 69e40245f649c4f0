"""A moved session's notice says which appointment moved (the time it was at) and
where the room is (the clinic's address wherever a room is named)."""

import datetime

from dit_portal.core.timefmt import uk_time
from messaging import calendar, channels
from messaging.models import Message
from therapy.scheduling import services


def patient_notices(session):
    return Message.objects.filter(
        session=session, kind="moved", recipient=session.patient.user
    ).order_by("pk")


def test_the_move_notice_names_the_old_time_and_the_clinic_address(
    course, clinic, clinic_admin
):
    clinic.address = "Riverside Centre\n1 Mill Lane\nRiverton RV1 2AB"
    clinic.save()
    session = course.sessions.get(number=4)
    was = session.start
    services.move_session(
        session, was + datetime.timedelta(hours=4), by=clinic_admin, reason="Rooms"
    )
    (notice,) = patient_notices(session)
    words = channels.compose(notice, clinic)
    assert f"Your appointment on {uk_time(was)} has moved." in words.text
    assert "in Room 1, Riverside Centre, 1 Mill Lane, Riverton RV1 2AB." in words.sms
    assert "LOCATION:Room 1\\, Riverside Centre\\, 1 Mill Lane" in words.ics


def test_a_second_move_before_the_first_notice_went_names_the_time_they_knew(
    course, clinic, clinic_admin
):
    session = course.sessions.get(number=4)
    was = session.start
    hour = datetime.timedelta(hours=1)
    services.move_session(session, was + 4 * hour, by=clinic_admin, reason="Rooms")
    patient_notices(session).update(status=Message.Status.PENDING, enqueued_at=None)
    session.refresh_from_db()
    services.move_session(session, was + 5 * hour, by=clinic_admin, reason="Again")
    # The outbox drops the first notice for the second, which must name the time the
    # patient was last told: the original one, not the unsent one in between.
    last = patient_notices(session).last()
    assert last.moved_from == was
    assert uk_time(was) in channels.compose(last, clinic).text


def test_a_video_session_has_no_address(course, clinic):
    clinic.address = "Riverside Centre"
    session = course.sessions.get(number=2)
    session.room, session.video_link = None, "https://video.example.test/x"
    lines = calendar.session_event(session, clinic, session.start)
    assert "LOCATION:https://video.example.test/x" in lines
