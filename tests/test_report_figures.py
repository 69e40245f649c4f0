"""The reports' pure arithmetic, table by table, with hand-computed answers."""

import datetime

import pytest

from therapy.reports import charts, figures
from therapy.reports.export import safe_cell

D = datetime.date


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([None], None),
        ([7], 7),
        ([28, 84, 7], 28),
        ([7, 14], 10.5),  # the mean of the middle two
        ([1, 2, 3, 100], 2.5),
    ],
)
def test_median(values, expected):
    assert figures.median(values) == expected


@pytest.mark.parametrize(
    ("days", "weeks", "expected"),
    [
        ([], 6, None),
        ([42], 6, 100),  # exactly 6 weeks is within
        ([43], 6, 0),
        ([28, 84, 7], 6, 67),  # 2 of 3 = 66.7
        ([28, 84, 7], 18, 100),
        ([1, 100, 200, 300, 400, 500, 600, 700], 6, 13),  # 1 of 8 = 12.5, half up
    ],
)
def test_share_within(days, weeks, expected):
    assert figures.share_within(days, weeks) == expected


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, "fewer than 5"), (4, "fewer than 5"), (5, 5), (None, None)],
)
def test_small_numbers_are_suppressed(count, shown):
    assert figures.suppressed(count) == shown


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (0, 0, None),  # no courses: no rate
        (0, 6, 0),
        (3, 40, "fewer than 5"),  # 3 of 40 would show 3 people
        (6, 11, 55),
        (5, 5, 100),
        (4, 4, "fewer than 5"),
    ],
)
def test_rates_are_suppressed_on_either_side(part, whole, shown):
    assert figures.suppressed_rate(part, whole) == shown


def test_months_include_empty_ones_and_cross_the_year():
    assert figures.months(D(2025, 11, 15), D(2026, 2, 1)) == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]


def test_quarters():
    assert figures.quarters(D(2025, 2, 10), D(2026, 1, 5)) == [
        D(2025, 1, 1),
        D(2025, 4, 1),
        D(2025, 7, 1),
        D(2025, 10, 1),
        D(2026, 1, 1),
    ]
    assert figures.quarter_label(D(2025, 10, 1)) == "Oct to Dec 2025"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 7700", "'+44 7700"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ann Adams", "Ann Adams"),
        (-3, -3),  # a number stays a number
        (None, ""),
        (True, "yes"),
    ],
)
def test_csv_cells_cannot_be_formulas(value, cell):
    assert safe_cell(value) == cell


def test_chart_bars_and_reference_lines():
    chart = charts.percentage_chart(
        "x",
        "Started within 6 weeks",
        [
            ("January 2025", 100),
            ("February 2025", None),
            ("March 2025", "fewer than 5"),
        ],
        [("Standard", 75)],
    )
    # Wide: plot from y=16 to y=236 (220 high); 75% is 55 from the bottom.
    assert chart.references[0]["y"] == 236 - 165
    known = [bar["known"] for bar in chart.bars]
    assert known == [True, False, False]
    assert chart.bars[0]["height"] == 220
    assert chart.description == (
        "January 2025: 100 per cent; February 2025: no data; "
        "March 2025: not shown (fewer than 5). Reference lines: Standard 75 per cent."
    )
    assert [bar["label"] for bar in chart.narrow.bars] == ["Jan", "Feb", "Mar"]


def test_wide_axis_labels_and_values():
    chart = charts.percentage_chart(
        "q", "Recovery", [("Jan to Mar 2025", 55), ("Apr to Jun 2025", None)]
    )
    assert [bar["label"] for bar in chart.bars] == ["Jan–Mar ’25", "Apr–Jun ’25"]
    assert [bar["value"] for bar in chart.bars] == ["55%", "–"]
    assert chart.show_values and not chart.narrow.show_values
