"""Who may do what (one rule per action), evaluations kept from SROs, snapshots that read right,
the first evaluation due from activation, complaints without lost updates or double filing,
parts created through their pages, and history that is never deleted."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from accountability import services
from accountability.models import (
    AccountabilitySettings,
    Complaint,
    ComplaintStatusChange,
    Contact,
    DataSource,
    Evaluation,
    EvaluationPlan,
    Expectation,
    Meeting,
)
from accountability.oversight import activated_on, overdue_evaluations
from accountability.snapshot import build_snapshot, snapshot_sections
from programs.models import Program, ProgramStatusChange
from programs.services import part_save
from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from sro_portal.permissions import allows
from tests.factories import (
    ComplaintFactory,
    EnforcementActionFactory,
    EvaluationFactory,
    IncidentFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
NOON = datetime.time(12)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def make_plan(tenant, sources=None, every_months=12):
    part_save(
        actor=Actor(user=tenant.district_admin),
        part=EvaluationPlan(
            program=tenant.program,
            evaluators="Board",
            every_months=every_months,
            measures="Everything",
            data_sources=sources or list(DataSource.values),
        ),
    )
    return EvaluationPlan.objects.get(program=tenant.program)


# 1. One rule per action, asked by the services whoever calls them.


def test_each_action_has_its_rule_and_the_rules_say_who(tenant, other_tenant, state_staff):
    t = tenant
    for rule in (
        "handle_complaint",
        "assign_reviewer",
        "change_complaint_status",
        "view_complaint",
        "view_evaluation",
        "record_evaluation",
        "edit_evaluation_plan",
        "edit_settings",
        "edit_contacts",
        "edit_expectations",
        "agree_expectations",
        "record_meeting",
    ):
        assert allows(f"accountability.{rule}", t.district_admin, _object_of(rule, t)), rule
        outsider = other_tenant.district_admin
        assert not allows(f"accountability.{rule}", outsider, _object_of(rule, t)), rule
    assert allows("accountability.handle_complaint", t.agency_supervisor, t.complaint)
    assert not allows("accountability.handle_complaint", t.sro, t.complaint)
    assert not allows("accountability.handle_complaint", t.building_admin, t.complaint)
    assert allows("accountability.view_complaint", state_staff, t.complaint)
    assert allows("accountability.view_evaluation", t.building_admin, t.evaluation)
    assert allows("accountability.view_evaluation", state_staff, t.evaluation)
    assert not allows("accountability.view_evaluation", t.sro, t.evaluation)
    assert not allows("accountability.view_evaluation", t.sro, t.program)
    assert allows("accountability.record_meeting", t.sro, t.program)
    assert not allows("accountability.edit_contacts", t.sro, t.program)
    Complaint.objects.filter(pk=t.complaint.pk).update(status=Complaint.Status.WITHDRAWN)
    t.complaint.refresh_from_db()
    assert not allows("accountability.assign_reviewer", t.district_admin, t.complaint)
    Program.objects.filter(pk=t.program.pk).update(status=Program.Status.ENDED)
    t.program.refresh_from_db()
    assert not allows("accountability.edit_contacts", t.district_admin, t.program)


def _object_of(rule, tenant):
    if "complaint" in rule or rule == "assign_reviewer":
        return tenant.complaint
    if rule == "view_evaluation":
        return tenant.evaluation
    return tenant.program


def test_the_services_refuse_what_the_rules_refuse_whoever_calls(tenant):
    sro = Actor(user=tenant.sro)
    with pytest.raises(ValidationError):
        services.accountability_part_save(
            actor=sro, part=Contact(program=tenant.program, level="agency", name="X")
        )
    with pytest.raises(ValidationError):
        services.expectation_save(
            actor=sro, expectation=Expectation(program=tenant.program, held_by="sros", text="T")
        )
    with pytest.raises(ValidationError):
        services.complaint_change_status(
            actor=sro, complaint=tenant.complaint, to_status="acknowledged"
        )
    with pytest.raises(ValidationError):
        services.complaint_assign_reviewer(
            actor=Actor(user=tenant.district_admin),
            complaint=tenant.complaint,
            reviewer=tenant.sro,
        )
    assert Contact.objects.filter(name="X").count() == 0
    assert Complaint.objects.get(pk=tenant.complaint.pk).reviewer is None


# 2. SROs never open an evaluation.


def test_an_sro_cannot_open_an_evaluation_nor_see_them_listed(client, tenant):
    client.force_login(tenant.sro)
    assert client.get(tenant.evaluation.get_absolute_url()).status_code == 403
    page = client.get(reverse("accountability:program", args=[tenant.program.pk]))
    assert page.status_code == 200
    assert page.context["evaluations"] == []
    assert tenant.evaluation.get_absolute_url() not in page.content.decode()
    client.force_login(tenant.building_admin)
    page = client.get(reverse("accountability:program", args=[tenant.program.pk]))
    assert tenant.evaluation.get_absolute_url() in page.content.decode()
    assert client.get(tenant.evaluation.get_absolute_url()).status_code == 200


# 3. Snapshots that read right.


def test_a_false_answer_is_counted_as_false_not_unknown(tenant):
    type(tenant.action).objects.filter(pk=tenant.action.pk).update(referred_for_charging=False)
    incident = IncidentFactory(program=tenant.program, school=tenant.school)
    EnforcementActionFactory(incident=incident, referred_for_charging=False)
    EnforcementActionFactory(incident=incident, referred_for_charging=True)
    snapshot = build_snapshot(tenant.program, TODAY - 30 * DAY, TODAY, [DataSource.ENFORCEMENT])
    charging = snapshot["enforcement"]["by_referred_for_charging"]
    # The tenant's own enforcement action is not referred for charging either.
    assert charging == {False: 2, True: 1}
    assert "unknown" not in charging
    rows = {r["label"]: r for r in snapshot_sections(snapshot)[0]["rows"]}
    counts = {c["label"]: c["count"] for c in rows["Referred for charging"]["counts"]}
    assert counts == {"No": 2, "Yes": 1}


def test_the_evaluation_page_shows_labels_never_codes(client, tenant):
    make_plan(tenant)
    incident = IncidentFactory(program=tenant.program, school=tenant.school)
    EnforcementActionFactory(incident=incident, student_race="hispanic", referred_for_charging=True)
    evaluation = services.evaluation_record(
        actor=Actor(user=tenant.district_admin),
        evaluation=Evaluation(
            program=tenant.program,
            period_start=TODAY - 30 * DAY,
            period_end=TODAY,
            conducted_on=TODAY,
            evaluators="Board",
            findings="F",
            recommendations="R",
        ),
    )
    client.force_login(tenant.district_admin)
    html = client.get(evaluation.get_absolute_url()).content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    labels = ("Offense category", "Hispanic/Latino", "Yes", "No", "Law enforcement", "Received")
    for label in labels:
        assert label in text, label
    for code in (
        "by_offense_category",
        "hispanic",
        "True",
        "False",
        "law_enforcement",
        "by_status",
        "received:",
        "possibly_illegal",
        "by_student_race",
    ):
        assert code not in text, code


# 4. The first evaluation falls due from the program's activation.


def test_the_first_evaluation_falls_due_a_plan_period_after_activation(client, tenant):
    Evaluation.objects.all().delete()
    make_plan(tenant, every_months=12)
    program = tenant.program
    Program.objects.filter(pk=program.pk).update(
        status=Program.Status.ACTIVE, created_at=timezone.now() - 500 * DAY
    )
    change = ProgramStatusChange.objects.create(
        program=program,
        from_status=Program.Status.DRAFTING,
        to_status=Program.Status.ACTIVE,
        changed_by=tenant.district_admin,
    )
    activated = TODAY - 100 * DAY
    # Noon of that local day: "now less 100 days" lands on another date in the hour before
    # midnight when the 100 days span a change of daylight saving time.
    ProgramStatusChange.objects.filter(pk=change.pk).update(
        changed_at=timezone.make_aware(datetime.datetime.combine(activated, NOON))
    )
    program.refresh_from_db()
    assert activated_on([program]) == {program.pk: activated}
    # Created 500 days ago, but active for 100 days only: its first evaluation is not overdue.
    assert overdue_evaluations([program]) == []
    client.force_login(tenant.district_admin)
    page = client.get(reverse("accountability:program", args=[program.pk]))
    plan = EvaluationPlan.objects.get(program=program)
    assert page.context["evaluation_due"] == plan.next_due(None, activated)
    # Suspended and activated again later: the first activation still counts.
    ProgramStatusChange.objects.create(
        program=program, to_status=Program.Status.ACTIVE, changed_by=tenant.district_admin
    )
    assert activated_on([program]) == {program.pk: activated}
    ProgramStatusChange.objects.filter(pk=change.pk).update(
        changed_at=timezone.make_aware(datetime.datetime.combine(TODAY - 400 * DAY, NOON))
    )
    [(overdue, due)] = overdue_evaluations([program])
    assert overdue == program and due == plan.next_due(None, TODAY - 400 * DAY)


# 5. No lost update on a complaint.


def test_a_change_from_an_outdated_page_is_refused_and_nothing_is_half_saved(client, tenant):
    complaint = tenant.complaint
    first, second = tenant.district_admin, tenant.agency_supervisor
    detail = complaint.get_absolute_url()
    client.force_login(first)
    assert client.get(detail).context["status_form"]["expected_version"].value() == 1
    client.force_login(second)
    opened = client.get(detail).context["reviewer_form"]["expected_version"].value()
    client.force_login(first)
    response = client.post(
        reverse("accountability:complaint_reviewer", args=[complaint.pk]),
        {"reviewer": second.pk, "expected_version": 1},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.reviewer, complaint.version) == (second, 2)

    client.force_login(second)
    response = client.post(
        reverse("accountability:complaint_change_status", args=[complaint.pk]),
        {"to_status": "acknowledged", "note": "On it", "expected_version": opened},
    )
    assert response.status_code == 200
    refusal = str(response.context["status_form"].non_field_errors())
    assert "Someone else changed this record" in refusal
    assert f"with {second} as reviewer" in refusal, "the refusal says what changed"
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == ("received", 2)
    assert not ComplaintStatusChange.objects.filter(complaint=complaint, note="On it").exists()
    updates = AuditLog.objects.filter(
        action="update", content_type__model="complaint", object_id=str(complaint.pk)
    )
    assert [entry.changed_fields for entry in updates] == [["reviewer"]]

    # With the page reloaded, the change goes through and moves the version on.
    response = client.post(
        reverse("accountability:complaint_change_status", args=[complaint.pk]),
        {"to_status": "acknowledged", "expected_version": 2},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == ("acknowledged", 3)


def test_assigning_a_reviewer_from_an_outdated_page_is_refused(tenant):
    services.complaint_change_status(
        actor=Actor(user=tenant.district_admin),
        complaint=tenant.complaint,
        to_status="acknowledged",
        expected_version=1,
    )
    with pytest.raises(ValidationError) as error:
        services.complaint_assign_reviewer(
            actor=Actor(user=tenant.agency_supervisor),
            complaint=tenant.complaint,
            reviewer=tenant.agency_supervisor,
            expected_version=1,
        )
    assert error.value.code == "stale"
    assert Complaint.objects.get(pk=tenant.complaint.pk).reviewer is None


# 6. The public form sent twice files one complaint.


def test_the_public_form_sent_twice_files_one_complaint_and_shows_its_code_again(client, tenant):
    url = reverse("accountability:complaint_create")
    token = client.get(url).context["form"]["submission"].value()
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    data = {
        "school": tenant.school.pk,
        "description": "The officer shouted at students.",
        "reply_by": "tracking_page",
        "website": "",
        "submission": token,
    }
    first = client.post(url, data, REMOTE_ADDR="198.51.100.7")
    assert first.url == reverse("accountability:complaint_thanks")
    code = client.get(first.url).context["tracking_code"]
    again = client.post(url, data, REMOTE_ADDR="198.51.100.7")
    assert again.status_code == 302 and again.url == reverse("accountability:complaint_thanks")
    assert client.get(again.url).context["tracking_code"] == code
    assert Complaint.objects.exclude(pk=tenant.complaint.pk).count() == 1
    assert Complaint.objects.get(tracking_code=code).description == data["description"]


def test_the_honeypot_and_the_rate_limit_still_work_with_the_token(client, tenant):
    url = reverse("accountability:complaint_create")

    def send(**extra):
        token = client.get(url).context["form"]["submission"].value()
        data = {
            "school": tenant.school.pk,
            "description": "What happened.",
            "reply_by": "tracking_page",
            "website": "",
            "submission": token,
            **extra,
        }
        return client.post(url, data, REMOTE_ADDR="198.51.100.8")

    response = send(website="http://spam.example")
    assert "could not be accepted" in str(response.context["form"].non_field_errors())
    for _ in range(5):
        assert send().status_code == 302
    response = send()
    assert "Too many complaints" in str(response.context["form"].non_field_errors())
    assert Complaint.objects.count() == 6


# 7. Parts created through their pages, each once.


def _post_form(client, url, data):
    form = client.get(url).context["form"]
    token = form["submission"].value() if "submission" in form.fields else None
    payload = {**data, **({"submission": token} if token else {})}
    response = client.post(url, payload)
    assert response.status_code == 302, (
        getattr(response, "context", {}) and response.context["form"].errors
    )
    return response


def test_each_part_is_created_once_through_its_page(client, tenant):
    client.force_login(tenant.district_admin)
    pk = tenant.program.pk
    Evaluation.objects.all().delete()
    Contact.objects.all().delete()
    Expectation.objects.all().delete()

    _post_form(
        client,
        reverse("accountability:contact_create", args=[pk]),
        {"level": "building", "school": tenant.school.pk, "name": "Principal P"},
    )
    assert Contact.objects.get().school == tenant.school

    _post_form(
        client,
        reverse("accountability:meeting_create", args=[pk]),
        {
            "held_on": (TODAY - DAY).isoformat(),
            "school": tenant.school.pk,
            "attendees": "Principal and SRO",
            "topics": "The week",
        },
    )
    assert Meeting.objects.get().school == tenant.school

    _post_form(
        client,
        reverse("accountability:expectation_create", args=[pk]),
        {"held_by": "sros", "text": "Include the SRO in drills."},
    )
    assert Expectation.objects.count() == 1

    _post_form(
        client,
        reverse("accountability:settings", args=[pk]),
        {"acknowledge_within_days": 3, "meeting_every_days": 21},
    )
    assert AccountabilitySettings.objects.get().meeting_every_days == 21

    _post_form(
        client,
        reverse("accountability:evaluation_plan", args=[pk]),
        {
            "evaluators": "Board",
            "every_months": 12,
            "measures": "Everything",
            "data_sources": ["incidents", "enforcement"],
        },
    )
    assert EvaluationPlan.objects.count() == 1

    response = _post_form(
        client,
        reverse("accountability:evaluation_create", args=[pk]),
        {
            "period_start": (TODAY - 30 * DAY).isoformat(),
            "period_end": TODAY.isoformat(),
            "conducted_on": TODAY.isoformat(),
            "evaluators": "Board",
            "findings": "F",
            "recommendations": "R",
        },
    )
    evaluation = Evaluation.objects.get()
    assert response.url == evaluation.get_absolute_url()
    assert set(evaluation.snapshot) == {"program", "period", "incidents", "enforcement"}


def test_a_create_form_sent_twice_creates_one_meeting(client, tenant):
    client.force_login(tenant.sro)
    url = reverse("accountability:meeting_create", args=[tenant.program.pk])
    token = client.get(url).context["form"]["submission"].value()
    data = {
        "held_on": (TODAY - DAY).isoformat(),
        "school": tenant.school.pk,
        "attendees": "Principal and SRO",
        "topics": "The week",
        "submission": token,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Meeting.objects.count() == 1


# 8. Nothing with history is deleted.


def test_a_program_with_an_evaluation_cannot_be_deleted():
    bare = ProgramFactory()
    bare.delete()  # nothing hangs on it: it goes
    program = ProgramFactory()
    evaluation = EvaluationFactory(program=program)
    with pytest.raises(ProtectedError):
        program.delete()
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()


def _history_of(program, user, kind):
    if kind == "contact":
        Contact.objects.create(program=program, level="agency", name="A")
    elif kind == "expectation":
        Expectation.objects.create(program=program, held_by="sros", text="T")
    elif kind == "meeting":
        Meeting.objects.create(
            program=program, held_on=TODAY, attendees="A", topics="T", recorded_by=user
        )
    elif kind == "plan":
        EvaluationPlan.objects.create(
            program=program, evaluators="B", measures="M", data_sources=["incidents"]
        )
    else:
        AccountabilitySettings.objects.create(program=program)


@pytest.mark.parametrize("kind", ["contact", "expectation", "meeting", "plan", "settings"])
def test_history_protects_its_program(kind, tenant):
    program = ProgramFactory(district=tenant.district, agency=tenant.agency)
    _history_of(program, tenant.district_admin, kind)
    with pytest.raises(ProtectedError):
        program.delete()


def test_a_complaint_with_a_history_cannot_be_deleted(tenant):
    complaint = ComplaintFactory(program=tenant.program)
    ComplaintStatusChange.objects.create(complaint=complaint, to_status="received")
    with pytest.raises(ProtectedError):
        complaint.delete()


def test_state_staff_cannot_delete_evaluations_or_complaints_in_the_admin(
    client, state_staff, tenant
):
    client.force_login(state_staff)
    for name, obj in (("evaluation", tenant.evaluation), ("complaint", tenant.complaint)):
        url = reverse(f"admin:accountability_{name}_delete", args=[obj.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_admin_post_changing_a_complaints_workflow_changes_nothing(client, state_staff, tenant):
    client.force_login(state_staff)
    complaint = tenant.complaint
    url = reverse("admin:accountability_complaint_change", args=[complaint.pk])
    form = client.get(url).context["adminform"].form
    assert not {"status", "reviewer", "finding", "resolution"} & set(form.fields)
    data = {
        "program": complaint.program_id,
        "school": complaint.school_id or "",
        "officer_name": "Officer K",
        "description": complaint.description,
        "reply_by": complaint.reply_by,
        "status": "resolved",
        "reviewer": tenant.district_admin.pk,
        "finding": "sustained",
        "resolution": "Done",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
        "history-MIN_NUM_FORMS": "0",
        "history-MAX_NUM_FORMS": "1000",
    }
    for field in form.fields:
        data.setdefault(field, "")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    complaint.refresh_from_db()
    assert complaint.officer_name == "Officer K"  # the edit was taken...
    assert (complaint.status, complaint.reviewer, complaint.finding, complaint.resolution) == (
        "received",
        None,
        "",
        "",
    )  # ...but not the workflow
    assert complaint.version == 2
    assert not ComplaintStatusChange.objects.filter(
        complaint=complaint, to_status="resolved"
    ).exists()


def test_the_complaint_page_offers_the_workflow_only_to_those_its_rules_allow(
    client, tenant, state_staff
):
    client.force_login(state_staff)
    page = client.get(tenant.complaint.get_absolute_url()).content.decode()
    assert "Move the complaint on" not in page and "Assign" not in page
    client.force_login(tenant.agency_supervisor)
    page = client.get(tenant.complaint.get_absolute_url()).content.decode()
    assert "Move the complaint on" in page and "Assign" in page
    Complaint.objects.filter(pk=tenant.complaint.pk).update(status=Complaint.Status.WITHDRAWN)
    page = client.get(tenant.complaint.get_absolute_url()).content.decode()
    assert "Move the complaint on" not in page and ">Assign<" not in page


def test_state_staff_read_evaluations_and_complaints_in_the_admin(client, state_staff, tenant):
    client.force_login(state_staff)
    for name, obj in (("evaluation", tenant.evaluation), ("complaint", tenant.complaint)):
        url = reverse(f"admin:accountability_{name}_change", args=[obj.pk])
        assert client.get(url).status_code == 200
