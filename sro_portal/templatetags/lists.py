"""Column headers that sort a list, and links that download it, keeping its filters."""

from django import template
from django.utils.html import format_html

from ..lists import EXPORT_PARAM, SORT_PARAM

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key, label):
    """A column header linking to the list sorted by `key`, ascending first, then descending;
    `aria-sort` tells assistive technology how the list is sorted now."""
    query = context["request"].GET.copy()
    current = query.get(SORT_PARAM, "")
    query.pop("page", None)
    query.pop(EXPORT_PARAM, None)
    if current == key:
        state, query[SORT_PARAM] = "ascending", f"-{key}"
    elif current == f"-{key}":
        state, query[SORT_PARAM] = "descending", key
    else:
        state, query[SORT_PARAM] = None, key
    if state:
        arrow = "▲" if state == "ascending" else "▼"
        return format_html(
            '<th scope="col" aria-sort="{}"><a href="?{}">{} <span aria-hidden="true">{}</span>'
            "</a></th>",
            state,
            query.urlencode(),
            label,
            arrow,
        )
    return format_html('<th scope="col"><a href="?{}">{}</a></th>', query.urlencode(), label)


@register.simple_tag(takes_context=True)
def export_url(context, fmt):
    """The download of the whole filtered list (every page of it) in `fmt`."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query[EXPORT_PARAM] = fmt
    return f"?{query.urlencode()}"
