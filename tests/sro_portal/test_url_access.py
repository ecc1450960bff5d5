"""A sweep over every named URL: who may open it, who may not, and what lies outside one's scope."""

from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sro_portal.models import User
from sro_portal.roles import Role
from tests.conftest import make_tenant
from tests.factories import RatingLinkFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    """One pair of tenants for the whole sweep, built once per module: its hundreds of tests only
    open pages, and what one of them writes (audit entries, a sign-in) rolls back with it, inside
    this module's own transaction."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            yield SimpleNamespace(
                tenant=with_rating_round(make_tenant("home")),
                other_tenant=with_rating_round(make_tenant("other")),
                state_staff=user_with_role(Role.STATE_STAFF, username="state"),
            )
            transaction.set_rollback(True)
    finally:
        media.disable()


def with_rating_round(tenant):
    """A stakeholders' rating round of the tenant's program, with one link, for its pages."""
    tenant.rating_link = RatingLinkFactory(
        round__program=tenant.program, round__created_by=tenant.district_admin
    )
    tenant.rating_round = tenant.rating_link.round
    return tenant


@pytest.fixture
def tenant(shared):
    return shared.tenant


@pytest.fixture
def other_tenant(shared):
    return shared.other_tenant


@pytest.fixture
def state_staff(shared):
    return shared.state_staff


@pytest.fixture(autouse=True)
def media_root():
    """The shared tenants' certificates stay in the folder they were stored in."""


# Pages anyone may open without signing in.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "accountability:complaint_create",
    "accountability:complaint_thanks",
    "accountability:complaint_status",
    "public:home",
    "public:district",
    "programs:rate_link",
    "programs:rate",
    "healthz",
}
# Public pages whose URL names a district (tested in tests/accountability/test_public_pages.py)
# or that open only from a rating link (tests/programs/test_rating_rounds.py).
PUBLIC_WITH_ARGUMENTS = {"public:district", "programs:rate_link", "programs:rate"}
# Public pages that only redirect a plain visit (POST only, or nothing to show yet).
REDIRECTING_PUBLIC = {
    "logout",
    "password_reset_confirm",
    "set_language",
    "accountability:complaint_thanks",
}
EVERY_ROLE = frozenset(Role)
DIRECTORY = frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN})
AGENCIES = frozenset({Role.STATE_STAFF, Role.AGENCY_SUPERVISOR, Role.SRO})
DECIDERS = frozenset({Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR})
OVERSEERS = EVERY_ROLE - {Role.SRO}
SRO = frozenset({Role.SRO})
HANDLERS = frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR})
ROSTER_KEEPERS = frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN})
PART_MODELS = [
    "responsibility",
    "protocolentry",
    "selectioncriterion",
    "candidate",
    "candidaterating",
    "position",
    "propertyarea",
    "outreachcomponent",
]
# Written out here, apart from the views, so that a change to a view's roles must be deliberate.
EXPECTED = {
    "home": EVERY_ROLE,
    "password_change": EVERY_ROLE,
    "two_factor:verify": EVERY_ROLE,
    "two_factor:setup": EVERY_ROLE,
    "two_factor:recovery_codes": EVERY_ROLE,
    "directory:district_list": DIRECTORY,
    "directory:district_detail": DIRECTORY,
    "directory:school_list": DIRECTORY,
    "directory:school_detail": DIRECTORY,
    "directory:agency_list": AGENCIES,
    "directory:agency_detail": AGENCIES,
    "programs:program_list": EVERY_ROLE,
    "programs:program_create": frozenset({Role.DISTRICT_ADMIN}),
    "programs:program_detail": EVERY_ROLE,
    "programs:program_update": DECIDERS,
    "programs:program_status": DECIDERS,
    "programs:needs_assessment": DECIDERS,
    "programs:responsibilities_approve": DECIDERS,
    "programs:mou_create": DECIDERS,
    "programs:mou_detail": EVERY_ROLE,
    "programs:mou_update": DECIDERS,
    "programs:mou_approve": DECIDERS,
    "programs:mou_sign": DECIDERS,
    "programs:mou_review": DECIDERS,
    "programs:mou_drafter_create": DECIDERS,
    "programs:mou_drafter_delete": DECIDERS,
    "programs:assignment_create": DECIDERS,
    "programs:assignment_update": DECIDERS,
    "programs:ratinground_list": HANDLERS,
    "programs:ratinground_detail": HANDLERS,
    "programs:ratinground_create": frozenset({Role.DISTRICT_ADMIN}),
    "programs:ratinground_revoke": frozenset({Role.DISTRICT_ADMIN}),
    "programs:ratinglink_revoke": frozenset({Role.DISTRICT_ADMIN}),
    **{
        f"programs:{m}_{action}": DECIDERS
        for m in PART_MODELS
        for action in ("create", "update", "delete")
    },
    "training:my_training": EVERY_ROLE,
    "training:person_training": EVERY_ROLE,
    "training:course_list": EVERY_ROLE,
    "training:course_detail": EVERY_ROLE,
    "training:provider_list": EVERY_ROLE,
    "training:requirement_list": EVERY_ROLE,
    "training:requirement_create": DECIDERS,
    "training:requirement_update": DECIDERS,
    "training:requirement_delete": DECIDERS,
    "training:completion_create": EVERY_ROLE,
    "training:completion_verify": OVERSEERS,
    "training:certificate": EVERY_ROLE,
    "training:compliance": OVERSEERS,
    "training:staff_list": ROSTER_KEEPERS,
    "training:staff_create": ROSTER_KEEPERS,
    "training:staff_import": frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN}),
    "training:staff_completion_import": frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN}),
    "training:staff_detail": ROSTER_KEEPERS,
    "training:staff_update": ROSTER_KEEPERS,
    "training:staff_completion_create": ROSTER_KEEPERS,
    "training:staff_link": ROSTER_KEEPERS,
    "incidents:activity_week": SRO,
    "incidents:activity_create": SRO,
    "incidents:activity_change": SRO,
    "incidents:incident_list": EVERY_ROLE,
    "incidents:incident_create": SRO,
    "incidents:incident_detail": EVERY_ROLE,
    "incidents:incident_review": frozenset({Role.DISTRICT_ADMIN}),
    "incidents:enforcementaction_create": frozenset({Role.SRO, Role.AGENCY_SUPERVISOR}),
    "incidents:enforcementaction_list": EVERY_ROLE,
    "incidents:import": frozenset({Role.STATE_STAFF, Role.AGENCY_SUPERVISOR}),
    "incidents:activity_list": OVERSEERS,
    "accountability:complaint_list": HANDLERS,
    "accountability:complaint_detail": HANDLERS,
    "accountability:complaint_change_status": HANDLERS,
    "accountability:complaint_reviewer": HANDLERS,
    "accountability:enrollment": frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN}),
    "accountability:surveys": frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN}),
    "accountability:reports": EVERY_ROLE,
    "accountability:report_enforcement": OVERSEERS,
    "accountability:report_districts": frozenset({Role.STATE_STAFF}),
    "accountability:program": EVERY_ROLE,
    "accountability:settings": DECIDERS,
    "accountability:evaluation_plan": DECIDERS,
    "accountability:evaluation_create": DECIDERS,
    "accountability:evaluation_detail": OVERSEERS,
    "accountability:meeting_create": EVERY_ROLE,
    "accountability:contact_create": DECIDERS,
    "accountability:contact_update": DECIDERS,
    "accountability:contact_delete": DECIDERS,
    "accountability:expectation_create": DECIDERS,
    "accountability:expectation_update": DECIDERS,
    "accountability:expectation_delete": DECIDERS,
    "accountability:expectations_agree": DECIDERS,
    "accountability:report_activity": EVERY_ROLE,
    "accountability:report_complaints": HANDLERS,
    "accountability:report_training": OVERSEERS,
    "accountability:public_page_settings": frozenset({Role.DISTRICT_ADMIN}),
    "accountability:public_page_preview": frozenset({Role.DISTRICT_ADMIN}),
}
# The main navigation: each role sees the pages of it that it may open.
NAVIGATION = [
    "programs:program_list",
    "directory:district_list",
    "directory:school_list",
    "directory:agency_list",
    "incidents:activity_week",
    "incidents:incident_list",
    "accountability:complaint_list",
    "training:my_training",
    "training:compliance",
    "accountability:reports",
]
# Pages that take POST only: a permitted GET answers 405.
POST_ONLY = {
    "programs:responsibilities_approve",
    "programs:mou_approve",
    "programs:ratinground_revoke",
    "programs:ratinglink_revoke",
    "training:completion_verify",
    "training:staff_link",
    "accountability:complaint_change_status",
    "accountability:complaint_reviewer",
    "accountability:expectations_agree",
}


def kwargs_for(name, t):
    """The URL arguments of each page, taken from a tenant."""
    model = name.split(":")[-1].rsplit("_", 1)[0]
    training = {
        "training:person_training": {"pk": t.sro.pk},
        "training:course_detail": {"pk": t.course.pk},
        "training:requirement_update": {"program_pk": t.program.pk, "pk": t.requirement.pk},
        "training:requirement_delete": {"program_pk": t.program.pk, "pk": t.requirement.pk},
        "training:requirement_create": {"program_pk": t.program.pk},
        "training:completion_verify": {"pk": t.completion.pk},
        "training:certificate": {"pk": t.completion.pk},
        "training:staff_detail": {"pk": t.staff_member.pk},
        "training:staff_update": {"pk": t.staff_member.pk},
        "training:staff_completion_create": {"staff_pk": t.staff_member.pk},
        "training:staff_link": {"staff_pk": t.staff_member.pk},
    }
    if name.startswith("training:"):
        return training.get(name, {})
    incidents = {
        "incidents:activity_change": {"pk": t.entry.pk},
        "incidents:incident_detail": {"pk": t.incident.pk},
        "incidents:incident_review": {"pk": t.incident.pk},
        "incidents:enforcementaction_create": {"pk": t.incident.pk},
    }
    if name.startswith("incidents:"):
        return incidents.get(name, {})
    accountability = {
        "accountability:complaint_detail": {"pk": t.complaint.pk},
        "accountability:complaint_change_status": {"pk": t.complaint.pk},
        "accountability:complaint_reviewer": {"pk": t.complaint.pk},
        "accountability:enrollment": {},
        "accountability:surveys": {},
        "accountability:reports": {},
        "accountability:report_enforcement": {},
        "accountability:report_districts": {},
        "accountability:public_page_settings": {},
        "accountability:public_page_preview": {"district_pk": t.district.pk},
        "accountability:evaluation_detail": {"pk": t.evaluation.pk},
        "accountability:contact_update": {"program_pk": t.program.pk, "pk": t.contact.pk},
        "accountability:contact_delete": {"program_pk": t.program.pk, "pk": t.contact.pk},
        "accountability:expectation_update": {"program_pk": t.program.pk, "pk": t.expectation.pk},
        "accountability:expectation_delete": {"program_pk": t.program.pk, "pk": t.expectation.pk},
    }
    if name.startswith("accountability:"):
        if name in accountability:
            return accountability[name]
        if name.startswith("accountability:report_"):
            return {}
        if name in {"accountability:complaint_list"}:
            return {}
        return {"program_pk": t.program.pk}
    if name in {"directory:district_detail"}:
        return {"pk": t.district.pk}
    if name == "directory:school_detail":
        return {"pk": t.school.pk}
    if name == "directory:agency_detail":
        return {"pk": t.agency.pk}
    if name in {"programs:program_detail", "programs:program_update"}:
        return {"pk": t.program.pk}
    if name == "programs:mou_detail":
        return {"pk": t.mou.pk}
    if name == "programs:mou_drafter_delete":
        return {"mou_pk": t.mou.pk, "pk": t.drafter.pk}
    if name.startswith("programs:mou_") and name != "programs:mou_create":
        return {"mou_pk": t.mou.pk}
    if name == "programs:assignment_update":
        return {"program_pk": t.program.pk, "pk": t.assignment.pk}
    if name in {"programs:ratinground_detail", "programs:ratinground_revoke"}:
        return {"program_pk": t.program.pk, "pk": t.rating_round.pk}
    if name == "programs:ratinglink_revoke":
        return {"program_pk": t.program.pk, "round_pk": t.rating_round.pk, "pk": t.rating_link.pk}
    if model in PART_MODELS and not name.endswith("_create"):
        return {"program_pk": t.program.pk, "pk": t.parts[model].pk}
    if name.startswith("programs:") and name not in {
        "directory:district_list",
        "directory:school_list",
        "directory:agency_list",
        "programs:program_list",
        "programs:program_create",
    }:
        return {"program_pk": t.program.pk}
    return {}


def named_urls(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def allowed_status(name):
    return 405 if name in POST_ONLY else 200


def url_for(name, tenant):
    return reverse(name, kwargs=kwargs_for(name, tenant))


class _AnyTenant:
    """Stands in for a tenant to tell which pages take an object in their URL."""

    pk = 1
    parts = defaultdict(lambda: _AnyTenant)

    def __getattr__(self, name):
        return _AnyTenant


OBJECT_PAGES = sorted(n for n in EXPECTED if kwargs_for(n, _AnyTenant()))


def users_by_role(tenant, state_staff):
    return {
        Role.STATE_STAFF: state_staff,
        Role.DISTRICT_ADMIN: tenant.district_admin,
        Role.BUILDING_ADMIN: tenant.building_admin,
        Role.AGENCY_SUPERVISOR: tenant.agency_supervisor,
        Role.SRO: tenant.sro,
    }


def test_every_named_url_is_either_public_or_has_an_expectation():
    names = set(named_urls())
    assert names - PUBLIC == set(EXPECTED), "add the new URL to EXPECTED (or PUBLIC) above"


@pytest.mark.parametrize("name", sorted(EXPECTED.keys() - {"home"}))
def test_anonymous_visitors_are_sent_to_login(client, tenant, name):
    url = url_for(name, tenant)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_anonymous_visitors_to_home_land_on_the_public_pages(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("public:home")


@pytest.mark.parametrize("name", sorted(PUBLIC - REDIRECTING_PUBLIC - PUBLIC_WITH_ARGUMENTS))
def test_public_pages_open_without_login(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_opens_what_it_may_and_nothing_else(client, tenant, state_staff, role, name):
    client.force_login(users_by_role(tenant, state_staff)[role])
    response = client.get(url_for(name, tenant))
    assert response.status_code == (allowed_status(name) if role in EXPECTED[name] else 403)
    # Nothing a signed-in person opens is kept by a browser or a proxy.
    assert "no-store" in response["Cache-Control"], name


@pytest.mark.parametrize("role", list(Role))
def test_navigation_offers_exactly_the_pages_the_role_may_open(client, tenant, state_staff, role):
    client.force_login(users_by_role(tenant, state_staff)[role])
    navigation = client.get(reverse("home")).context["navigation"]
    offered = {item["url"] for item in navigation}
    assert offered - {reverse("home"), reverse("admin:index")} == {
        reverse(n) for n in NAVIGATION if role in EXPECTED[n]
    }
    assert (reverse("admin:index") in offered) == (role == Role.STATE_STAFF)
    for url in offered:
        assert client.get(url).status_code == 200


# Shared by everyone, so never out of anyone's scope.
SHARED = {"training:course_detail"}
LOCAL_DETAIL_ACCESS = [
    (name, role)
    for name in OBJECT_PAGES
    if name not in SHARED
    for role in sorted(EXPECTED[name])
    if role != Role.STATE_STAFF
]


def open_page(client, name, url):
    """GET a page, or POST to a page that takes POST only (with nothing in it)."""
    return client.post(url) if name in POST_ONLY else client.get(url)


@pytest.mark.parametrize(("name", "role"), LOCAL_DETAIL_ACCESS)
def test_another_districts_object_answers_404(
    client, tenant, other_tenant, state_staff, name, role
):
    client.force_login(users_by_role(tenant, state_staff)[role])
    assert client.get(url_for(name, tenant)).status_code == allowed_status(name)
    assert open_page(client, name, url_for(name, other_tenant)).status_code == 404


@pytest.mark.parametrize(("name", "role"), LOCAL_DETAIL_ACCESS)
def test_a_missing_object_answers_like_an_out_of_scope_one(client, tenant, state_staff, name, role):
    client.force_login(users_by_role(tenant, state_staff)[role])
    missing = dict.fromkeys(kwargs_for(name, tenant), 999_999)
    assert open_page(client, name, reverse(name, kwargs=missing)).status_code == 404


def test_building_admin_sees_only_their_own_school_of_the_district(client, tenant):
    client.force_login(tenant.building_admin)
    assert client.get(tenant.school.get_absolute_url()).status_code == 200
    assert client.get(tenant.other_school.get_absolute_url()).status_code == 404


def test_state_staff_open_every_district(client, tenant, other_tenant, state_staff):
    client.force_login(state_staff)
    for district in (tenant.district, other_tenant.district):
        assert client.get(district.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", [r for r in Role if r != Role.STATE_STAFF])
def test_only_state_staff_enter_the_admin(client, tenant, state_staff, role):
    client.force_login(users_by_role(tenant, state_staff)[role])
    assert client.get(reverse("admin:index"), follow=True).status_code == 403
    client.force_login(state_staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_sends_anonymous_visitors_to_the_one_login_page(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))


def test_deactivated_account_sees_nothing(client, tenant):
    person = User.objects.get(pk=tenant.district_admin.pk)  # the shared object stays as it was
    person.is_active = False
    person.save()
    client.force_login(person)
    assert client.get(reverse("directory:district_list")).status_code == 302
