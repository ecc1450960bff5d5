"""A create form posted twice creates one record; a refused sending can be sent again."""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from programs.models import Program
from sro_portal.models import FormSubmission
from sro_portal.submission import FIELD

pytestmark = pytest.mark.django_db


def program_form(client, **data):
    form = client.get(reverse("programs:program_create")).context["form"]
    return {"name": "Safe Schools", "purpose": "Trust", **data, FIELD: form[FIELD].value()}


def test_every_create_form_carries_a_fresh_token(client, tenant):
    client.force_login(tenant.district_admin)
    first = client.get(reverse("programs:program_create")).context["form"][FIELD].value()
    second = client.get(reverse("programs:program_create")).context["form"][FIELD].value()
    assert len(first) == 32 and first != second


def test_the_same_form_posted_twice_creates_one_record_and_shows_it(client, tenant):
    client.force_login(tenant.district_admin)
    data = program_form(client, district=tenant.district.pk, agency=tenant.agency.pk)
    first = client.post(reverse("programs:program_create"), data)
    second = client.post(reverse("programs:program_create"), data, follow=True)
    program = Program.objects.get(name="Safe Schools")
    assert first.url == program.get_absolute_url()
    assert second.redirect_chain[-1][0] == program.get_absolute_url()
    assert "sent twice; it was saved once" in second.content.decode()
    assert FormSubmission.objects.get(token=data[FIELD]).created == program


def test_a_refused_sending_does_not_use_up_its_token(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    data = program_form(client, district=tenant.district.pk, agency=tenant.agency.pk)
    refused = client.post(reverse("programs:program_create"), {**data, "name": ""})
    assert "name" in refused.context["form"].errors
    assert not FormSubmission.objects.filter(token=data[FIELD]).exists()
    client.post(reverse("programs:program_create"), data)
    assert Program.objects.filter(name="Safe Schools").count() == 1


def test_a_damaged_token_is_refused_beside_the_form(client, tenant):
    client.force_login(tenant.district_admin)
    data = program_form(client, district=tenant.district.pk, agency=tenant.agency.pk)
    response = client.post(reverse("programs:program_create"), {**data, FIELD: "<script>"})
    assert FIELD in response.context["form"].errors
    assert response.context["form"]["name"].value() == "Safe Schools"
    assert not Program.objects.filter(name="Safe Schools").exists()


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_the_same_instant_create_one_record(tenant):
    """The database's unique index decides between two requests racing each other."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database takes one writer at a time")
    from django.test import Client

    clients = [Client(), Client()]
    for client in clients:
        client.force_login(tenant.district_admin)
    data = program_form(clients[0], district=tenant.district.pk, agency=tenant.agency.pk)
    barrier = threading.Barrier(2)
    statuses = []

    def send(client):
        try:
            barrier.wait()
            statuses.append(client.post(reverse("programs:program_create"), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert Program.objects.filter(name="Safe Schools").count() == 1


@pytest.mark.parametrize("token", ["\x00" * 32, "a" * 31 + "\x00", "not-a-token", "A" * 32])
def test_a_malformed_token_is_never_looked_up(token, django_assert_num_queries):
    from sro_portal.submission import sent_before

    with django_assert_num_queries(0):
        assert sent_before(token) is None


def test_a_repeat_checked_while_the_first_was_saved_is_still_the_repeat(client, tenant):
    """The second sending was looked up before the first was saved, then refused as a duplicate
    of what the first made: it answers as a repeat, not with the form and an error."""
    from sro_portal import submission

    client.force_login(tenant.district_admin)
    data = program_form(client, district=tenant.district.pk, agency=tenant.agency.pk)
    client.post(reverse("programs:program_create"), data)
    program = Program.objects.get(name="Safe Schools")
    real = submission.sent_before
    calls = iter([None])
    with mock.patch.object(
        submission, "sent_before", side_effect=lambda token: next(calls, real(token))
    ):
        second = client.post(reverse("programs:program_create"), data)
    assert second.status_code == 302 and second.url == program.get_absolute_url()
    assert Program.objects.filter(name="Safe Schools").count() == 1
