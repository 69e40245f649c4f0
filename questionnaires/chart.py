"""The geometry of a server-rendered SVG line chart of one measure across a course.

Bands are shaded, the caseness threshold is a dashed line, and the x axis shows session
numbers with the phase each falls in. The page shows the same data as a table.

Each measure is drawn twice: WIDE for tablets and desktops, with the bands named in a
right margin, and NARROW for phones, whose smaller viewBox keeps its text near 13 px
when the chart is squeezed to 288 px (the wide one's would be 6 px); CSS shows one."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Size:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int
    band_labels: bool  # named in the right margin; NARROW names them under the chart


WIDE = Size(640, 320, left=44, right=150, top=12, bottom=68, font=13, band_labels=True)
NARROW = Size(
    320, 300, left=30, right=10, top=12, bottom=66, font=14, band_labels=False
)
BAND_FILLS = ["#e8f1f8", "#d2e3f1", "#ffeb99", "#ffd4b3", "#f6c8c8"]
PHASE_NAMES = {
    "initial": "Initial",
    "middle": "Middle",
    "ending": "Ending",
    "completed": "Completed",
}


@dataclass
class Chart:
    code: str
    title: str
    description: str
    width: int = WIDE.width
    height: int = WIDE.height
    font: int = WIDE.font
    band_labels: bool = True
    bands: list = field(default_factory=list)
    caseness: dict = field(default_factory=dict)
    ticks: list = field(default_factory=list)
    y_ticks: list = field(default_factory=list)
    phases: list = field(default_factory=list)
    points: list = field(default_factory=list)
    polyline: str = ""
    axis: dict = field(default_factory=dict)
    narrow: "Chart | None" = None  # the same chart drawn for phones


def build_both(**kwargs):
    """The wide chart, with its phone-sized twin as `.narrow`."""
    chart = build(**kwargs, size=WIDE)
    chart.narrow = build(**kwargs, size=NARROW)
    return chart


def build(*, code, title, definition, points, sessions, phase_for, size=WIDE):
    """points: [(session number, total, band)]; sessions: how many the x axis shows;
    phase_for(number) -> "initial" | "middle" | "ending" | "completed", or None for
    a session whose phase is not known yet (unlabelled)."""
    width, height = size.width, size.height
    left, right, top, bottom = size.left, size.right, size.top, size.bottom
    top_score = definition["max_total"]
    last = max([sessions, *[number for number, _, _ in points]], default=1)
    plot_w = width - left - right
    plot_h = height - top - bottom

    def x(number):
        return round(left + (number - 1) * plot_w / max(last - 1, 1), 1)

    def y(total):
        return round(top + plot_h - total * plot_h / top_score, 1)

    chart = Chart(
        code=code,
        title=title,
        description=_describe(title, points),
        width=width,
        height=height,
        font=size.font,
        band_labels=size.band_labels,
    )
    chart.axis = {
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "label_x": width - right + 6,
        "width": plot_w,
        "y_label_x": left - 6,
        "tick_y": top + plot_h + 16,
        "phase_line_y": top + plot_h + 26,
        "phase_y": top + plot_h + 42,
        "caption_y": height - 4,
    }
    for index, (low, high, label) in enumerate(definition["bands"]):
        upper = min(high + 1, top_score) if high < top_score else top_score
        chart.bands.append(
            {
                "y": y(upper),
                "height": round(y(low) - y(upper), 1),
                "fill": BAND_FILLS[index % len(BAND_FILLS)],
                "name": label,
                "label": f"{label} ({low}–{high})",
                "label_y": round((y(low) + y(upper)) / 2 + 4, 1),
            }
        )
    chart.caseness = {
        "y": y(definition["caseness"]),
        "label_x": left + 4,
        "label_y": y(definition["caseness"]) - 4,
        "label": f"Caseness ({definition['caseness']})",
    }
    step = 5 if top_score > 21 else 3
    chart.y_ticks = [
        {"value": value, "y": y(value)} for value in range(0, top_score + 1, step)
    ]
    # Session numbers every other session when they would touch on a narrow chart.
    every = 2 if plot_w / max(last - 1, 1) < size.font * 1.5 else 1
    chart.ticks = [{"number": n, "x": x(n)} for n in range(1, last + 1, every)]
    run_start, run_phase = 1, phase_for(1)
    for number in range(2, last + 2):
        phase = phase_for(number) if number <= last else None
        if phase == run_phase:
            continue
        if run_phase is not None:  # sessions whose phase is not known: no label
            chart.phases.append(
                {
                    "name": PHASE_NAMES.get(run_phase, run_phase),
                    "x": round((x(run_start) + x(number - 1)) / 2, 1),
                    "start": x(run_start) - 4,
                    "end": x(number - 1) + 4,
                }
            )
        run_start, run_phase = number, phase
    chart.points = [
        {"x": x(n), "y": y(total), "number": n, "total": total, "band": band}
        for n, total, band in points
    ]
    chart.polyline = " ".join(f"{p['x']},{p['y']}" for p in chart.points)
    return chart


def _describe(title, points):
    if not points:
        return f"No {title} scores yet."
    first, latest = points[0], points[-1]
    text = (
        f"{title} scores for {len(points)} session"
        f"{'' if len(points) == 1 else 's'}. First: {first[1]} ({first[2].lower()}) "
        f"at session {first[0]}."
    )
    if len(points) > 1:
        text += f" Latest: {latest[1]} ({latest[2].lower()}) at session {latest[0]}."
    return text
