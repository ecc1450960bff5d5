from django.conf import settings
from django.contrib import admin
from django.urls import resolve, reverse

from .roles import Role
from .scope import scope_of

# Each entry shows only to those its view admits, so the navigation and the access rules cannot
# disagree: the roles are read from the view itself.
NAVIGATION = [
    ("Home", "home"),
    ("Daily log", "incidents:activity_week"),
    ("Incidents", "incidents:incident_list"),
    ("Complaints", "accountability:complaint_list"),
    ("Programs", "programs:program_list"),
    ("Districts", "directory:district_list"),
    ("Schools", "directory:school_list"),
    ("Agencies", "directory:agency_list"),
    ("Training", "training:my_training"),
    ("Compliance", "training:compliance"),
    # The reports, the record lists behind them and the enrollment, gathered on one page.
    ("Reports", "accountability:reports"),
]


def navigation(request):
    match = getattr(request, "resolver_match", None)
    translated = {"translated_page": bool(match) and match.view_name in settings.TRANSLATED_VIEWS}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], **translated}
    scope = scope_of(user)
    items = []
    for label, name in NAVIGATION:
        url = reverse(name)
        roles = getattr(resolve(url).func.view_class, "roles", None)
        if roles is None or scope.has_any(roles):
            items.append({"label": label, "url": url, "current": request.path == url})
    if admin.site.has_permission(request):
        url = reverse("admin:index")
        items.append({"label": "Administration", "url": url, "current": False})
    return {
        **translated,
        "navigation": items,
        "role_names": [role.label for role in Role if role in scope.roles],
    }
