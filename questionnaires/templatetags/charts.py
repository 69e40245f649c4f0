"""A measures chart as SVG (questionnaires/chart.py has its geometry), written here
rather than in a template: a chart is some 150 elements with four or five numbers
each, and the template engine's per-variable cost made the four drawings of the
measures page most of its time. The markup is what the template it replaces wrote."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def chart_svg(chart, variant):
    """One drawing of a measures chart: `chart` at its size, `variant` wide or
    narrow."""
    c, a, font = chart, chart.axis, chart.font
    label = f"chart-{c.code}-{variant}"
    out = [
        "\n"  # where the template's comment line was
        f'<svg class="dit-chart__svg dit-chart__svg--{variant}" '
        f'viewBox="0 0 {c.width} {c.height}" width="100%" role="img" '
        f'aria-labelledby="{label}-title {label}-desc" focusable="false">\n'
        f'  <title id="{label}-title">{escape(c.title)} by session</title>\n'
        f'  <desc id="{label}-desc">{escape(c.description)} The table below the chart '
        "shows the same scores.</desc>\n"
        '  <g aria-hidden="true">\n    '
    ]
    for band in c.bands:
        out.append(
            f'\n    <rect x="{a["left"]}" y="{band["y"]}" width="{a["width"]}" '
            f'height="{band["height"]}" fill="{band["fill"]}" '
            'class="dit-chart__band"></rect>\n    '
        )
        if c.band_labels:
            out.append(
                f'<text x="{a["label_x"]}" y="{band["label_y"]}" font-size="{font}" '
                f'fill="#212b32">{escape(band["label"])}</text>'
            )
        out.append("\n    ")
    case = c.caseness
    out.append(
        f'\n    <line x1="{a["left"]}" x2="{a["right"]}" y1="{case["y"]}" '
        f'y2="{case["y"]}" stroke="#d5281b" stroke-width="1.5" '
        'stroke-dasharray="6 4"></line>\n'
        f'    <text x="{case["label_x"]}" y="{case["label_y"]}" font-size="{font}" '
        f'fill="#d5281b">{escape(case["label"])}</text>\n'
        f'    <line x1="{a["left"]}" x2="{a["left"]}" y1="{a["top"]}" '
        f'y2="{a["bottom"]}" stroke="#425563"></line>\n'
        f'    <line x1="{a["left"]}" x2="{a["right"]}" y1="{a["bottom"]}" '
        f'y2="{a["bottom"]}" stroke="#425563"></line>\n    '
    )
    for tick in c.y_ticks:
        out.append(
            f'\n    <text x="{a["y_label_x"]}" y="{tick["y"]}" font-size="{font}" '
            'text-anchor="end" dominant-baseline="middle" '
            f'fill="#212b32">{tick["value"]}</text>\n    '
        )
    out.append("\n    ")
    for tick in c.ticks:
        out.append(
            f'\n    <text x="{tick["x"]}" y="{a["tick_y"]}" font-size="{font}" '
            f'text-anchor="middle" fill="#212b32">{tick["number"]}</text>\n    '
        )
    out.append("\n    ")
    for phase in c.phases:
        out.append(
            f'\n    <line x1="{phase["start"]}" x2="{phase["end"]}" '
            f'y1="{a["phase_line_y"]}" y2="{a["phase_line_y"]}" '
            'stroke="#768692"></line>\n'
            f'    <text x="{phase["x"]}" y="{a["phase_y"]}" font-size="{font}" '
            f'text-anchor="middle" fill="#212b32">{escape(phase["name"])}</text>\n    '
        )
    out.append(
        f'\n    <text x="{a["left"]}" y="{a["caption_y"]}" font-size="{font}" '
        'fill="#4c6272">Session number and phase</text>\n    '
    )
    if c.polyline:
        out.append(
            f'<polyline points="{escape(c.polyline)}" fill="none" stroke="#005eb8" '
            'stroke-width="2.5"></polyline>'
        )
    out.append("\n    ")
    for point in c.points:
        out.append(
            f'\n    <circle cx="{point["x"]}" cy="{point["y"]}" r="4.5" '
            'fill="#005eb8" stroke="#ffffff" stroke-width="1.5"><title>Session '
            f"{point['number']}: {point['total']} "
            f"({escape(str(point['band']).lower())})</title></circle>\n    "
        )
    out.append("\n  </g>\n</svg>\n")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
