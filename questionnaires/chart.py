"""The geometry of a server-rendered SVG line chart of one measure across a course.

Bands are shaded, the caseness threshold is a dashed line, and the x axis shows session
numbers with the phase each falls in. The page shows the same data as a table."""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 44, 150, 12, 68
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
    width: int = WIDTH
    height: int = HEIGHT
    bands: list = field(default_factory=list)
    caseness: dict = field(default_factory=dict)
    ticks: list = field(default_factory=list)
    y_ticks: list = field(default_factory=list)
    phases: list = field(default_factory=list)
    points: list = field(default_factory=list)
    polyline: str = ""
    axis: dict = field(default_factory=dict)


def build(*, code, title, definition, points, sessions, phase_for):
    """points: [(session number, total, band)]; sessions: how many the x axis shows;
    phase_for(number) -> "initial" | "middle" | "ending" | "completed", or None for
    a session whose phase is not known yet (unlabelled)."""
    top_score = definition["max_total"]
    last = max([sessions, *[number for number, _, _ in points]], default=1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(number):
        return round(LEFT + (number - 1) * plot_w / max(last - 1, 1), 1)

    def y(total):
        return round(TOP + plot_h - total * plot_h / top_score, 1)

    chart = Chart(code=code, title=title, description=_describe(title, points))
    chart.axis = {
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": TOP + plot_h,
        "label_x": WIDTH - RIGHT + 6,
        "width": plot_w,
        "y_label_x": LEFT - 6,
        "tick_y": TOP + plot_h + 16,
        "phase_line_y": TOP + plot_h + 26,
        "phase_y": TOP + plot_h + 42,
        "caption_y": HEIGHT - 4,
    }
    for index, (low, high, label) in enumerate(definition["bands"]):
        upper = min(high + 1, top_score) if high < top_score else top_score
        chart.bands.append(
            {
                "y": y(upper),
                "height": round(y(low) - y(upper), 1),
                "fill": BAND_FILLS[index % len(BAND_FILLS)],
                "label": f"{label} ({low}–{high})",
                "label_y": round((y(low) + y(upper)) / 2 + 4, 1),
            }
        )
    chart.caseness = {
        "y": y(definition["caseness"]),
        "label_x": LEFT + 4,
        "label_y": y(definition["caseness"]) - 4,
        "label": f"Caseness ({definition['caseness']})",
    }
    step = 5 if top_score > 21 else 3
    chart.y_ticks = [
        {"value": value, "y": y(value)} for value in range(0, top_score + 1, step)
    ]
    chart.ticks = [{"number": n, "x": x(n)} for n in range(1, last + 1)]
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
