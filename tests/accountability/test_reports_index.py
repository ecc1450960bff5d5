"""The Reports page: every report and record list a person may open, and none they may not."""

import pytest
from django.urls import reverse

from sro_portal.roles import Role

pytestmark = pytest.mark.django_db


def offered(client, user):
    client.force_login(user)
    response = client.get(reverse("accountability:reports"))
    assert response.status_code == 200
    return {
        link["url"] for link in response.context["report_links"] + response.context["record_links"]
    }


def test_a_district_administrator_finds_every_report_and_list_of_their_work(client, tenant):
    links = offered(client, tenant.district_admin)
    for name in [
        "accountability:report_enforcement",
        "accountability:report_activity",
        "accountability:report_complaints",
        "accountability:report_training",
        "incidents:enforcementaction_list",
        "incidents:activity_list",
        "accountability:enrollment",
    ]:
        assert reverse(name) in links, name
    assert reverse("accountability:report_districts") not in links, "state staff only"


def test_an_sro_is_offered_only_what_an_sro_may_open(client, tenant):
    links = offered(client, tenant.sro)
    assert reverse("accountability:report_activity") in links
    for name in [
        "accountability:report_enforcement",
        "accountability:report_complaints",
        "accountability:complaint_list",
        "accountability:enrollment",
    ]:
        assert reverse(name) not in links, name
    for url in links:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.BUILDING_ADMIN, Role.AGENCY_SUPERVISOR])
def test_every_link_offered_opens(client, tenant, role):
    user = {
        Role.BUILDING_ADMIN: tenant.building_admin,
        Role.AGENCY_SUPERVISOR: tenant.agency_supervisor,
    }[role]
    for url in offered(client, user):
        assert client.get(url).status_code == 200, url


def test_state_staff_are_offered_the_district_comparison(client, state_staff):
    assert reverse("accountability:report_districts") in offered(client, state_staff)
