"""The reports' template helpers. Their bar charts and tables are written here in
Python rather than by template loops: a chart is some 60 elements of four or five
numbers each, drawn twice, and a table some 500 cells, and the template engine's
per-variable cost made them most of the report pages' time (docs/performance.md).
The markup is what the templates they replace wrote; every text is escaped."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from therapy.reports.access import reports_for

register = template.Library()


@register.filter
def may_see_reports(user):
    """Whether the home page links to the service reports (the one access rule)."""
    return bool(reports_for(user))


def _figure(value):
    """A report's figure on screen: no figure is "No data" (the CSV leaves it empty)."""
    return "No data" if value is None or value == "" else value


@register.simple_tag
def table_rows(table):
    """The body rows of a report's responsive table (selectors.Table): each cell
    with its column's name for narrow screens, as the template did."""
    if not table.rows:
        return mark_safe(  # noqa: S308 - no data in it
            '<tr class="nhsuk-table__row" role="row"><td class="nhsuk-table__cell" '
            f'role="cell" colspan="{len(table.header)}">Nothing to show.</td></tr>'
        )
    headings = [
        '<td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" '
        f'aria-hidden="true">{escape(name)} </span><span>'
        for name in table.header
    ]
    out = []
    for row in table.rows:
        out.append('<tr class="nhsuk-table__row" role="row">')
        for heading, value in zip(headings, row, strict=True):
            # Localised as the template engine does with {{ value }}; a whole number
            # (most cells) localises to itself, without its cost (no thousands
            # separator is set), and needs no escaping.
            if type(value) is int:
                text = str(value)
            else:
                text = conditional_escape(str(localize(_figure(value))))
            out.append(f"{heading}{text}</span></td>")
        out.append("</tr>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def bar_chart_svg(chart, variant):
    """One drawing of a report's bar chart (reports/charts.py has its geometry):
    `chart` at its size, `variant` wide or narrow."""
    c, a, font = chart, chart.axis, chart.font
    label = f"chart-{c.code}-{variant}"
    out = [
        f'<svg class="dit-chart__svg dit-chart__svg--{variant}" '
        f'viewBox="0 0 {c.width} {c.height}" width="100%" role="img" '
        f'aria-labelledby="{label}-title {label}-desc" focusable="false">\n'
        f'  <title id="{label}-title">{escape(c.title)}</title>\n'
        f'  <desc id="{label}-desc">{escape(c.description)} The table below the chart '
        "shows the same figures.</desc>\n"
        '  <g aria-hidden="true">\n'
    ]
    for tick in c.y_ticks:
        out.append(
            f'    <line x1="{a["left"]}" x2="{a["right"]}" y1="{tick["y"]}" '
            f'y2="{tick["y"]}" stroke="#d8dde0"></line>\n'
            f'    <text x="{a["y_label_x"]}" y="{tick["y"]}" font-size="{font}" '
            'text-anchor="end" dominant-baseline="middle" '
            f'fill="#212b32">{tick["value"]}%</text>\n'
        )
    for bar in c.bars:
        if bar["known"]:
            out.append(
                f'    <rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["width"]}" '
                f'height="{bar["height"]}" fill="#005eb8"><title>'
                f"{escape(bar['tooltip'])}</title></rect>\n"
            )
        if c.show_values:
            out.append(
                f'    <text x="{bar["centre"]}" y="{bar["value_y"]}" '
                f'font-size="{font}" text-anchor="middle" fill="#212b32">'
                f"{escape(bar['value'])}</text>\n"
            )
        out.append(
            f'    <text x="{bar["centre"]}" y="{a["tick_y"]}" font-size="{font}" '
            f'text-anchor="middle" fill="#212b32">{escape(bar["label"])}</text>\n'
        )
    out.append(
        f'    <line x1="{a["left"]}" x2="{a["left"]}" y1="{a["top"]}" '
        f'y2="{a["bottom"]}" stroke="#425563"></line>\n'
        f'    <line x1="{a["left"]}" x2="{a["right"]}" y1="{a["bottom"]}" '
        f'y2="{a["bottom"]}" stroke="#425563"></line>\n'
    )
    for line in c.references:
        out.append(
            f'    <line x1="{a["left"]}" x2="{a["right"]}" y1="{line["y"]}" '
            f'y2="{line["y"]}" stroke="#d5281b" stroke-width="1.5" '
            'stroke-dasharray="6 4"></line>\n'
            f'    <text x="{a["right"]}" y="{line["label_y"]}" font-size="{font}" '
            f'text-anchor="end" fill="#d5281b">{escape(line["name"])} '
            f"{line['value']}%</text>\n"
        )
    out.append("  </g>\n</svg>\n")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
