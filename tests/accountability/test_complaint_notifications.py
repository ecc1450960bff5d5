"""A new complaint reaches its handlers at once: by email, and at the top of their home page."""

import datetime
import logging
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accountability import services
from accountability.management.commands.seed_demo import DEMO_PASSWORD
from accountability.models import Complaint
from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from sro_portal.roles import Role
from tests.factories import ComplaintFactory, MembershipFactory, user_with_role
from training.summary import refresh_all

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DESCRIPTION = "The officer pushed my son against the lockers after lunch."
OFFICER = "Officer Jameson"
COMPLAINANT = ("Maria Lopez", "maria.lopez@example.org", "608-555-0147")
SUBJECT = "New complaint about an SRO to acknowledge"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def file_on_the_form(client, tenant, **overrides):
    name, email, phone = COMPLAINANT
    data = {
        "school": tenant.school.pk,
        "officer_name": OFFICER,
        "occurred_on": "",
        "description": DESCRIPTION,
        "contact_name": name,
        "contact_email": email,
        "contact_phone": phone,
        "reply_by": "email",
        "website": "",
        **overrides,
    }
    return client.post(reverse("accountability:complaint_create"), data)


def new_complaint_messages(outbox):
    return [message for message in outbox if message.subject.startswith(SUBJECT)]


def filed(tenant):
    return Complaint.objects.filter(program=tenant.program).exclude(pk=tenant.complaint.pk).get()


def shown(day):
    """A date as pages and messages show it (Dec. 4, 2026)."""
    return date_format(day, "N j, Y")


def test_filing_emails_the_programs_administrators_and_supervisors_once_each(
    client, tenant, other_tenant, mailoutbox, django_capture_on_commit_callbacks
):
    # Both roles in the program: one message all the same.
    both = user_with_role(Role.DISTRICT_ADMIN, district=tenant.district, username="both")
    MembershipFactory(user=both, role=Role.AGENCY_SUPERVISOR, agency=tenant.agency)
    gone = user_with_role(Role.DISTRICT_ADMIN, district=tenant.district, is_active=False)
    user_with_role(Role.AGENCY_SUPERVISOR, agency=tenant.agency, email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = file_on_the_form(client, tenant)
    assert response.url == reverse("accountability:complaint_thanks")
    complaint = filed(tenant)

    messages = new_complaint_messages(mailoutbox)
    # One message per person, each seeing only their own address.
    assert sorted(message.to[0] for message in messages) == sorted(
        [tenant.district_admin.email, tenant.agency_supervisor.email, both.email]
    )
    assert all(len(message.to) == 1 for message in messages)
    for somebody in (
        other_tenant.district_admin,
        other_tenant.agency_supervisor,
        tenant.sro,
        tenant.building_admin,
        gone,
    ):
        assert all(somebody.email not in message.to for message in mailoutbox)
    # The complainant still gets their own receipt, apart.
    assert [m.to for m in mailoutbox if m not in messages] == [[COMPLAINANT[1]]]

    message = messages[0]
    assert message.subject == f"{SUBJECT}: {complaint.tracking_code}"
    assert tenant.program.name in message.body
    assert f"{settings.SITE_URL}{complaint.get_absolute_url()}" in message.body
    assert f"received on {shown(timezone.localtime(complaint.received_at))}." in message.body
    assert f"due by {shown(complaint.acknowledge_by)}." in message.body
    for secret in (DESCRIPTION, OFFICER, *COMPLAINANT):
        assert secret not in message.body and secret not in message.subject


def test_a_complaint_filed_in_spanish_is_announced_to_its_handlers_in_english(
    client, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("set_language"), {"language": "es", "next": "/"})
        file_on_the_form(client, tenant, contact_email="", reply_by="tracking_page")
    assert filed(tenant).language == "es"
    messages = new_complaint_messages(mailoutbox)
    assert messages and all("was received on" in message.body for message in messages)


def test_the_link_starts_from_the_site_url_setting(
    client, tenant, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://sro.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        file_on_the_form(client, tenant)
    url = f"https://sro.example.org/accountability/complaints/{filed(tenant).pk}/"
    messages = new_complaint_messages(mailoutbox)
    assert messages and all(url in message.body for message in messages)


def file_then_fail(tenant):
    with transaction.atomic():
        services.complaint_file(
            actor=Actor(user=None),
            complaint=Complaint(program=tenant.program, description=DESCRIPTION),
        )
        raise RuntimeError("a later step of the same request failed")


def test_a_filing_rolled_back_sends_nothing(tenant, mailoutbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        file_then_fail(tenant)
    assert callbacks == []
    assert mailoutbox == []
    assert list(Complaint.objects.all()) == [tenant.complaint]


def test_a_mail_server_that_fails_is_logged_and_the_complaint_stands(
    client, tenant, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch("accountability.services.send_mail", side_effect=ConnectionRefusedError),
        caplog.at_level(logging.ERROR, logger="accountability.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = file_on_the_form(client, tenant)
    assert response.url == reverse("accountability:complaint_thanks")
    complaint = filed(tenant)
    # The complainant's receipt and the two handlers' messages: each failure logged on its own,
    # without the address it was for.
    failures = [r for r in caplog.records if r.exc_info]
    assert len(failures) == 3
    assert all(COMPLAINANT[1] not in r.getMessage() for r in failures)
    assert any(complaint.tracking_code in r.getMessage() for r in failures)


def test_filing_through_the_service_notifies_whoever_calls_it(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    # The demo and any command file this way, with no request and no signed-in person.
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.complaint_file(
            actor=Actor(user=None),
            complaint=Complaint(program=tenant.program, description=DESCRIPTION),
        )
    assert sorted(m.to[0] for m in new_complaint_messages(mailoutbox)) == sorted(
        [tenant.district_admin.email, tenant.agency_supervisor.email]
    )
    assert complaint.tracking_code in mailoutbox[0].subject


def test_a_complaint_added_in_the_admin_is_filed_as_on_the_form(
    client, tenant, state_staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(state_staff)
    data = {
        "program": tenant.program.pk,
        "school": tenant.school.pk,
        "description": DESCRIPTION,
        "reply_by": "tracking_page",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
        "history-MIN_NUM_FORMS": "0",
        "history-MAX_NUM_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:accountability_complaint_add"), data)
    assert response.status_code == 302
    complaint = filed(tenant)
    assert complaint.acknowledge_by == TODAY + datetime.timedelta(days=5)
    assert list(complaint.history.values_list("to_status", flat=True)) == ["received"]
    assert (
        AuditLog.objects.filter(
            action="create", content_type__model="complaint", object_id=str(complaint.pk)
        ).count()
        == 1
    )
    assert sorted(m.to[0] for m in new_complaint_messages(mailoutbox)) == sorted(
        [tenant.district_admin.email, tenant.agency_supervisor.email]
    )


# The home page.


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", ["district_admin", "agency_supervisor"])
def test_the_programs_handlers_see_a_new_complaint_at_the_top_of_their_home(
    client, tenant, other_tenant, role
):
    response = home(client, getattr(tenant, role))
    [listed] = response.context["complaints_to_acknowledge"]
    assert listed == tenant.complaint
    page = response.content.decode()
    main = page[page.index("<main") :]
    # The first heading after the greeting, before anything else needing attention.
    assert main.index("Complaints to acknowledge") < main.index("Needs your attention")
    assert f'<a href="{tenant.complaint.get_absolute_url()}">{tenant.complaint.tracking_code}' in (
        main
    )
    received = timezone.localtime(tenant.complaint.received_at)
    assert f"<td>{shown(received)}</td><td>{shown(tenant.complaint.acknowledge_by)}</td>" in (
        "".join(line.strip() for line in main.splitlines())
    )
    assert "<td>5 days</td>" in main
    assert other_tenant.complaint.tracking_code not in page
    assert tenant.complaint.description not in page


@pytest.mark.parametrize("role", ["district_admin", "agency_supervisor"])
def test_another_districts_handlers_do_not_see_it(client, tenant, other_tenant, role):
    response = home(client, getattr(other_tenant, role))
    assert response.context["complaints_to_acknowledge"] == [other_tenant.complaint]
    assert tenant.complaint.tracking_code not in response.content.decode()


@pytest.mark.parametrize("role", ["sro", "building_admin"])
def test_people_who_do_not_handle_complaints_are_not_shown_them(client, tenant, role):
    response = home(client, getattr(tenant, role))
    assert "complaints_to_acknowledge" not in response.context
    assert tenant.complaint.tracking_code not in response.content.decode()


def test_the_list_counts_down_and_leaves_out_acknowledged_ones(client, tenant):
    Complaint.objects.filter(pk=tenant.complaint.pk).update(acknowledge_by=TODAY)
    late = ComplaintFactory(program=tenant.program, acknowledge_by=TODAY - datetime.timedelta(2))
    tomorrow = ComplaintFactory(
        program=tenant.program, acknowledge_by=TODAY + datetime.timedelta(1)
    )
    ComplaintFactory(program=tenant.program, status=Complaint.Status.ACKNOWLEDGED)
    response = home(client, tenant.district_admin)
    listed = response.context["complaints_to_acknowledge"]
    # The nearest deadline first; the late one too, counted in days late.
    assert listed == [late, tenant.complaint, tomorrow]
    assert [c.days_left for c in listed] == [-2, 0, 1]
    page = response.content.decode()
    assert "2 days late" in page and "Due today" in page and "<td>1 day</td>" in page


@pytest.mark.parametrize("size", [1, 12])
def test_the_home_page_runs_a_fixed_number_of_queries_whatever_the_complaints(
    client, tenant, django_assert_max_num_queries, size
):
    ComplaintFactory.create_batch(size, program=tenant.program, school=tenant.school)
    refresh_all()  # the compliance summary, as the services and the daily command keep it
    for user in (tenant.district_admin, tenant.agency_supervisor):
        client.force_login(user)
        with django_assert_max_num_queries(25):
            response = client.get(reverse("home"))
        assert len(response.context["complaints_to_acknowledge"]) == min(size + 1, 10)


# The demo.


def test_seed_demo_ends_with_the_logins_and_prints_no_email(tmp_path):
    """`make run` seeds with the local settings, whose console backend prints every email:
    the demo's own messages stay out of it, and the logins come last."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="sro_portal.settings.local",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DJANGO_SITE_URL="http://127.0.0.1:8000",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    )

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--noinput", "--verbosity", "0")
    output = manage("seed_demo")
    assert "Subject:" not in output
    ready, password, *logins = output.splitlines()
    assert ready == "Demo data is ready. Sign in at http://127.0.0.1:8000"
    assert password == f"Every demo login uses the password: {DEMO_PASSWORD}"
    assert len(logins) >= 5 and all(line.startswith("  ") for line in logins)
    assert any("district.lakeshore" in line for line in logins)

    # Once the site runs, a complaint filed prints its emails as before.
    later = manage(
        "shell",
        "-c",
        "from accountability import services; from accountability.models import Complaint; "
        "from programs.models import Program; from sro_portal.audit import Actor; "
        "program = Program.objects.get(name__contains='Lakeshore'); "
        "services.complaint_file(actor=Actor(user=None), "
        "complaint=Complaint(program=program, description='Seen at dismissal.'))",
    )
    assert f"Subject: {SUBJECT}" in later
