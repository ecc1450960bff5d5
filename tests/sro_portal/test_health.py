from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.urls import reverse

from sro_portal.models import AuditLog

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_with_one_query_and_leaves_no_trace(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")

    assert reverse("healthz") == "/healthz"
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert not Session.objects.exists()
    assert not AuditLog.objects.exists()


def test_healthz_answers_a_probe_by_head(client):
    assert client.head("/healthz").status_code == 200


def test_healthz_refuses_a_post(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch("sro_portal.views.connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
