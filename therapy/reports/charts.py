"""The geometry of the reports' bar charts (percentages by month, quarter or
therapist), drawn as server-rendered SVG by the `bar_chart_svg` tag
(therapy/templatetags/reports.py) in templates/reports/_bar_chart.html.

A national standard or ambition is a dashed reference line with its name: a line to
read the bars against, not a pass or fail given to anyone. Like the measures chart
(questionnaires/chart.py) each chart is drawn twice, wide and narrow, CSS showing
one, so its words stay about 13 px on a phone; the page shows the same numbers in a
table. A bar with no figure (no data, or "fewer than 5") is left out and named so
in its tooltip."""

from dataclasses import dataclass, field

from .figures import FEWER_THAN_5


@dataclass(frozen=True)
class Size:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int
    short_labels: bool


WIDE = Size(640, 280, left=44, right=12, top=16, bottom=44, font=13, short_labels=False)
NARROW = Size(320, 260, left=36, right=6, top=16, bottom=44, font=13, short_labels=True)
Y_TICKS = (0, 25, 50, 75, 100)


@dataclass
class Chart:
    code: str
    title: str
    description: str
    width: int = 0
    height: int = 0
    font: int = 13
    show_values: bool = False  # each bar's figure above it (wide charts only)
    axis: dict = field(default_factory=dict)
    bars: list = field(default_factory=list)
    y_ticks: list = field(default_factory=list)
    references: list = field(default_factory=list)
    narrow: "Chart | None" = None


def short(label):
    """The narrow chart's axis label: 'January 2027' -> 'Jan'; 'Jan to Mar 2027' ->
    'Jan' (the quarter's first month); a name -> initials."""
    words = label.split()
    if len(words) == 2 and words[1].isdigit():
        return words[0][:3]
    if " to " in label:
        return words[0]
    return "".join(word[0] for word in words if word[:1].isalpha())[:3]


def percentage_chart(code, title, bars, references=(), unit_words="per cent"):
    """`bars` is [(label, value)] with value a percentage, None or "fewer than 5";
    `references` is [(name, percentage)]."""
    described = "; ".join(
        f"{label}: {_words(value, unit_words)}" for label, value in bars
    )
    lines = "; ".join(f"{name} {value} {unit_words}" for name, value in references)
    description = described + (f". Reference lines: {lines}." if lines else ".")
    chart = _draw(code, title, description, bars, references, WIDE)
    chart.narrow = _draw(code, title, description, bars, references, NARROW)
    return chart


def _words(value, unit_words):
    if value is None:
        return "no data"
    if value == FEWER_THAN_5:
        return "not shown (fewer than 5)"
    return f"{value} {unit_words}"


def _draw(code, title, description, bars, references, size):
    left, right = size.left, size.width - size.right
    top, bottom = size.top, size.height - size.bottom
    height = bottom - top

    def y(value):
        return round(bottom - height * value / 100, 1)

    slot = (right - left) / max(len(bars), 1)
    width = round(min(slot * 0.7, 48), 1)
    drawn = []
    for index, (label, value) in enumerate(bars):
        centre = round(left + slot * (index + 0.5), 1)
        known = isinstance(value, int | float)
        top_y = y(min(value, 100)) if known else bottom
        drawn.append(
            {
                "x": round(centre - width / 2, 1),
                "centre": centre,
                "y": top_y,
                "width": width,
                "height": round(bottom - top_y, 1),
                "label": short(label) if size.short_labels else _tick(label),
                "tooltip": f"{label}: {_words(value, 'per cent')}",
                "known": known,
                "value": f"{value}%" if known else "–",
                "value_y": top_y - 5,
            }
        )
    return Chart(
        code=code,
        title=title,
        description=description,
        width=size.width,
        height=size.height,
        font=size.font,
        show_values=not size.short_labels,
        axis={
            "left": left,
            "right": right,
            "top": top,
            "bottom": bottom,
            "tick_y": bottom + size.font + 6,
            "y_label_x": left - 6,
        },
        bars=drawn,
        y_ticks=[{"value": v, "y": y(v)} for v in Y_TICKS],
        references=[
            {"name": name, "value": value, "y": y(value), "label_y": y(value) - 4}
            for name, value in references
        ],
    )


def _tick(label):
    """The wide chart's axis label: 'January 2027' as 'Jan ’27', 'Jan to Mar 2027'
    as 'Jan–Mar ’27', a therapist's name as it is (cut to fit)."""
    words = label.split()
    if len(words) == 2 and words[1].isdigit():
        return f"{words[0][:3]} ’{words[1][2:]}"
    if " to " in label:
        return f"{words[0]}–{words[2]} ’{words[-1][2:]}"
    return label if len(label) <= 10 else label[:9] + "…"
