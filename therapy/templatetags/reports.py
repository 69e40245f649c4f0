from django import template

from therapy.reports.access import reports_for

register = template.Library()


@register.filter
def may_see_reports(user):
    """Whether the home page links to the service reports (the one access rule)."""
    return bool(reports_for(user))


@register.filter
def cell(value):
    """A report's figure on screen: no figure is "No data" (the CSV leaves it empty)."""
    return "No data" if value is None or value == "" else value
