"""What the report pages share: the sub-navigation between reports, and the filters of a page
kept for its download links. (Their period form is sro_portal.schoolyear.PeriodForm.)"""

from django.urls import resolve, reverse

from sro_portal.scope import scope_of

REPORTS = [
    (
        "Enforcement",
        "accountability:report_enforcement",
        "Arrests, citations, custody and referrals by offense and by student group, with rates "
        "per 100 students, any two groups crossed, and the CRDC file.",
    ),
    (
        "Districts compared",
        "accountability:report_districts",
        "Each district's rates side by side, for any student group.",
    ),
    (
        "Activity",
        "accountability:report_activity",
        "A typical day: the SROs' time by part of the job, activity, school and month.",
    ),
    (
        "Complaints",
        "accountability:report_complaints",
        "Complaints by status and finding, and how long acknowledgement took.",
    ),
    (
        "Training",
        "accountability:report_training",
        "Training compliance by program and by role.",
    ),
]
# The records behind the reports, listed, filtered and exported one by one, the enrollment that
# the rates divide by and the climate surveys evaluations read: (label, URL name, what it holds).
RECORDS = [
    ("Incidents", "incidents:incident_list", "Every incident, its classification and response."),
    (
        "Enforcement actions",
        "incidents:enforcementaction_list",
        "Each arrest, citation, custody or referral, with the student's demographics.",
    ),
    ("SRO activity", "incidents:activity_list", "The daily log of the SROs you oversee."),
    ("Complaints", "accountability:complaint_list", "Complaints against SROs and their handling."),
    ("Enrollment", "accountability:enrollment", "Students enrolled, by school, year and group."),
    (
        "Climate surveys",
        "accountability:surveys",
        "Survey results on the SRO program, by school, year, audience and question.",
    ),
]


def _allowed(request, entries) -> list[dict]:
    """The entries the user may open, read from each view's roles."""
    scope = scope_of(request.user)
    links = []
    for label, name, *rest in entries:
        url = reverse(name)
        roles = getattr(resolve(url).func.view_class, "roles", None)
        if roles is None or scope.has_any(roles):
            links.append(
                {
                    "label": label,
                    "url": url,
                    "current": request.path == url,
                    "about": rest[0] if rest else "",
                }
            )
    return links


def report_links(request) -> list[dict]:
    """The reports the user may open."""
    return _allowed(request, REPORTS)


def record_links(request) -> list[dict]:
    """The record lists and the enrollment the user may open."""
    return _allowed(request, RECORDS)


def query_without_export(params) -> str:
    """The filters of the page, for its download links."""
    kept = params.copy()
    for key in ("format", "table"):
        kept.pop(key, None)
    return kept.urlencode()
