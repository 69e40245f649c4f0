"""Faster twins of three template builtins, installed as builtins in settings so every
template uses them: `{% url %}`, `|date` and `|time`. Same syntax, same output.

Why: the list pages render a link and a date or two per row, and Django's versions
cost 30-70 microseconds each (reverse() walks the URL resolver; the date filter goes
through translation and the format machinery), about 1 ms a row in all. Here:

- `{% url 'name' %}` and `{% url 'name' one_argument %}` with one UUID or
  non-negative int argument reverse the name once per process (with a stand-in
  argument) and then join strings; anything else (keyword arguments, namespaced
  names, a name that does not reverse) goes to Django's own tag.
- `|date` and `|time` compile each format string once into a list of parts and
  format in UK time (core.timefmt.local), the portal's only time zone; a format with
  a letter this module does not know goes to Django's filter.
"""

import datetime
import uuid
from functools import lru_cache

from django import template
from django.template import defaultfilters, defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime

from .timefmt import local

register = template.Library()

# A stand-in argument per type: reversed once, then replaced by the real one.
_STAND_IN = {
    uuid.UUID: uuid.UUID("00000000-0000-4000-8000-00000000f00d"),
    int: 90909090901,
}


@lru_cache(maxsize=512)
def _around(view_name, kind, script_prefix, urlconf):
    """(before, after) the argument in `view_name`'s address, or None when the
    name does not reverse with one such argument."""
    stand_in = str(_STAND_IN[kind])
    try:
        address = reverse(view_name, args=[_STAND_IN[kind]])
    except NoReverseMatch:
        return None
    if address.count(stand_in) != 1:
        return None
    before, after = address.split(stand_in)
    return before, after


def fast_reverse(view_name, *args, env=None):
    """reverse(view_name, args=args) for no argument, or one UUID or non-negative
    int argument; else None (the caller reverses). `env`: the request's script
    prefix and URLconf, when the caller has them already."""
    prefix, urlconf = env or (get_script_prefix(), get_urlconf())
    if not args:
        return _plain(view_name, prefix, urlconf)
    (argument,) = args
    kind = type(argument)
    if kind is bool or kind not in _STAND_IN or (kind is int and argument < 0):
        return None
    around = _around(view_name, kind, prefix, urlconf)
    if around is None:
        return None
    return f"{around[0]}{argument}{around[1]}"


@lru_cache(maxsize=512)
def _plain(view_name, script_prefix, urlconf):
    try:
        return reverse(view_name)
    except NoReverseMatch:
        return None


def _url_env(context):
    """The script prefix and URLconf, read once per render (they are thread-locals,
    a few microseconds each, and a list page has hundreds of links)."""
    env = getattr(context, "_url_env", None)
    if env is None:
        env = context._url_env = (get_script_prefix(), get_urlconf())
    return env


class FastURLNode(defaulttags.URLNode):
    def render(self, context):
        if not self.kwargs and len(self.args) <= 1:
            view_name = self.view_name.resolve(context)
            if isinstance(view_name, str) and ":" not in view_name:
                args = [arg.resolve(context) for arg in self.args]
                url = fast_reverse(view_name, *args, env=_url_env(context))
                if url is not None:
                    if self.asvar:
                        context[self.asvar] = url
                        return ""
                    return conditional_escape(url) if context.autoescape else url
        return super().render(context)


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)


# Dates and times ----------------------------------------------------------------------

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
# The format letters the pages use (Django's meanings, in English).
_PARTS = {
    "l": lambda d: DAYS[d.weekday()],
    "D": lambda d: DAYS[d.weekday()][:3],
    "j": lambda d: str(d.day),
    "d": lambda d: f"{d.day:02d}",
    "F": lambda d: MONTHS[d.month - 1],
    "M": lambda d: MONTHS[d.month - 1][:3],
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "Y": lambda d: str(d.year),
    "H": lambda d: f"{d.hour:02d}",
    "G": lambda d: str(d.hour),
    "i": lambda d: f"{d.minute:02d}",
}
_TIME_LETTERS = set("HGi")


@lru_cache(maxsize=256)
def _compiled(fmt):
    """The format as a tuple of literal strings and functions, or None if it has a
    letter not in _PARTS (or none was given: Django then uses its settings)."""
    if not fmt:
        return None
    parts, escaped = [], False
    for char in fmt:
        if escaped:
            parts.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _PARTS:
            parts.append(_PARTS[char])
        elif char.isalpha():
            return None
        else:
            parts.append(char)
    return tuple(parts)


def _format(value, fmt):
    parts = _compiled(fmt)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = local(value)
    return "".join(part if isinstance(part, str) else part(value) for part in parts)


# Not expects_localtime: _format turns aware datetimes into UK time itself (faster
# than the template engine's conversion); what goes to Django's filters is converted
# first, as the engine would have.
@register.filter(is_safe=False)
def date(value, arg=None):
    """Django's |date, for dates and datetimes in the formats of _PARTS."""
    if (
        isinstance(value, datetime.date)
        and _compiled(arg) is not None
        and (isinstance(value, datetime.datetime) or not _TIME_LETTERS & set(arg))
    ):
        return _format(value, arg)
    return defaultfilters.date(template_localtime(value), arg)


@register.filter(is_safe=False)
def time(value, arg=None):
    """Django's |time, for times and datetimes in the formats of _PARTS."""
    if (
        isinstance(value, datetime.datetime | datetime.time)
        and _compiled(arg)
        and set(arg) & set(_PARTS) <= _TIME_LETTERS
    ):
        return _format(value, arg)
    return defaultfilters.time(template_localtime(value), arg)
