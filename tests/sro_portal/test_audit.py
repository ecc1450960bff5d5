import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from sro_portal.models import AuditLog, District
from tests.factories import PASSWORD, DistrictFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def entries(action, obj=None):
    found = AuditLog.objects.filter(action=action)
    if obj is not None:
        found = found.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
    return found


def district_form(**overrides):
    data = {
        "name": "Bayfield School District",
        "dpi_code": "0300",
        "nces_id": "",
        "county": "Bayfield",
        "cesa": "12",
    }
    data.update(overrides)
    # The change form carries an inline for schools; an empty management form satisfies it.
    data.update({"schools-TOTAL_FORMS": "0", "schools-INITIAL_FORMS": "0"})
    return data


def test_admin_create_is_audited_with_who_and_where(client, state_staff):
    client.force_login(state_staff)
    response = client.post(
        reverse("admin:sro_portal_district_add"), district_form(), REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 302
    district = District.objects.get(dpi_code="0300")
    entry = entries(AuditLog.Action.CREATE, district).get()
    assert entry.actor == state_staff
    assert entry.ip_address == ADDRESS
    assert entry.object_repr == "Bayfield School District"


def test_admin_update_is_audited_with_the_changed_fields(client, state_staff):
    district = DistrictFactory(name="Old name", dpi_code="0301", county="Ashland", cesa=12)
    client.force_login(state_staff)
    response = client.post(
        reverse("admin:sro_portal_district_change", args=[district.pk]),
        district_form(name="New name", dpi_code="0301", county="Ashland"),
    )
    assert response.status_code == 302
    entry = entries(AuditLog.Action.UPDATE, district).get()
    assert entry.changed_fields == ["name"]
    assert entry.changes == {"name": ["Old name", "New name"]}


def test_a_created_record_is_audited_with_its_values_and_a_deleted_one_with_its_last(
    client, state_staff
):
    client.force_login(state_staff)
    client.post(reverse("admin:sro_portal_district_add"), district_form())
    district = District.objects.get(dpi_code="0300")
    created = entries(AuditLog.Action.CREATE, district).get()
    assert created.changes["name"] == "Bayfield School District"
    assert created.changes["cesa"] == 12
    client.post(reverse("admin:sro_portal_district_delete", args=[district.pk]), {"post": "yes"})
    deleted = entries(AuditLog.Action.DELETE).get()
    assert deleted.changes["dpi_code"] == "0300"


def test_a_service_update_records_before_and_after_dates_and_choices(tenant):
    from accountability import services
    from sro_portal.audit import Actor

    complaint = tenant.complaint
    before = complaint.status
    services.complaint_change_status(
        actor=Actor(user=tenant.district_admin),
        complaint=complaint,
        to_status="acknowledged",
        expected_version=complaint.version,
    )
    entry = entries(AuditLog.Action.UPDATE, complaint).latest("pk")
    assert entry.changes["status"] == [before, "acknowledged"]


def test_admin_delete_is_audited(client, state_staff):
    district = DistrictFactory()
    client.force_login(state_staff)
    response = client.post(
        reverse("admin:sro_portal_district_delete", args=[district.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not District.objects.filter(pk=district.pk).exists()
    assert entries(AuditLog.Action.DELETE, district).count() == 1


def test_admin_bulk_delete_audits_each_record(client, state_staff):
    districts = DistrictFactory.create_batch(2)
    client.force_login(state_staff)
    client.post(
        reverse("admin:sro_portal_district_changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [d.pk for d in districts]},
    )
    assert District.objects.count() == 0
    assert entries(AuditLog.Action.DELETE).count() == 2


def test_membership_added_inline_is_audited(client, state_staff, tenant):
    user = tenant.sro
    client.force_login(state_staff)
    prefix = "memberships"
    data = {
        "username": user.username,
        "first_name": "A",
        "last_name": "B",
        "email": "",
        "is_active": "on",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-role": "state_staff",
        f"{prefix}-0-started_on": "2026-01-05",
    }
    response = client.post(reverse("admin:sro_portal_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["errors"]
    created = entries(AuditLog.Action.CREATE).get()
    assert created.content_type.model == "membership"
    assert set(entries(AuditLog.Action.UPDATE, user).get().changed_fields) == {
        "first_name",
        "last_name",
        "email",
    }


@pytest.mark.urls("tests.sro_portal.sensitive_urls")
def test_viewing_a_sensitive_detail_page_is_audited(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.get(reverse("sensitive", args=[tenant.district.pk]), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    entry = entries(AuditLog.Action.VIEW, tenant.district).get()
    assert (entry.actor, entry.ip_address) == (tenant.district_admin, ADDRESS)


@pytest.mark.urls("tests.sro_portal.sensitive_urls")
def test_an_out_of_scope_sensitive_page_answers_404_and_records_no_view(
    client, tenant, other_tenant
):
    client.force_login(tenant.district_admin)
    assert client.get(reverse("sensitive", args=[other_tenant.district.pk])).status_code == 404
    assert not entries(AuditLog.Action.VIEW).exists()


def test_ordinary_detail_pages_are_not_recorded_as_views(client, tenant):
    client.force_login(tenant.district_admin)
    client.get(tenant.district.get_absolute_url())
    assert not entries(AuditLog.Action.VIEW).exists()


def test_sign_in_sign_out_and_failed_sign_in_are_audited(client, tenant):
    username = tenant.district_admin.username
    client.post(reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=ADDRESS)
    failed = entries(AuditLog.Action.LOGIN_FAILED).get()
    assert (failed.actor, failed.actor_repr, failed.ip_address) == (None, username, ADDRESS)
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert entries(AuditLog.Action.LOGIN, tenant.district_admin).count() == 1
    client.post(reverse("logout"))
    assert entries(AuditLog.Action.LOGOUT, tenant.district_admin).count() == 1


def test_password_change_is_audited_without_the_password(client, tenant):
    user = tenant.sro
    client.force_login(user)
    new = "a-much-longer-passphrase-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    entry = entries(AuditLog.Action.UPDATE, user).get()
    assert entry.changed_fields == ["password"]
    assert new not in str(entry.detail) and new not in str(entry.changed_fields)
    assert entry.changes == {"password": ["(hidden)", "(hidden)"]}


def make_entry(state_staff):
    client_entry = AuditLog.objects.create(
        actor=state_staff, actor_repr=state_staff.username, action=AuditLog.Action.VIEW
    )
    return client_entry


def test_an_entry_cannot_be_saved_again_or_deleted(state_staff):
    entry = make_entry(state_staff)
    entry.action = AuditLog.Action.DELETE
    with pytest.raises(AuditLog.Immutable):
        entry.save()
    with pytest.raises(AuditLog.Immutable):
        entry.delete()
    with pytest.raises(AuditLog.Immutable):
        AuditLog.objects.filter(pk=entry.pk).update(action=AuditLog.Action.DELETE)
    with pytest.raises(AuditLog.Immutable):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=entry.pk).action == AuditLog.Action.VIEW


def test_the_database_refuses_to_change_an_entry_even_in_raw_sql(state_staff):
    entry = make_entry(state_staff)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE sro_portal_auditlog SET action = 'delete' WHERE id = %s", [entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).action == AuditLog.Action.VIEW


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE for test flushes"
)
def test_the_database_refuses_to_delete_an_entry_even_in_raw_sql(state_staff):
    entry = make_entry(state_staff)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM sro_portal_auditlog WHERE id = %s", [entry.pk])
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_state_staff_read_the_audit_log_in_admin_but_cannot_change_it(client, state_staff):
    entry = make_entry(state_staff)
    client.force_login(state_staff)
    assert client.get(reverse("admin:sro_portal_auditlog_changelist")).status_code == 200
    detail = client.get(reverse("admin:sro_portal_auditlog_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert (
        client.post(
            reverse("admin:sro_portal_auditlog_change", args=[entry.pk]), {"action": "delete"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:sro_portal_auditlog_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:sro_portal_auditlog_add")).status_code == 403
    assert AuditLog.objects.get(pk=entry.pk).action == AuditLog.Action.VIEW


def test_every_admin_except_the_audit_log_writes_to_the_audit_log():
    from django.contrib import admin

    from sro_portal.admin import AuditedModelAdmin

    for model, model_admin in admin.site._registry.items():
        if model is AuditLog:
            continue
        assert isinstance(model_admin, AuditedModelAdmin), f"{model.__name__} admin is not audited"


def test_password_reset_by_email_works_once_and_is_audited(client, tenant, mailoutbox):
    user = tenant.building_admin
    client.post(reverse("password_reset"), {"email": user.email})
    [message] = mailoutbox
    link = next(line for line in message.body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    new = "another-long-passphrase-2026"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    entry = entries(AuditLog.Action.UPDATE, user).get()
    assert (entry.actor, entry.changed_fields) == (user, ["password"])
    assert client.get(path, follow=True).context["validlink"] is False


@pytest.mark.parametrize(
    ("model", "attribute"),
    [("incidents_incident", "incident"), ("accountability_complaint", "complaint")],
)
def test_a_view_of_a_sensitive_record_in_the_admin_is_audited(
    client, state_staff, tenant, model, attribute
):
    record = getattr(tenant, attribute)
    client.force_login(state_staff)
    assert client.get(reverse(f"admin:{model}_change", args=[record.pk])).status_code == 200
    entry = entries(AuditLog.Action.VIEW, record).get()
    assert entry.actor == state_staff
