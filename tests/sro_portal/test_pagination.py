"""A list's page links keep the filters it was opened with."""

import pytest
from django.urls import reverse

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_the_next_page_keeps_the_filter(client, tenant):
    for _ in range(30):
        IncidentFactory(program=tenant.program, school=tenant.school, reported_by=tenant.sro)
    client.force_login(tenant.district_admin)
    response = client.get(reverse("incidents:incident_list"), {"school": "any", "page": 1})
    assert response.context["is_paginated"]
    assert "?school=any&amp;page=2" in response.content.decode()
    response = client.get(reverse("incidents:incident_list"), {"page": 2})
    assert "?page=1" in response.content.decode()
