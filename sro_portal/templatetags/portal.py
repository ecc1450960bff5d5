from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The link to another page of a list, keeping the filters the list was opened with."""
    query = context["request"].GET.copy()
    query["page"] = number
    return f"?{query.urlencode()}"
