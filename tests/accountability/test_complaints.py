"""Complaints: public intake, the tracking page, abuse protection, the workflow, deadlines."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accountability import services
from accountability.models import AccountabilitySettings, Complaint
from programs.models import Program
from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def complaint_data(tenant, **overrides):
    data = {
        "school": tenant.school.pk,
        "description": "The officer shouted at students.",
        "reply_by": "tracking_page",
        "officer_name": "",
        "occurred_on": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "website": "",
    }
    data.update(overrides)
    return data


def file(client, tenant, **overrides):
    return client.post(
        reverse("accountability:complaint_create"),
        complaint_data(tenant, **overrides),
        REMOTE_ADDR="198.51.100.9",
    )


def test_anyone_files_an_anonymous_complaint_and_gets_a_tracking_code_once(client, tenant):
    response = file(client, tenant)
    assert response.url == reverse("accountability:complaint_thanks")
    complaint = Complaint.objects.exclude(pk=tenant.complaint.pk).get()
    assert complaint.is_anonymous
    assert (complaint.program, complaint.district, complaint.agency) == (
        tenant.program,
        tenant.district,
        tenant.agency,
    )
    assert complaint.acknowledge_by == TODAY + datetime.timedelta(days=5)
    page = client.get(response.url).content.decode()
    assert complaint.tracking_code in page
    assert client.get(response.url).url == reverse("accountability:complaint_status")
    assert complaint.tracking_code not in response.url
    entry = AuditLog.objects.get(action="create", content_type__model="complaint")
    assert (entry.actor, entry.ip_address) == (None, "198.51.100.9")


def test_the_acknowledgement_deadline_comes_from_the_program(client, tenant):
    AccountabilitySettings.objects.create(program=tenant.program, acknowledge_within_days=2)
    file(client, tenant)
    complaint = Complaint.objects.exclude(pk=tenant.complaint.pk).get()
    assert complaint.acknowledge_by == TODAY + datetime.timedelta(days=2)


def test_the_complainant_who_gives_an_address_is_emailed_the_code(
    client, tenant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file(client, tenant, contact_email="parent@example.org", reply_by="email")
    complaint = Complaint.objects.exclude(pk=tenant.complaint.pk).get()
    # The program's handlers are told too (tests/accountability/test_complaint_notifications.py).
    [message] = [m for m in mailoutbox if m.to == ["parent@example.org"]]
    assert complaint.tracking_code in message.body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"contact_name": "x" * 201}, "contact_name"),
        ({"reply_by": "email"}, "contact_email"),
        ({"reply_by": "phone"}, "contact_phone"),
        ({"occurred_on": (TODAY + datetime.timedelta(days=3)).isoformat()}, "occurred_on"),
        ({"contact_email": "not-an-address"}, "contact_email"),
    ],
)
def test_bad_complaints_get_a_clear_answer_and_nothing_is_saved(client, tenant, overrides, field):
    response = file(client, tenant, officer_name="Officer K", **overrides)
    assert field in response.context["form"].errors
    assert response.context["form"]["officer_name"].value() == "Officer K"
    assert Complaint.objects.count() == 1


def test_a_bot_filling_the_honeypot_is_turned_away(client, tenant):
    response = file(client, tenant, website="http://spam.example")
    assert "could not be accepted" in str(response.context["form"].non_field_errors())
    assert Complaint.objects.count() == 1


def test_too_many_complaints_from_one_address_are_refused(client, tenant):
    for _ in range(5):
        assert file(client, tenant).status_code == 302
    response = file(client, tenant)
    assert "Too many complaints" in str(response.context["form"].non_field_errors())
    assert Complaint.objects.count() == 6
    other = client.post(
        reverse("accountability:complaint_create"),
        complaint_data(tenant),
        REMOTE_ADDR="203.0.113.50",
    )
    assert other.status_code == 302


def lookup(client, code, address="198.51.100.9"):
    return client.post(
        reverse("accountability:complaint_status"), {"tracking_code": code}, REMOTE_ADDR=address
    )


def test_the_status_page_shows_that_complaints_status_and_nothing_else(client, tenant):
    complaint = tenant.complaint
    complaint.finding, complaint.resolution = "sustained", "Secret resolution"
    complaint.contact_name = "Parent Name"
    complaint.save()
    response = lookup(client, complaint.tracking_code.lower())
    page = response.content.decode()
    assert response.context["found"]["status"] == "Received"
    for secret in (
        "The officer shouted",
        "Secret resolution",
        "Parent Name",
        "Sustained",
        tenant.program.name,
        tenant.school.name,
    ):
        assert secret not in page


def test_a_wrong_tracking_code_says_so_beside_the_field(client, tenant):
    response = lookup(client, "AAAA-BBBB-CCCC")
    assert (
        "No complaint has this tracking code" in response.context["form"].errors["tracking_code"][0]
    )
    assert "found" not in response.context


def test_unknown_tracking_codes_are_throttled_as_sign_ins_are(client, tenant):
    found = lookup(client, tenant.complaint.tracking_code)
    assert "found" in found.context, "a code that is found counts for nothing"
    for _ in range(5):
        assert "found" not in lookup(client, "AAAA-BBBB-CCCC").context
    response = lookup(client, tenant.complaint.tracking_code)
    assert "Too many unknown tracking codes" in str(response.context["form"].non_field_errors())
    assert "found" not in response.context


def test_the_public_pages_speak_spanish(client, tenant):
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    page = client.get(reverse("accountability:complaint_create")).content.decode()
    assert '<html lang="es">' in page
    assert "Presentar una queja sobre un Oficial de Recursos Escolares" in page
    assert "Enviar la queja" in page
    response = lookup(client, tenant.complaint.tracking_code)
    assert "Estado: Recibida" in response.content.decode()
    file(client, tenant)
    assert Complaint.objects.latest("pk").language == "es"


def change(complaint, actor, to_status, **kwargs):
    return services.complaint_change_status(
        actor=actor, complaint=complaint, to_status=to_status, **kwargs
    )


def test_the_workflow_goes_step_by_step_and_keeps_a_history(tenant):
    complaint = tenant.complaint
    actor = Actor(user=tenant.district_admin)
    with pytest.raises(ValidationError) as error:
        change(complaint, actor, "resolved", finding="sustained", resolution="Done")
    assert "each step comes in turn" in error.value.message_dict["to_status"][0]
    change(complaint, actor, "acknowledged")
    change(complaint, Actor(user=tenant.agency_supervisor), "under_review")
    with pytest.raises(ValidationError) as error:
        change(complaint, actor, "resolved")
    assert set(error.value.message_dict) == {"finding", "resolution"}
    change(complaint, actor, "resolved", finding="not_sustained", resolution="Reviewed video.")
    complaint.refresh_from_db()
    assert complaint.status == "resolved"
    assert list(complaint.history.values_list("to_status", flat=True)) == [
        "acknowledged",
        "under_review",
        "resolved",
    ]
    with pytest.raises(ValidationError):
        change(complaint, actor, "withdrawn")


def test_a_complainant_asking_for_email_hears_of_each_change(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = tenant.complaint
    complaint.contact_email, complaint.reply_by = "parent@example.org", "email"
    complaint.save()
    with django_capture_on_commit_callbacks(execute=True):
        change(complaint, Actor(user=tenant.district_admin), "acknowledged")
    [message] = mailoutbox
    assert "Acknowledged" in message.body and complaint.tracking_code in message.body


def test_the_reviewer_is_one_of_the_two_sides_and_is_emailed(
    tenant, other_tenant, mailoutbox, django_capture_on_commit_callbacks
):
    actor = Actor(user=tenant.district_admin)
    with pytest.raises(ValidationError):
        services.complaint_assign_reviewer(
            actor=actor, complaint=tenant.complaint, reviewer=other_tenant.district_admin
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_assign_reviewer(
            actor=actor, complaint=tenant.complaint, reviewer=tenant.agency_supervisor
        )
    tenant.complaint.refresh_from_db()
    assert tenant.complaint.reviewer == tenant.agency_supervisor
    assert mailoutbox[0].to == [tenant.agency_supervisor.email]
    Complaint.objects.filter(pk=tenant.complaint.pk).update(status="withdrawn")
    with pytest.raises(ValidationError) as error:
        services.complaint_assign_reviewer(
            actor=actor, complaint=tenant.complaint, reviewer=tenant.district_admin
        )
    assert "closed" in error.value.message_dict["reviewer"][0]


def test_a_status_change_that_skips_a_step_is_refused_beside_the_field(client, tenant):
    client.force_login(tenant.district_admin)
    url = reverse("accountability:complaint_change_status", args=[tenant.complaint.pk])
    response = client.post(
        url,
        {"to_status": "resolved", "finding": "sustained", "resolution": "x", "expected_version": 1},
    )
    assert "to_status" in response.context["status_form"].errors
    assert Complaint.objects.get(pk=tenant.complaint.pk).status == "received"
    assert AuditLog.objects.filter(action="view", content_type__model="complaint").count() == 1
    assert client.post(url, {"to_status": "acknowledged", "expected_version": 1}).status_code == 302


def test_sros_never_reach_complaints(client, tenant):
    client.force_login(tenant.sro)
    assert client.get(reverse("accountability:complaint_list")).status_code == 403
    assert client.get(tenant.complaint.get_absolute_url()).status_code == 403
    assert not Complaint.objects.visible_to(tenant.sro).exists()
    nav = client.get(reverse("home")).context["navigation"]
    assert reverse("accountability:complaint_list") not in {i["url"] for i in nav}


def test_both_sides_see_their_complaints_and_views_are_audited(client, tenant, other_tenant):
    for user in (tenant.district_admin, tenant.agency_supervisor):
        client.force_login(user)
        listed = list(client.get(reverse("accountability:complaint_list")).context["object_list"])
        assert listed == [tenant.complaint]
        assert client.get(tenant.complaint.get_absolute_url()).status_code == 200
        assert client.get(other_tenant.complaint.get_absolute_url()).status_code == 404
    assert AuditLog.objects.filter(action="view", content_type__model="complaint").count() == 2


def test_overdue_acknowledgements_show_on_home_pages(client, tenant):
    Complaint.objects.filter(pk=tenant.complaint.pk).update(
        acknowledge_by=TODAY - datetime.timedelta(days=1)
    )
    for user in (tenant.district_admin, tenant.agency_supervisor):
        client.force_login(user)
        assert client.get(reverse("home")).context["complaints_overdue"] == 1
    ComplaintFactory(program=tenant.program, acknowledge_by=TODAY)
    assert Complaint.objects.acknowledgement_overdue().count() == 1


def test_complaints_go_to_the_active_program_of_the_schools_district(client, tenant):
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ENDED)
    form = client.get(reverse("accountability:complaint_create")).context["form"]
    assert tenant.school not in form.fields["school"].queryset


def test_only_the_public_complaint_pages_change_language(client, tenant):
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page and 'name="language"' not in page
    client.force_login(tenant.district_admin)
    page = client.get(tenant.complaint.get_absolute_url()).content.decode()
    assert '<html lang="en">' in page and "Received" in page
    page = client.get(reverse("accountability:complaint_status")).content.decode()
    assert '<html lang="es">' in page and 'name="language"' in page
