"""Every response carries the portal's policies, and error pages tell a visitor nothing about
the portal's insides."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path, reverse

from sro_portal import urls as portal_urls

pytestmark = pytest.mark.django_db
SECRET_DETAIL = "table sro_portal_secret at /srv/portal/views.py line 42"


def fails(request):
    raise RuntimeError(SECRET_DETAIL)


def refuses(request):
    raise PermissionDenied(SECRET_DETAIL)


def misreads(request):
    raise SuspiciousOperation(SECRET_DETAIL)


urlpatterns = [
    path("fails/", fails),
    path("refuses/", refuses),
    path("misreads/", misreads),
    *portal_urls.urlpatterns,
]


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_sends_the_content_permissions_and_referrer_policies(client, tenant, signed_in):
    if signed_in:
        client.force_login(tenant.district_admin)
    for url in (reverse("login"), reverse("home"), reverse("accountability:complaint_create")):
        response = client.get(url)
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
        assert "script-src 'self';" in response["Content-Security-Policy"]
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/fails/", 500, "Something went wrong"),
        ("/refuses/", 403, "Not allowed"),
        ("/misreads/", 400, "Request not understood"),
        ("/no-such-page/<b>sro_portal_secret</b>/", 404, "Not found"),
    ],
)
def test_error_pages_reveal_nothing(settings, url, status, heading):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get(url)
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page
    for leak in ("sro_portal_secret", "Traceback", "/srv/portal", "Django", "Python", "line 42"):
        assert leak not in page
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "Permissions-Policy" in response
