"""What the report pages share: the sub-navigation between reports, and the filters of a page
kept for its download links. (Their period form is sro_portal.schoolyear.PeriodForm.)"""

from django.urls import NoReverseMatch, resolve, reverse

from sro_portal.scope import scope_of

REPORTS = [
    ("Enforcement", "accountability:report_enforcement"),
    ("Activity", "accountability:report_activity"),
    ("Complaints", "accountability:report_complaints"),
    ("Training", "accountability:report_training"),
]


def report_links(request) -> list[dict]:
    """The reports the user may open, read from each view's roles (a report not built yet is
    left out)."""
    scope = scope_of(request.user)
    links = []
    for label, name in REPORTS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        roles = getattr(resolve(url).func.view_class, "roles", None)
        if roles is None or scope.has_any(roles):
            links.append({"label": label, "url": url, "current": request.path == url})
    return links


def query_without_export(params) -> str:
    """The filters of the page, for its download links."""
    kept = params.copy()
    for key in ("format", "table"):
        kept.pop(key, None)
    return kept.urlencode()
