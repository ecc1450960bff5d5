"""Sign-in defences: lockout after repeated failures (per username and per address), its release
by state staff, throttled password resets, sessions that end, pages no cache keeps, and the
client address read the same way behind a proxy by every one of them."""

import time

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from sro_portal import middleware
from sro_portal.models import AuditLog
from sro_portal.network import client_ip
from sro_portal.roles import Role
from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def sign_in(client, username, password, address="203.0.113.5", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


@pytest.fixture
def officer(tenant):
    return tenant.district_admin


def test_five_failures_lock_the_username_even_with_the_right_password(client, officer):
    for _ in range(4):
        assert sign_in(client, officer.username, "wrong-password-123").status_code == 200
    assert sign_in(client, officer.username, "wrong-password-123").status_code == 429
    locked = sign_in(client, officer.username, PASSWORD, address="198.51.100.77")
    assert locked.status_code == 429
    assert "Sign-in locked for 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    lockouts = AuditLog.objects.filter(action=AuditLog.Action.LOCKED_OUT)
    assert lockouts.exists()
    assert {entry.actor_repr for entry in lockouts} == {officer.username}


def test_five_failures_from_one_address_lock_that_address_for_every_username(client, officer):
    for number in range(5):
        sign_in(client, f"nobody{number}", "wrong-password-123", address="192.0.2.44")
    assert sign_in(client, officer.username, PASSWORD, address="192.0.2.44").status_code == 429
    assert sign_in(client, officer.username, PASSWORD, address="192.0.2.45").status_code == 302


def test_four_failures_then_success_start_the_count_again(client, officer):
    for _ in range(4):
        sign_in(client, officer.username, "wrong-password-123")
    assert sign_in(client, officer.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, officer.username, "wrong-password-123")
    assert sign_in(client, officer.username, PASSWORD).status_code == 302


def test_state_staff_release_a_lockout_in_the_admin_and_it_is_audited(client, officer):
    for _ in range(5):
        sign_in(client, officer.username, "wrong-password-123")
    assert sign_in(client, officer.username, PASSWORD).status_code == 429
    staff = user_with_role(Role.STATE_STAFF, username="state.staff")
    client.force_login(staff)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert officer.username in client.get(changelist).content.decode()
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = client.post(
        changelist, {"action": "release", "_selected_action": attempts}, follow=True
    )
    assert "released" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert AuditLog.objects.filter(
        action=AuditLog.Action.DELETE, content_type__model="accessattempt"
    ).count() == len(attempts)
    client.logout()
    assert sign_in(client, officer.username, PASSWORD).status_code == 302


def test_no_one_else_sees_the_lockouts(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:axes_accessattempt_changelist"), follow=True)
    assert response.status_code == 403


def test_password_resets_are_throttled_per_address_and_per_email(client, officer, mailoutbox):
    url = reverse("password_reset")
    for _ in range(5):
        assert client.post(url, {"email": officer.email}).status_code == 302
    refused = client.post(url, {"email": officer.email}, REMOTE_ADDR="198.51.100.200")
    assert refused.status_code == 200
    assert "Too many reset requests" in refused.content.decode()
    assert len(mailoutbox) == 5
    other = client.post(url, {"email": "someone@example.org"})
    assert other.status_code == 200, "the address is spent too"


def test_a_session_ends_after_thirty_idle_minutes(client, officer, monkeypatch):
    client.force_login(officer)
    start = time.time()
    monkeypatch.setattr(middleware.time, "time", lambda: start + 29 * 60)
    assert client.get(reverse("home")).status_code == 200
    monkeypatch.setattr(middleware.time, "time", lambda: start + 29 * 60 + 31 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, officer, monkeypatch):
    client.force_login(officer)
    start = time.time()
    for minutes in range(20, 12 * 60, 20):
        monkeypatch.setattr(middleware.time, "time", lambda m=minutes: start + m * 60)
        assert client.get(reverse("home")).status_code == 200
    monkeypatch.setattr(middleware.time, "time", lambda: start + 12 * 3600 + 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_signing_in_starts_a_new_session(client, officer):
    client.get(LOGIN)
    client.cookies["sessionid"] = "planted-by-someone-else"
    sign_in(client, officer.username, PASSWORD)
    assert client.cookies["sessionid"].value != "planted-by-someone-else"


def test_a_disabled_account_or_a_removed_role_takes_effect_at_once(client, officer):
    client.force_login(officer)
    assert client.get(reverse("accountability:enrollment")).status_code == 200
    officer_district = officer.memberships.get().district
    officer.memberships.all().delete()
    assert client.get(reverse("accountability:enrollment")).status_code == 403
    officer.memberships.create(role=Role.DISTRICT_ADMIN, district=officer_district)
    assert client.get(reverse("accountability:enrollment")).status_code == 200
    officer.is_active = False
    officer.save()
    response = client.get(reverse("accountability:enrollment"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_signed_in_pages_and_complaint_pages_are_never_cached(client, officer):
    complaint_form = client.get(reverse("accountability:complaint_create"))
    assert complaint_form["Cache-Control"] == "no-store"
    client.force_login(officer)
    for name in ("home", "accountability:enrollment", "directory:school_list"):
        assert client.get(reverse(name))["Cache-Control"] == "no-store", name
    export = client.get(reverse("accountability:enrollment"), {"format": "csv"})
    assert export["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged entry on the left is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: the connection's address
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_lockout_and_the_audit_log_read_the_address_behind_the_proxy(client, officer, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        sign_in(
            client,
            f"x{_}",
            "wrong-password-123",
            address="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
    failed = AuditLog.objects.filter(action=AuditLog.Action.LOGIN_FAILED).first()
    assert failed.ip_address == "203.0.113.50"
    blocked = sign_in(
        client, officer.username, PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    assert blocked.status_code == 429
    other = sign_in(
        client, officer.username, PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.51"
    )
    assert other.status_code == 302, "visitors behind the proxy do not share one bucket"


def test_refusals_and_downloads_are_audited_for_signed_in_people(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    other_incident = reverse("incidents:incident_detail", args=[other_tenant.incident.pk])
    assert client.get(other_incident).status_code == 404
    assert client.get(reverse("admin:index"), follow=True).status_code == 403
    refused = AuditLog.objects.filter(action=AuditLog.Action.REFUSED).order_by("pk")
    assert [(e.actor, e.detail["status"], e.detail["path"]) for e in refused] == [
        (tenant.district_admin, 404, other_incident),
        (tenant.district_admin, 403, "/admin/login/"),
    ]
    export = client.get(reverse("incidents:enforcementaction_list"), {"export": "csv"})
    assert export.status_code == 200
    [download] = AuditLog.objects.filter(action=AuditLog.Action.DOWNLOAD)
    assert download.actor == tenant.district_admin
    assert download.detail["query"] == "export=csv"
    assert download.detail["file_name"].endswith(".csv")


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post(
        reverse("accountability:complaint_create"),
        data="x" * 2000,
        content_type="application/octet-stream",
    )
    assert response.status_code == 413


@pytest.mark.parametrize("weak", ["qwertyuiopas", "short-pass1", "123456789012", "password1234"])
def test_weak_passwords_are_refused_on_change_and_reset(client, officer, weak, mailoutbox):
    client.force_login(officer)
    changed = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert changed.status_code == 200 and changed.context["form"].errors["new_password2"]
    client.logout()
    client.post(reverse("password_reset"), {"email": officer.email})
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/reset/" in line)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    reset = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": weak, "new_password2": weak}
    )
    assert reset.status_code == 200 and reset.context["form"].errors["new_password2"]
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
