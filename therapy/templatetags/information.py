from django import template

from therapy.clinic.information import INFORMATION_PAGES

register = template.Library()


@register.simple_tag
def information_pages():
    """The public information pages in order, as a dict slug -> title."""
    return INFORMATION_PAGES
