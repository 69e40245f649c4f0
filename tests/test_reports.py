"""The service reports on a small hand-made service (tests/report_world.py), each
figure worked out by hand: waits, the waiting list, attendance, outcomes, caseloads
and the per-referral extract."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from therapy.reports import attendance, caseload, extract, outcomes, waiting
from therapy.reports.figures import FEWER_THAN_5

from . import report_world
from .report_world import RANGE, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clinic):
    return report_world.build(clinic)


def test_waits_by_month_of_first_session(world):
    report = waiting.waiting_times(*RANGE)
    by_month = {m.label: m for m in report.months}
    assert list(by_month) == [
        "January 2025",
        "February 2025",
        "March 2025",
        "April 2025",
        "May 2025",
        "June 2025",
    ]
    # Alice: 6 Jan -> 3 Feb is 28 days (4 weeks); 3 Feb -> 17 Feb (the DNA between
    # does not count) is 14 days.
    feb = by_month["February 2025"]
    assert (feb.started, feb.median_weeks, feb.within_6, feb.within_18) == (
        1,
        4.0,
        100,
        100,
    )
    assert (feb.second_median_weeks, feb.second_within_6) == (2.0, 100)
    # Bob's first referral: 13 Jan -> 7 Apr is 84 days: past 6 weeks, within 18.
    april = by_month["April 2025"]
    assert (april.median_weeks, april.within_6, april.within_18) == (12.0, 0, 100)
    assert april.second_median_weeks == 1.0
    # Bob referred again: a wait of its own, 5 May -> 12 May.
    may = by_month["May 2025"]
    assert (may.started, may.median_weeks, may.second_median_weeks) == (1, 1.0, 2.0)
    # Months with no first session are rows with no figures.
    for empty in ("January 2025", "March 2025", "June 2025"):
        month = by_month[empty]
        assert (month.started, month.median_weeks, month.within_6) == (0, None, None)
    # All: waits 28, 84, 7 days -> median 28 days; 2 of 3 within 6 weeks = 67%.
    total = report.total
    assert (total.started, total.median_weeks, total.within_6, total.within_18) == (
        3,
        4.0,
        67,
        100,
    )
    assert total.second_median_weeks == 2.0


def test_waiting_list_longest_first(world):
    waiters = waiting.waiting_list(today=day(3, 31))
    # Cara: 3 Feb -> 31 Mar is 56 days; Dan: 3 Mar -> 31 Mar is 28 days (his first
    # session is booked but not attended, so he is still waiting). Alice and Bob
    # were seen and discharged.
    assert [
        (w.referral.patient.full_name, w.weeks, w.past_6, w.past_18) for w in waiters
    ] == [
        ("Cara Lee", 8, True, False),
        ("Dan Hill", 4, False, False),
    ]
    later = waiting.waiting_list(today=day(6, 10))  # Cara: 127 days, 18 weeks 1 day
    assert (later[0].weeks, later[0].past_18) == (18, True)


def test_the_waiting_list_is_shown_fifty_a_page(clinic, clinic_admin, client):
    """53 people waiting, referred 0 to 52 weeks and a day ago: the counts cover all
    of them, each page shows 50 longest first, and only the names shown are
    audited."""
    from .factories import PatientFactory

    today = datetime.date.today()
    for weeks in range(53):
        PatientFactory(
            user__full_name=f"Waiter {weeks:02d}",
            referral_date=today - datetime.timedelta(weeks=weeks, days=1),
        )
    client.force_login(clinic_admin)
    html = client.get(reverse("report_waiting") + "?" + range_query()).content.decode()
    # Past 6 weeks: 6 weeks and a day onwards, 47 of them (6..52); past 18: 35.
    assert (
        "53 patients referred and not yet seen: 47 waiting more than 6 weeks, 35 "
        "more than 18 weeks. Longest wait first; showing 1 to 50." in html
    )
    shown = [f"Waiter {weeks:02d}" for weeks in range(52, 2, -1)]
    positions = [html.index(name) for name in shown]
    assert positions == sorted(positions)
    assert "Waiter 02" not in html
    # The next page keeps the range chosen and returns to the list.
    link = f"?{range_query()}&page=2#waiting-now".replace("&", "&amp;")
    assert f'href="{link}"' in html
    listed = AuditEvent.objects.filter(object_type="reports.WaitingList")
    names = {event.patient.full_name for event in listed}
    assert names == set(shown)

    html = client.get(reverse("report_waiting") + "?page=2").content.decode()
    assert "showing 51 to 53." in html
    assert [name in html for name in ("Waiter 03", "Waiter 02", "Waiter 00")] == [
        False,
        True,
        True,
    ]
    assert listed.all().count() == 53


def test_attendance_by_month_and_therapist(world):
    report = attendance.attendance(*RANGE)
    columns = (
        "booked",
        "attended",
        "dna",
        "cancelled_by_patient",
        "cancelled_by_clinic",
        "not_recorded",
        "dna_rate",
        "ended_early",
    )

    def figures(row):
        return tuple(getattr(row, name) for name in columns)

    months = {row.label: figures(row) for row in report.months}
    assert months == {
        "January 2025": (0, 0, 0, 0, 0, 0, None, 0),
        # Alice: seen, DNA, seen, clinic cancelled: DNA rate 1 of 3 = 33%.
        "February 2025": (4, 2, 1, 0, 1, 0, 33, 0),
        # Alice cancelled, seen; Dan booked (not recorded). The session discharge
        # cancelled (17 Mar) was never needed and is not counted.
        "March 2025": (3, 1, 0, 1, 0, 1, 0, 0),
        # Bob seen twice, then dropped out on 20 April.
        "April 2025": (2, 2, 0, 0, 0, 0, 0, 1),
        "May 2025": (3, 2, 1, 0, 0, 0, 33, 0),
        "June 2025": (0, 0, 0, 0, 0, 0, None, 0),
    }
    therapists = {row.label: figures(row) for row in report.therapists}
    assert therapists == {
        "Ann Adams": (7, 3, 1, 1, 1, 1, 25, 0),
        "Ben Brown": (5, 4, 1, 0, 0, 0, 20, 1),
    }
    # 2 DNAs of 7 attended + 2 DNAs = 22%.
    assert figures(report.total) == (12, 7, 2, 1, 1, 1, 22, 1)


def test_outcomes_count_courses_with_two_measured_sessions(world):
    rows = outcomes.course_outcomes(outcomes.Course.objects.all())
    by_course = {
        (row.therapist, row.ended): (row.measured, row.outcome) for row in rows.values()
    }
    # Bob's first course had one measured session: not in the report.
    measured, _ = by_course[("Ben Brown", day(4, 20))]
    assert measured == 1
    report = outcomes.outcomes(*RANGE)
    assert len(report.total.outcomes) == 2
    alice, bob = sorted(report.total.outcomes, key=lambda o: o.phq9_first, reverse=True)
    # Alice: 15 -> 5 and 12 -> 4: at caseness, recovered, reliably improved.
    assert (alice.case_at_start, alice.recovered, alice.reliable_improvement) == (
        True,
        True,
        True,
    )
    assert (alice.reliable_recovery, alice.reliable_deterioration) == (True, False)
    # Bob, referred again: 12 -> 11 and 9 -> 9: still a case, no reliable change.
    assert (bob.case_at_start, bob.recovered, bob.reliable_improvement) == (
        True,
        False,
        False,
    )
    # Quarters: Alice ended in Jan-Mar, Bob in Apr-Jun; one course each is shown as
    # "fewer than 5", counts and rates alike.
    assert [(q.label, len(q.outcomes)) for q in report.quarters] == [
        ("Jan to Mar 2025", 1),
        ("Apr to Jun 2025", 1),
    ]
    assert report.total.courses == FEWER_THAN_5
    assert report.total.recovery == FEWER_THAN_5
    assert [t.label for t in report.therapists] == ["Ann Adams", "Ben Brown"]


def test_outcome_rates_unsuppressed_from_five(world, clinic):
    """Ten more of Ann's courses ending in January: five recover (PHQ-9 15 -> 5), five
    stay cases with no change (12 -> 12); GAD-7 7 throughout (below caseness)."""
    from patients.models import Patient, Referral
    from therapy.models import Course

    from .factories import PatientFactory, gad7_answers, phq9_answers

    S = report_world.S
    for n, (first, last) in enumerate([(15, 5)] * 5 + [(12, 12)] * 5):
        patient = PatientFactory(
            referral=False, status=Patient.Status.DISCHARGED, therapist=world["ann"]
        )
        report_world.course(
            report_world.referred(patient, day(1, 2), Referral.Source.GP),
            world["ann"],
            [
                (day(1, 6 + n), S.ATTENDED, phq9_answers(first), gad7_answers(7)),
                (day(1, 17 + n), S.ATTENDED, phq9_answers(last), gad7_answers(7)),
            ],
            end=(Course.Status.COMPLETED, day(1, 30)),
        )
    report = outcomes.outcomes(*RANGE)
    q1 = report.quarters[0]
    # With Alice: 11 courses, all at caseness; 6 recovered and reliably improved
    # (6 of 11 = 54.5%, shown 55%), none deteriorated (0 of 11 = 0%).
    assert (q1.courses, q1.at_caseness) == (11, 11)
    assert (q1.recovery, q1.reliable_improvement, q1.reliable_recovery) == (55, 55, 55)
    assert q1.reliable_deterioration == 0
    # Ann's row has the same 11; Ben's one course is still "fewer than 5".
    ann, ben = report.therapists
    assert (ann.label, ann.courses, ann.recovery) == ("Ann Adams", 11, 55)
    assert (ben.label, ben.courses, ben.recovery) == (
        "Ben Brown",
        FEWER_THAN_5,
        FEWER_THAN_5,
    )


def test_caseloads_count_phases_and_open_flags(world):
    rows = {row.therapist: row for row in caseload.caseloads()}
    # Dan's course: session 1 has begun (booked, not recorded): initial phase; his
    # PHQ-9's question 9 raised a flag nobody has acknowledged.
    ann = rows["Ann Adams"]
    assert (ann.offered, ann.active, ann.open_flags) == (0, 1, 1)
    assert ann.by_phase == [
        ("Initial phase", 1),
        ("Middle phase", 0),
        ("Ending phase", 0),
    ]
    assert "Ben Brown" not in rows  # no current course, no flag


def test_caseloads_middle_phase_and_offered(world):
    """Ben gets Eve, three sessions in with a focus agreed at session 2 (so in the
    middle phase), and Finn, whose first session is still being offered."""
    from patients.models import Patient, Referral
    from therapy.models import Course

    from .factories import PatientFactory

    S = report_world.S
    ben = world["ben"]
    eve = PatientFactory(referral=False, status=Patient.Status.IN_THERAPY)
    course = report_world.course(
        report_world.referred(eve, day(6, 1), Referral.Source.GP),
        ben,
        [(day(6, d), S.ATTENDED, None, None) for d in (9, 16, 23)],
        hour=9,
    )
    Course.objects.filter(pk=course.pk).update(focus_agreed_session=2)
    finn = PatientFactory(status=Patient.Status.REFERRED)
    Course.objects.create(patient=finn, therapist=ben, status=Course.Status.OFFERED)
    row = {r.therapist: r for r in caseload.caseloads()}["Ben Brown"]
    assert (row.offered, row.active, row.open_flags) == (1, 1, 0)
    assert row.by_phase == [
        ("Initial phase", 0),
        ("Middle phase", 1),
        ("Ending phase", 0),
    ]


def read_csv(response):
    text = b"".join(
        response.streaming_content if response.streaming else [response.content]
    )
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def range_query():
    return (
        "start_day=1&start_month=1&start_year=2025&end_day=30&end_month=6&end_year=2025"
    )


def test_extract_per_referral(world, client):
    from .factories import ClinicAdminFactory

    lead = ClinicAdminFactory(clinical_lead=True)
    client.force_login(lead)
    response = client.get(reverse("report_extract_csv") + "?" + range_query())
    assert response.status_code == 200, response.content[:3000]
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(response)
    assert header == extract.COLUMNS + extract.OUTCOME_COLUMNS
    alice, bob_1, cara, dan, bob_2 = rows
    assert alice[1:] == [
        "2025-01-06", "GP", "2025-02-03", "2025-02-17", "3", "2025-03-12", "Completed",
        "2", "15", "5", "12", "4", "yes", "yes", "yes", "yes", "no",
    ]  # fmt: skip
    assert bob_1[1:8] == [
        "2025-01-13", "Self-referral", "2025-04-07", "2025-04-14", "2", "2025-04-20",
        "Dropped out",
    ]  # fmt: skip
    # One measured session: scores first only, nothing judged.
    assert bob_1[8:] == ["1", "14", "", "10", "", "yes", "", "", "", ""]
    assert cara[1:] == ["2025-02-03", "GP", "", "", "0", "", ""] + [""] * 10
    assert dan[3:8] == ["", "", "0", "", ""]
    assert bob_2[1:3] == ["2025-05-05", "Other"]
    # Bob's two referrals share a pseudonymous id; nobody's name or NHS number is in
    # the file.
    assert bob_1[0] == bob_2[0] != alice[0]
    text = response.content.decode()
    for person in (world["alice"], world["bob"]):
        assert person.full_name not in text
        assert person.nhs_number not in text
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.object_type, event.object_id) == (
        lead,
        "reports.Per-referral extract.csv",
        "2025-01-01..2025-06-30",
    )


def test_report_pages_show_the_figures(world, client):
    from .factories import ClinicAdminFactory

    client.force_login(ClinicAdminFactory(clinical_lead=True))
    page = client.get(reverse("report_attendance") + "?" + range_query())
    html = page.content.decode()
    assert "Attendance by therapist" in html
    assert '<title id="chart-dna-rate-wide-title">DNA rate by month</title>' in html
    assert "February 2025: 33 per cent" in html  # the chart's description
    page = client.get(reverse("report_outcomes") + "?" + range_query())
    assert "National ambition 50%" in page.content.decode()
    assert "fewer than 5" in page.content.decode()
    page = client.get(reverse("report_waiting") + "?" + range_query())
    html = page.content.decode()
    assert "Standard 75%" in html and "Standard 95%" in html
    assert "Cara Lee" in html  # on the waiting list


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("start_day=31&start_month=2&start_year=2025&end_day=1&end_month=3&end_year=2025", "Enter a real date"),
        ("start_day=1&start_month=3&start_year=2025&end_day=1&end_month=2&end_year=2025", "The end date must be the same as or after the start date."),
        ("start_day=1&start_month=&start_year=2025&end_day=1&end_month=2&end_year=2025", "Enter a day, a month and a year."),
        ("start_day=1&start_month=1&start_year=2015&end_day=1&end_month=2&end_year=2025", "Choose a range of 5 years or less."),
    ],
)  # fmt: skip
def test_a_bad_range_is_a_form_error(clinic_admin, client, query, error):
    client.force_login(clinic_admin)
    page = client.get(reverse("report_attendance") + "?" + query)
    assert page.status_code == 200
    assert error in page.content.decode()
    assert "There is a problem" in page.content.decode()
    # The CSV for a bad range goes back to the page, which shows why.
    download = client.get(reverse("report_attendance_csv") + "?" + query)
    assert download.status_code == 302
    assert download["Location"] == reverse("report_attendance") + "?" + query
    # The extract's range is chosen on the waiting times page.
    download = client.get(reverse("report_extract_csv") + "?" + query)
    assert download["Location"] == reverse("report_waiting") + "?" + query
    assert error in client.get(download["Location"]).content.decode()


def test_default_range_is_the_last_twelve_months(clinic_admin, client):
    from therapy.reports.forms import default_range

    assert default_range(datetime.date(2026, 11, 30)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 11, 30),
    )
    client.force_login(clinic_admin)
    page = client.get(reverse("report_attendance")).content.decode()
    today = datetime.date.today()
    year_ago = today.replace(day=1, year=today.year - 1)
    assert f"{today:%B %Y}" in page
    assert f"{year_ago:%B %Y}" not in page  # twelve months, this one included


def test_csv_cells_that_look_like_formulas_are_text(world, client):
    """A therapist's name typed as a formula reaches the spreadsheet as text."""
    ann = world["ann"]
    ann.full_name = '=HYPERLINK("http://x.test","Ann")'
    ann.save()
    from .factories import ClinicAdminFactory

    client.force_login(ClinicAdminFactory())
    response = client.get(reverse("report_attendance_csv") + "?" + range_query())
    rows = read_csv(response)
    names = [row[1] for row in rows if row[0] == "Therapist"]
    assert names == ['\'=HYPERLINK("http://x.test","Ann")', "Ben Brown"]
    # Each row says which table it is from in words, not the code's own labels.
    assert rows[0][:2] == ["Rows by", "Month"]
    assert {row[0] for row in rows[1:]} == {"Month", "Therapist"}


def test_the_report_judges_a_course_as_its_discharge_page_does(clock, course):
    """Hazard H09: the outcomes report reuses the course's own outcome rules, so a
    course is never recovered on its discharge page and not in the report. PHQ-9 16,
    20, then 9; GAD-7 9 then 9; six attended, one not attended: PHQ-9 fell by 7
    (reliable improvement), but GAD-7 9 is still at caseness (not recovered)."""
    from therapy.ending import discharge, selectors
    from therapy.models import Course, Session
    from therapy.scheduling import services

    from .factories import gad7_answers, phq9_answers, send_measure
    from .focus_helpers import begin_session

    sessions = {s.number: s for s in course.sessions.all()}
    send_measure(sessions[1], "phq9", phq9_answers(16))
    send_measure(sessions[1], "gad7", gad7_answers(9))
    send_measure(sessions[3], "phq9", phq9_answers(20))
    send_measure(sessions[7], "phq9", phq9_answers(9))
    send_measure(sessions[7], "gad7", gad7_answers(9))
    begin_session(clock, course, 8)
    for number in range(1, 8):
        status = (
            Session.Status.DID_NOT_ATTEND if number == 2 else Session.Status.ATTENDED
        )
        services.record_attendance(sessions[number], status, by=course.therapist)
    discharge.discharge_course(
        course, by=course.therapist, status=Course.Status.COMPLETED
    )

    page = selectors.for_course(course)
    (row,) = outcomes.course_outcomes(Course.objects.filter(pk=course.pk)).values()
    assert row.measured == 3
    assert row.outcome == page
    assert (page.attended, page.phq9_first, page.phq9_last) == (6, 16, 9)
    assert (page.gad7_first, page.gad7_last) == (9, 9)
    assert (page.case_at_start, page.recovered) == (True, False)
    assert (page.reliable_improvement, page.reliable_deterioration) == (True, False)
