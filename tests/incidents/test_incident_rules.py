"""Who may do what to a field record (one rule per action, asked by views, templates, services and
the admin), the incident's version, incomplete incidents, shared case numbers, and forms sent
twice."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import ActivityLog, EnforcementAction, Incident
from programs.models import Classification, Program
from sro_portal.audit import Actor
from sro_portal.permissions import allows
from sro_portal.roles import Role
from sro_portal.versioning import STALE_MESSAGE
from tests.factories import (
    EnforcementActionFactory,
    IncidentFactory,
    MOUFactory,
    user_with_role,
)
from tests.incidents.test_field_records import (
    HEADER,
    action_data,
    activity_data,
    incident_data,
    row,
    upload,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def on_duty(tenant):
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ACTIVE)
    MOUFactory(program=tenant.program, signed=True)
    return tenant


def awaiting_review(tenant, **overrides):
    fields = {
        "program": tenant.program,
        "school": tenant.school,
        "reported_by": tenant.sro,
        "classification": Classification.DISCIPLINARY,
        "handled_by": "both",
        "sro_response": "warning",
        "needs_review": True,
        **overrides,
    }
    return IncidentFactory(**fields)


# The rules, one per action.


def test_who_may_record_an_enforcement_action(tenant, other_tenant):
    incident = tenant.incident
    rule = "incidents.record_enforcement_action"
    assert allows(rule, tenant.sro, incident)
    assert allows(rule, tenant.agency_supervisor, incident)
    colleague = user_with_role(Role.SRO, agency=tenant.agency)
    for refused in [colleague, tenant.district_admin, tenant.building_admin]:
        assert not allows(rule, refused, incident)
    assert not allows(rule, other_tenant.agency_supervisor, incident)
    discipline = awaiting_review(tenant, sro_response="no_action", handled_by="school_admin")
    assert not allows(rule, tenant.sro, discipline)
    assert not allows(rule, tenant.agency_supervisor, discipline)


def test_who_may_review_an_incident(tenant, other_tenant):
    incident = awaiting_review(tenant)
    rule = "incidents.review_incident"
    assert allows(rule, tenant.district_admin, incident)
    for refused in [tenant.sro, tenant.building_admin, tenant.agency_supervisor]:
        assert not allows(rule, refused, incident)
    assert not allows(rule, other_tenant.district_admin, incident)
    assert not allows(rule, tenant.district_admin, tenant.incident), "needs no review"
    incident.reviewed_at = timezone.now()
    assert not allows(rule, tenant.district_admin, incident), "reviewed already"


def test_who_may_correct_or_amend_an_entry(tenant, other_tenant):
    entry = tenant.entry
    assert allows("incidents.correct_activity", tenant.sro, entry)
    assert not allows("incidents.correct_activity", other_tenant.sro, entry)
    assert allows("incidents.amend_activity", tenant.sro, entry)
    assert not allows("incidents.amend_activity", other_tenant.sro, entry)
    entry.created_at = timezone.now() - 8 * DAY
    assert not allows("incidents.correct_activity", tenant.sro, entry)


def test_only_an_sro_reports_an_incident(tenant):
    assert allows("incidents.report_incident", tenant.sro)
    assert not allows("incidents.report_incident", tenant.district_admin)
    incident = Incident(**{k: v for k, v in incident_data(tenant).items() if k != "school"})
    incident.school = tenant.school
    with pytest.raises(ValidationError, match="school resource officer"):
        services.incident_report(actor=Actor(user=tenant.district_admin), incident=incident)


def test_the_services_refuse_whoever_the_rules_refuse(tenant, other_tenant):
    with pytest.raises(ValidationError, match="Only the author"):
        services.activity_correct(
            actor=Actor(user=other_tenant.sro), entry=tenant.entry, changed_fields=[]
        )
    with pytest.raises(ValidationError, match="Only the author"):
        services.activity_amend(
            actor=Actor(user=other_tenant.sro), original=tenant.entry, amendment=tenant.entry
        )
    incident = awaiting_review(tenant)
    with pytest.raises(ValidationError, match="district's administrators"):
        services.incident_review(
            actor=Actor(user=tenant.agency_supervisor),
            incident=incident,
            note="Not mine",
            expected_version=incident.version,
        )
    action = EnforcementActionFactory.build(incident=tenant.incident)
    with pytest.raises(ValidationError, match="reporting SRO"):
        services.enforcement_action_record(
            actor=Actor(user=other_tenant.agency_supervisor),
            action=action,
            incident=tenant.incident,
        )
    incident.refresh_from_db()
    assert incident.reviewed_at is None


def test_the_incident_page_offers_what_the_rules_allow(client, tenant):
    incident = awaiting_review(tenant)
    client.force_login(tenant.district_admin)
    page = client.get(incident.get_absolute_url())
    assert page.context["can_review"] and not page.context["can_add_action"]
    assert "Record the review" in page.content.decode()
    client.force_login(tenant.sro)
    page = client.get(tenant.incident.get_absolute_url())
    assert page.context["can_add_action"] and not page.context["can_review"]
    page = client.get(incident.get_absolute_url())
    assert not page.context["can_add_action"], "discipline only: no enforcement action"


def test_the_forms_open_only_to_whom_the_rules_allow(client, tenant):
    discipline = awaiting_review(tenant)
    client.force_login(tenant.sro)
    add = reverse("incidents:enforcementaction_create", args=[discipline.pk])
    assert client.get(add).url == discipline.get_absolute_url()
    assert (
        client.get(
            reverse("incidents:enforcementaction_create", args=[tenant.incident.pk])
        ).status_code
        == 200
    )
    client.force_login(tenant.district_admin)
    review = reverse("incidents:incident_review", args=[tenant.incident.pk])
    response = client.post(review, {"note": "Not needed", "version": tenant.incident.version})
    assert "does not need review" in response.context["form"].non_field_errors()[0]


# The incident's version: two reviewers at once.


def test_of_two_reviewers_at_once_the_later_is_refused(tenant):
    second_admin = user_with_role(Role.DISTRICT_ADMIN, district=tenant.district)
    incident = awaiting_review(tenant)
    first_copy = Incident.objects.get(pk=incident.pk)
    second_copy = Incident.objects.get(pk=incident.pk)
    services.incident_review(
        actor=Actor(user=tenant.district_admin),
        incident=first_copy,
        note="Discussed with the SRO",
        expected_version=1,
    )
    with pytest.raises(ValidationError) as refused:
        services.incident_review(
            actor=Actor(user=second_admin),
            incident=second_copy,
            note="Overwrites the first",
            expected_version=1,
        )
    (message,) = refused.value.messages
    assert message.startswith(STALE_MESSAGE) and "review note" in message
    incident.refresh_from_db()
    assert (incident.reviewed_by, incident.review_note, incident.version) == (
        tenant.district_admin,
        "Discussed with the SRO",
        2,
    )


def test_a_review_posted_on_an_old_version_is_refused_on_the_form(client, tenant):
    second_admin = user_with_role(Role.DISTRICT_ADMIN, district=tenant.district)
    incident = awaiting_review(tenant)
    url = reverse("incidents:incident_review", args=[incident.pk])
    client.force_login(second_admin)
    opened = client.get(incident.get_absolute_url()).context["review_form"]["version"].value()
    assert opened == 1
    client.force_login(tenant.district_admin)
    assert client.post(url, {"note": "First", "version": 1}).status_code == 302
    client.force_login(second_admin)
    response = client.post(url, {"note": "Second", "version": opened})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    incident.refresh_from_db()
    assert (incident.review_note, incident.reviewed_by) == ("First", tenant.district_admin)


# Incomplete incidents: an enforcement response with no enforcement action recorded.


def incomplete_incident(tenant, response="arrest"):
    return IncidentFactory(
        program=tenant.program, school=tenant.school, reported_by=tenant.sro, sro_response=response
    )


def test_an_enforcement_response_without_an_action_is_incomplete(tenant):
    missing = incomplete_incident(tenant)
    no_action = incomplete_incident(tenant, response="warning")
    assert set(Incident.objects.incomplete()) == {missing}
    assert missing.is_incomplete and not no_action.is_incomplete
    assert not tenant.incident.is_incomplete, "its action is recorded"
    EnforcementActionFactory(incident=missing)
    assert not Incident.objects.incomplete().exists()
    assert not Incident.objects.get(pk=missing.pk).is_incomplete


def test_the_incident_page_says_incomplete_with_the_button(client, tenant):
    missing = incomplete_incident(tenant)
    client.force_login(tenant.sro)
    page = client.get(missing.get_absolute_url()).content.decode()
    assert "Incomplete." in page and "Add the enforcement action" in page
    page = client.get(tenant.incident.get_absolute_url()).content.decode()
    assert "Incomplete." not in page
    client.force_login(tenant.building_admin)
    page = client.get(missing.get_absolute_url()).content.decode()
    assert "Incomplete." in page and "Add the enforcement action" not in page


def test_the_list_badges_and_filters_incomplete_incidents(client, tenant):
    missing = incomplete_incident(tenant)
    client.force_login(tenant.district_admin)
    response = client.get(reverse("incidents:incident_list"))
    assert response.content.decode().count(">Incomplete</span>") == 1
    filtered = client.get(reverse("incidents:incident_list"), {"incomplete": "1"})
    assert list(filtered.context["object_list"]) == [missing]


@pytest.mark.parametrize("role", ["sro", "agency_supervisor"])
def test_home_lists_incomplete_incidents_in_scope(client, tenant, other_tenant, role):
    mine = incomplete_incident(tenant)
    theirs = incomplete_incident(other_tenant)
    client.force_login(getattr(tenant, role))
    response = client.get(reverse("home"))
    assert response.context["incomplete_incidents"] == [mine]
    assert theirs not in response.context["incomplete_incidents"]
    assert "Incomplete incidents" in response.content.decode()


def test_home_of_a_district_admin_lists_no_incomplete_incidents(client, tenant):
    incomplete_incident(tenant)
    client.force_login(tenant.district_admin)
    assert "incomplete_incidents" not in client.get(reverse("home")).context


@pytest.mark.parametrize("size", [1, 15])
def test_the_sros_home_runs_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries, size
):
    for _ in range(size):
        incomplete_incident(tenant)
    client.force_login(tenant.sro)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    assert len(response.context["incomplete_incidents"]) == size


@pytest.mark.parametrize(
    ("response", "kind", "referred"),
    [
        ("arrest", "arrest", None),
        ("citation", "citation", None),
        ("custody", "custody", None),
        ("referral_for_charging", "referral", True),
    ],
)
def test_the_action_form_starts_with_the_kind_the_incident_named(
    client, tenant, response, kind, referred
):
    incident = incomplete_incident(tenant, response=response)
    client.force_login(tenant.sro)
    url = reverse("incidents:enforcementaction_create", args=[incident.pk])
    form = client.get(url).context["form"]
    assert form["kind"].value() == kind
    assert form.initial.get("referred_for_charging") == referred


# Case numbers, and race and ethnicity not reported.


def test_an_import_may_share_a_case_number_among_rows(client, on_duty, state_staff):
    client.force_login(state_staff)
    preview = upload(client, HEADER + row(on_duty, "SHARED-1") + row(on_duty, "SHARED-1", age="16"))
    form = preview.context["confirm_form"]
    client.post(reverse("admin:incidents_enforcementaction_process_import"), form.initial)
    shared = EnforcementAction.objects.filter(case_number="SHARED-1")
    assert shared.count() == 2
    assert len({a.incident_id for a in shared}) == 1


def test_an_import_adds_to_the_incident_of_its_case_number(client, on_duty, state_staff):
    client.force_login(state_staff)
    preview = upload(client, HEADER + row(on_duty, on_duty.action.case_number))
    form = preview.context["confirm_form"]
    client.post(reverse("admin:incidents_enforcementaction_process_import"), form.initial)
    assert on_duty.incident.enforcement_actions.count() == 2


def test_race_and_ethnicity_may_be_not_reported(client, tenant):
    client.force_login(tenant.sro)
    url = reverse("incidents:enforcementaction_create", args=[tenant.incident.pk])
    data = action_data(case_number=tenant.action.case_number, student_race="not_reported")
    assert client.post(url, data).status_code == 302
    assert EnforcementAction.objects.filter(student_race="not_reported").count() == 1
    assert EnforcementAction.Race.NOT_REPORTED.label == "Not reported"


# The admin goes through the services: state staff read field records there.


def test_the_admin_changes_no_activity_entry(client, tenant, state_staff):
    entry = tenant.entry
    client.force_login(state_staff)
    assert client.get(reverse("admin:incidents_activitylog_changelist")).status_code == 200
    url = reverse("admin:incidents_activitylog_change", args=[entry.pk])
    assert client.get(url).status_code == 200  # to read
    response = client.post(
        url,
        {
            "officer": entry.officer_id,
            "school": entry.school_id,
            "activity_type": entry.activity_type_id,
            "occurred_on": (entry.occurred_on - 30 * DAY).isoformat(),
            "minutes": "600",
            "students_met": "0",
            "staff_met": "0",
            "notes": "",
            "amendment_reason": "",
        },
    )
    assert response.status_code in {302, 403}
    refreshed = ActivityLog.objects.get(pk=entry.pk)
    assert (refreshed.occurred_on, refreshed.minutes) == (entry.occurred_on, entry.minutes)
    assert client.get(reverse("admin:incidents_activitylog_add")).status_code == 403
    delete = reverse("admin:incidents_activitylog_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ActivityLog.objects.filter(pk=entry.pk).exists()


def test_the_admin_changes_no_incident_classification(client, tenant, state_staff):
    incident = tenant.incident
    client.force_login(state_staff)
    assert client.get(reverse("admin:incidents_incident_changelist")).status_code == 200
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    form = client.get(url).context["adminform"].form
    assert "classification" not in form.fields and "sro_response" not in form.fields
    client.post(
        url,
        {
            "location": incident.location,
            "description": incident.description,
            "school_response": "",
            "classification": Classification.DISCIPLINARY,
            "sro_response": "no_action",
            "enforcement_actions-TOTAL_FORMS": "0",
            "enforcement_actions-INITIAL_FORMS": "0",
        },
    )
    incident.refresh_from_db()
    assert (incident.classification, incident.sro_response) == (
        Classification.POSSIBLY_ILLEGAL,
        "referral_for_charging",
    )
    assert client.get(reverse("admin:incidents_incident_add")).status_code == 403


def test_the_admin_adds_or_changes_no_enforcement_action(client, tenant, state_staff):
    action = tenant.action
    client.force_login(state_staff)
    assert client.get(reverse("admin:incidents_enforcementaction_changelist")).status_code == 200
    assert client.get(reverse("admin:incidents_enforcementaction_add")).status_code == 403
    url = reverse("admin:incidents_enforcementaction_change", args=[action.pk])
    client.post(url, {**action_data(case_number="CHANGED-1"), "school": action.school_id})
    action.refresh_from_db()
    assert action.case_number != "CHANGED-1"
    assert client.get(reverse("admin:incidents_enforcementaction_import")).status_code == 200


# A form sent twice creates one record.


def test_an_activity_sent_twice_is_logged_once(client, on_duty):
    client.force_login(on_duty.sro)
    url = reverse("incidents:activity_create")
    token = client.get(url).context["form"]["submission"].value()
    data = {**activity_data(on_duty, minutes="25"), "submission": token}
    before = ActivityLog.objects.count()
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert ActivityLog.objects.count() == before + 1
    assert again.redirect_chain[-1][0].startswith(reverse("incidents:activity_week"))
    assert "sent twice" in again.content.decode()


def test_an_incident_sent_twice_is_recorded_once(client, on_duty):
    client.force_login(on_duty.sro)
    url = reverse("incidents:incident_create")
    token = client.get(url).context["form"]["submission"].value()
    data = {**incident_data(on_duty), "submission": token}
    before = Incident.objects.count()
    first = client.post(url, data)
    second = client.post(url, data)
    assert Incident.objects.count() == before + 1
    assert second.status_code == 302 and second.url == first.url
