"""A session row's note link (diary, course timeline): a tag, not an include, since
the pages render it once a row and an include costs the template engine a context and
a template of its own each time."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from dit_portal.core.template_tags import fast_reverse

register = template.Library()


@register.simple_tag
def note_link(row, show_patient=False):
    """ "Read note" (with "(draft)" when unsigned) or "Write note" when the user may
    write one; the hidden words name the session (and the patient, in the diary)."""
    session, note = row.session, row.note
    if note:
        name, text, argument = "note_detail", "Read note", note.public_id
    elif row.may_write_note:
        name, text, argument = "write_note", "Write note", session.public_id
    else:
        return ""
    href = fast_reverse(name, argument) or reverse(name, args=[argument])
    whose = format_html("{}'s ", session.patient.user.full_name) if show_patient else ""
    link = format_html(
        '<a href="{}">{}<span class="nhsuk-u-visually-hidden"> on {}session {}</span>'
        "</a>{}\n",
        href,
        text,
        whose,
        session.number,
        " (draft)" if note and not note.is_signed else "",
    )
    return link
