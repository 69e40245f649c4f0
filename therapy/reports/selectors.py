"""What each report page and CSV shows: the figures (waiting, attendance, outcomes,
caseload) as tables, with their charts. A page's tables and its CSV come from the
same rows, so the screen, the chart and the download cannot disagree. Views call
these and nothing else."""

from dataclasses import dataclass, field

from . import attendance, caseload, charts, extract, figures, outcomes, waiting


@dataclass
class Table:
    caption: str
    header: list
    rows: list


@dataclass
class Page:
    tables: list
    charts: list = field(default_factory=list)
    data: object = None


def csv_of(tables, by=None):
    """One CSV from a page's tables: the tables' rows one after another, with a first
    column naming each row's table when there are several (`by`)."""
    if not by:
        return tables[0].header, tables[0].rows
    header = ["Rows by", *tables[0].header]
    return header, [
        [name, *row] for name, t in zip(by, tables, strict=True) for row in t.rows
    ]


# Waiting times -------------------------------------------------------------------------

WAITING_HEADER = [
    "Month of first session",
    "First sessions",
    "Median weeks, referral to first session",
    "% within 6 weeks",
    "% within 18 weeks",
    "Second sessions",
    "Median weeks, first to second session",
    "% first to second within 6 weeks",
    "% first to second within 18 weeks",
]


def _waiting_tables(first_day, last_day):
    data = waiting.waiting_times(first_day, last_day)
    rows = [
        [
            m.label,
            m.started,
            m.median_weeks,
            m.within_6,
            m.within_18,
            len(m.first_to_second),
            m.second_median_weeks,
            m.second_within_6,
            m.second_within_18,
        ]
        for m in (*data.months, data.total)
    ]
    return data, [
        Table("Waits by month of first attended session", WAITING_HEADER, rows)
    ]


def waiting_now(page_number):
    return waiting.waiting_now(page_number)


def waiting_page(first_day, last_day):
    data, tables = _waiting_tables(first_day, last_day)
    return Page(
        tables=tables,
        data=data,
        charts=[
            charts.percentage_chart(
                "within-6",
                "Started within 6 weeks of referral",
                [(m.label, m.within_6) for m in data.months],
                [("Standard", figures.STANDARDS[figures.SIX_WEEKS])],
            ),
            charts.percentage_chart(
                "within-18",
                "Started within 18 weeks of referral",
                [(m.label, m.within_18) for m in data.months],
                [("Standard", figures.STANDARDS[figures.EIGHTEEN_WEEKS])],
            ),
        ],
    )


def waiting_csv(first_day, last_day):
    return csv_of(_waiting_tables(first_day, last_day)[1])


# Attendance ----------------------------------------------------------------------------

ATTENDANCE_HEADER = [
    "Sessions booked",
    "Attended",
    "Did not attend (DNA)",
    "Cancelled by patient",
    "Cancelled by clinic",
    "Not yet recorded",
    "DNA rate %",
    "Courses ended early",
]


def _attendance_tables(first_day, last_day):
    data = attendance.attendance(first_day, last_day)

    def cells(row):
        return [
            row.label,
            row.booked,
            row.attended,
            row.dna,
            row.cancelled_by_patient,
            row.cancelled_by_clinic,
            row.not_recorded,
            row.dna_rate,
            row.ended_early,
        ]

    return data, [
        Table(
            "Attendance by month",
            ["Month", *ATTENDANCE_HEADER],
            [cells(row) for row in (*data.months, data.total)],
        ),
        Table(
            "Attendance by therapist",
            ["Therapist", *ATTENDANCE_HEADER],
            [cells(row) for row in data.therapists],
        ),
    ]


def attendance_page(first_day, last_day):
    data, tables = _attendance_tables(first_day, last_day)
    return Page(
        tables=tables,
        data=data,
        charts=[
            charts.percentage_chart(
                "dna-rate",
                "DNA rate by month",
                [(row.label, row.dna_rate) for row in data.months],
            )
        ],
    )


def attendance_csv(first_day, last_day):
    return csv_of(_attendance_tables(first_day, last_day)[1], by=("Month", "Therapist"))


# Outcomes ------------------------------------------------------------------------------

OUTCOME_HEADER = [
    "Courses ended with 2 or more measured sessions",
    "At caseness at the start",
    "Recovery %",
    "Reliable improvement %",
    "Reliable recovery %",
    "Reliable deterioration %",
]


def _outcome_tables(first_day, last_day):
    data = outcomes.outcomes(first_day, last_day)

    def cells(g):
        return [
            g.label,
            g.courses,
            g.at_caseness,
            g.recovery,
            g.reliable_improvement,
            g.reliable_recovery,
            g.reliable_deterioration,
        ]

    return data, [
        Table(
            "Outcomes by quarter the course ended",
            ["Quarter", *OUTCOME_HEADER],
            [cells(g) for g in (*data.quarters, data.total)],
        ),
        Table(
            "Outcomes by therapist",
            ["Therapist", *OUTCOME_HEADER],
            [cells(g) for g in data.therapists],
        ),
    ]


def outcomes_page(first_day, last_day):
    data, tables = _outcome_tables(first_day, last_day)
    return Page(
        tables=tables,
        data=data,
        charts=[
            charts.percentage_chart(
                "recovery",
                "Recovery rate by quarter",
                [(g.label, g.recovery) for g in data.quarters],
                [("National ambition", figures.RECOVERY_AMBITION)],
            ),
            charts.percentage_chart(
                "reliable-improvement",
                "Reliable improvement by quarter",
                [(g.label, g.reliable_improvement) for g in data.quarters],
                [("National ambition", figures.RELIABLE_IMPROVEMENT_AMBITION)],
            ),
        ],
    )


def outcomes_csv(first_day, last_day):
    return csv_of(_outcome_tables(first_day, last_day)[1], by=("Quarter", "Therapist"))


# Caseloads -----------------------------------------------------------------------------


def caseload_page():
    header = ["Therapist", "First session offered"]
    header += [phase.label for phase in caseload.PHASES]
    header += ["Active courses", "Open risk flags"]
    rows = [
        [r.therapist, r.offered, *(n for _, n in r.by_phase), r.active, r.open_flags]
        for r in caseload.caseloads()
    ]
    return Page(tables=[Table("Current courses by therapist and phase", header, rows)])


def caseload_csv():
    return csv_of(caseload_page().tables)


# The per-referral extract --------------------------------------------------------------


def extract_csv(first_day, last_day, *, with_outcomes):
    return (
        extract.header(with_outcomes),
        list(extract.rows(first_day, last_day, with_outcomes=with_outcomes)),
    )
