"""The URL sweep carried into the admin and onto every file the site hands out: no admin page,
read or written, opens for anyone but state staff; every export, template and certificate goes only
to the roles that may open its page, with nothing outside their scope in it."""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, reverse
from django.urls.resolvers import RoutePattern

from sro_portal.roles import Role
from tests.sro_portal import test_url_access as sweep
from tests.sro_portal.test_url_access import (
    EXPECTED,
    POST_ONLY,
    kwargs_for,
    url_for,
    users_by_role,
)

pytestmark = pytest.mark.django_db
# The URL sweep's tenants, built once per module.
shared, tenant, other_tenant, state_staff, media_root = (
    sweep.shared,
    sweep.tenant,
    sweep.other_tenant,
    sweep.state_staff,
    sweep.media_root,
)

NON_STAFF = [r for r in Role if r != Role.STATE_STAFF]
# The admin's own sign-in and sign-out pages send everyone to the site's.
ADMIN_ENTRANCES = {"login", "logout"}


def admin_urls(patterns=None, prefix=""):
    """(name, URL) of every named admin page: the site's own, and each registered model's
    changelist, add, change, delete, history, import and export pages, with a made-up key."""
    for pattern in admin.site.urls[0] if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_urls(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.name in ADMIN_ENTRANCES:
                continue
            kwargs = dict.fromkeys(pattern.pattern.regex.groupindex, "1")
            if not isinstance(pattern.pattern, RoutePattern) and "app_label" in kwargs:
                kwargs["app_label"] = "sro_portal"
            yield pattern.name, reverse(f"admin:{pattern.name}", kwargs=kwargs)


ADMIN_PAGES = sorted(set(admin_urls()))


def test_the_sweep_covers_every_registered_model_admin():
    names = {name for name, _url in ADMIN_PAGES}
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        assert {f"{label}_changelist", f"{label}_change"} <= names, label


@pytest.mark.parametrize(("name", "url"), ADMIN_PAGES)
def test_no_admin_page_opens_for_anyone_but_state_staff(client, tenant, state_staff, name, url):
    """Read or written, each page sends them to the admin's sign-in, which refuses them (below)."""
    login = reverse("admin:login")
    for role in NON_STAFF:
        client.force_login(users_by_role(tenant, state_staff)[role])
        for send in (client.get, client.post):
            response = send(url)
            assert response.status_code == 302, (role, send.__name__)
            assert response.url.startswith(f"{login}?"), (role, send.__name__)
    client.logout()
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login")), "anonymous"


@pytest.mark.parametrize("role", NON_STAFF)
def test_the_admin_sign_in_refuses_every_other_role(client, tenant, state_staff, role):
    client.force_login(users_by_role(tenant, state_staff)[role])
    next_page = reverse("admin:sro_portal_district_changelist")
    response = client.get(reverse("admin:login"), {"next": next_page})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url", sorted(url for name, url in ADMIN_PAGES if name.endswith("_changelist"))
)
def test_state_staff_open_every_changelist(client, state_staff, url):
    client.force_login(state_staff)
    assert client.get(url).status_code == 200


# Every file the site hands out: (page, query). Certificates take their completion in the URL.
DOWNLOADS = [
    ("programs:program_list", {"export": "csv"}),
    ("directory:district_list", {"export": "csv"}),
    ("directory:school_list", {"export": "csv"}),
    ("directory:agency_list", {"export": "csv"}),
    ("training:course_list", {"export": "csv"}),
    ("training:provider_list", {"export": "csv"}),
    ("training:requirement_list", {"export": "csv"}),
    ("training:compliance", {"export": "csv"}),
    ("training:staff_list", {"export": "csv"}),
    ("training:staff_import", {"download": "template"}),
    ("training:staff_import", {"download": "current"}),
    ("training:staff_completion_import", {"download": "template"}),
    ("training:staff_completion_import", {"download": "current"}),
    ("training:certificate", {}),
    ("incidents:incident_list", {"export": "csv"}),
    ("incidents:enforcementaction_list", {"export": "csv"}),
    ("incidents:activity_list", {"export": "csv"}),
    ("incidents:import", {"download": "template"}),
    ("incidents:import", {"download": "records"}),
    ("accountability:complaint_list", {"export": "csv"}),
    ("accountability:enrollment", {"download": "template"}),
    ("accountability:enrollment", {"format": "csv"}),
    ("accountability:surveys", {"download": "template"}),
    ("accountability:surveys", {"export": "csv"}),
    ("accountability:report_enforcement", {"format": "csv"}),
    ("accountability:report_districts", {"format": "csv"}),
    ("accountability:report_activity", {"format": "csv"}),
    ("accountability:report_complaints", {"format": "csv"}),
    ("accountability:report_training", {"format": "csv"}),
]
# Queries that turn a page into a file somewhere on the site.
FILE_QUERIES = [
    {"export": "csv"},
    {"format": "csv"},
    {"download": "template"},
    {"download": "current"},
    {"download": "records"},
]
# Names of the other tenant's records (tests/conftest.py make_tenant) that no local role's file
# may carry. Courses and providers are shared by every district, so they are not among them.
OUTSIDE = ["other High School", "other Middle School", "other Program", "other Police Department"]
OUTSIDE += ["other teacher", "other.sro", "other.district"]


def is_file(response):
    return response.status_code == 200 and "attachment" in response.get("Content-Disposition", "")


def first_role(name):
    return Role.STATE_STAFF if Role.STATE_STAFF in EXPECTED[name] else min(EXPECTED[name])


def test_every_file_the_site_hands_out_is_in_the_sweep(client, tenant, state_staff):
    listed = {(name, tuple(query.items())) for name, query in DOWNLOADS}
    found = set()
    for name in sorted(EXPECTED.keys() - POST_ONLY):
        client.force_login(users_by_role(tenant, state_staff)[first_role(name)])
        url = url_for(name, tenant)
        if is_file(client.get(url)):
            found.add((name, ()))
            continue  # a file whatever the query
        for query in FILE_QUERIES:
            if is_file(client.get(url, query)):
                found.add((name, tuple(query.items())))
    assert found == listed


DOWNLOAD_ACCESS = [(name, query, role) for name, query in DOWNLOADS for role in Role]


@pytest.mark.parametrize(("name", "query", "role"), DOWNLOAD_ACCESS)
def test_each_file_goes_to_the_roles_of_its_page_with_their_scope_only(
    client, tenant, other_tenant, state_staff, name, query, role
):
    client.force_login(users_by_role(tenant, state_staff)[role])
    response = client.get(url_for(name, tenant), query)
    if role not in EXPECTED[name]:
        assert response.status_code == 403
        return
    assert is_file(response)
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    if role != Role.STATE_STAFF and response["Content-Type"].startswith("text/csv"):
        text = content.decode("utf-8-sig")
        assert not [n for n in OUTSIDE if n in text], text[:500]
    if kwargs_for(name, tenant):  # a file of one object: another district's answers 404
        assert client.get(url_for(name, other_tenant), query).status_code == (
            200 if role == Role.STATE_STAFF else 404
        )


def test_another_districts_names_do_show_in_a_statewide_file(client, other_tenant, state_staff):
    """So that their absence from a local role's file above means something."""
    client.force_login(state_staff)
    for name in ("directory:school_list", "programs:program_list", "training:staff_list"):
        text = client.get(reverse(name), {"export": "csv"}).content.decode("utf-8-sig")
        assert [n for n in OUTSIDE if n in text], name
