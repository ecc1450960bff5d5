"""The program's rules asked everywhere, the admin through them, no lost update, nothing with
history deleted, every create form, a complete MOU, and the protocol as it really is."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.models import (
    MOU,
    Assignment,
    Candidate,
    CandidateRating,
    MOUDrafter,
    MOUReview,
    NeedsAssessment,
    OutreachComponent,
    Position,
    Program,
    ProgramStatusChange,
    PropertyArea,
    ProtocolEntry,
    Responsibility,
    SelectionCriterion,
    Side,
)
from sro_portal.audit import Actor
from sro_portal.permissions import allows
from tests.factories import (
    YEAR,
    MOUDrafterFactory,
    MOUFactory,
    NeedsAssessmentFactory,
    PositionFactory,
    ProtocolEntryFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def district(tenant):
    return Actor(user=tenant.district_admin)


@pytest.fixture
def agency(tenant):
    return Actor(user=tenant.agency_supervisor)


def errors_of(response):
    return response.context["form"].errors


# 1. One rule per action, asked by the model, the views and the services.


def test_the_rules_give_each_side_its_own_actions(tenant, state_staff):
    program = tenant.program
    assert allows("programs.edit_program", tenant.district_admin, program)
    assert allows("programs.approve_for_side", tenant.agency_supervisor, (program, Side.AGENCY))
    assert not allows("programs.approve_for_side", tenant.agency_supervisor, (program, "district"))
    assert allows("programs.sign_mou", tenant.district_admin, (tenant.mou, Side.DISTRICT))
    assert allows("programs.edit_mou_draft", tenant.agency_supervisor, tenant.mou)
    for user in (tenant.building_admin, tenant.sro, state_staff):
        assert not allows("programs.edit_program", user, program)
        assert not allows("programs.manage_assignments", user, program)
    signed = MOUFactory(program=program, signed=True)
    assert not allows("programs.edit_mou_draft", tenant.district_admin, signed)


def test_a_service_refuses_any_change_to_an_ended_program(tenant, district):
    program = tenant.program
    services.program_change_status(actor=district, program=program, to_status="ended")
    assert not program.can_be_edited_by(tenant.district_admin)
    responsibility = tenant.parts["responsibility"]
    responsibility.description = "Changed after the end"
    attempts = [
        lambda: services.part_save(actor=district, part=responsibility),
        lambda: services.program_update(
            actor=district, program=program, expected_version=program.version, fields=["name"]
        ),
        lambda: services.approve(actor=district, program=program, side=Side.DISTRICT),
        lambda: services.mou_create(
            actor=district, mou=MOU(program=program, effective_on=TODAY, ends_on=TODAY + YEAR)
        ),
        lambda: services.part_delete(actor=district, part=tenant.parts["protocolentry"]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "ended" in error.value.message_dict["side"][0]
    responsibility.refresh_from_db()
    assert responsibility.description != "Changed after the end"
    assert ProtocolEntry.objects.filter(pk=tenant.parts["protocolentry"].pk).exists()


def test_the_program_page_offers_no_buttons_the_rules_refuse(client, tenant):
    url = tenant.program.get_absolute_url()
    client.force_login(tenant.district_admin)
    page = client.get(url).content.decode()
    assert reverse("programs:assignment_create", args=[tenant.program.pk]) in page
    Program.objects.filter(pk=tenant.program.pk).update(status="ended")
    page = client.get(url).content.decode()
    assert reverse("programs:assignment_create", args=[tenant.program.pk]) not in page
    assert reverse("programs:mou_create", args=[tenant.program.pk]) not in page


# 2. The admin: state staff audit; the rules give them no side, so they change nothing.


def test_an_admin_post_cannot_activate_a_program(client, tenant, state_staff):
    program = tenant.program
    history = ProgramStatusChange.objects.filter(program=program).count()
    client.force_login(state_staff)
    url = reverse("admin:programs_program_change", args=[program.pk])
    response = client.post(url, {"name": program.name, "purpose": "x", "status": "active"})
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.status == Program.Status.PROPOSED
    assert program.version == 1
    assert ProgramStatusChange.objects.filter(program=program).count() == history


def test_an_admin_post_cannot_move_an_assignment_outside_the_mou(client, tenant, state_staff):
    assignment = tenant.assignment
    before = (assignment.starts_on, assignment.ends_on)
    client.force_login(state_staff)
    response = client.post(
        reverse("admin:programs_assignment_change", args=[assignment.pk]),
        {
            "program": assignment.program_id,
            "school": assignment.school_id,
            "officer": assignment.officer_id,
            "starts_on": (TODAY - 20 * YEAR).isoformat(),
            "ends_on": (TODAY + 20 * YEAR).isoformat(),
        },
    )
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert (assignment.starts_on, assignment.ends_on) == before


@pytest.mark.parametrize(
    "model",
    [
        Program,
        NeedsAssessment,
        MOU,
        Assignment,
        SelectionCriterion,
        Candidate,
        "approval",
    ],
)
def test_the_admin_pages_still_open_for_state_staff(client, tenant, state_staff, district, model):
    NeedsAssessmentFactory(program=tenant.program)
    services.approve(actor=district, program=tenant.program, side=Side.DISTRICT)
    name = model if isinstance(model, str) else model._meta.model_name
    client.force_login(state_staff)
    changelist = client.get(reverse(f"admin:programs_{name}_changelist"))
    assert changelist.status_code == 200
    obj = changelist.context["cl"].result_list[0]
    page = client.get(reverse(f"admin:programs_{name}_change", args=[obj.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert not page.context["has_add_permission"]


def test_a_program_part_inline_is_read_only(client, tenant, state_staff):
    client.force_login(state_staff)
    page = client.get(reverse("admin:programs_program_change", args=[tenant.program.pk]))
    for formset in page.context["inline_admin_formsets"]:
        assert not formset.has_add_permission
        assert not formset.has_change_permission
        assert not formset.has_delete_permission


# 3. No lost update.


def test_the_second_of_two_needs_assessment_saves_is_refused(client, tenant):
    assessment = NeedsAssessmentFactory(program=tenant.program, conclusion="pending")
    url = reverse("programs:needs_assessment", args=[tenant.program.pk])
    client.force_login(tenant.district_admin)
    first = client.get(url).context["form"].initial
    second = dict(first)
    data = {
        k: v
        for k, v in first.items()
        if k != "concluded_on" and v is not None and k != "stakeholders_consulted"
    }
    data["stakeholders_consulted"] = ["students"]
    assert client.post(url, {**data, "problems": "First person's problems"}).status_code == 302
    response = client.post(
        url, {**data, "problems": "Second person's problems", "version": second["version"]}
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "Someone else changed this record" in message
    assert "problems observed" in message
    assessment.refresh_from_db()
    assert assessment.problems == "First person's problems"


def test_the_second_of_two_responsibility_saves_is_refused(client, tenant):
    responsibility = tenant.parts["responsibility"]
    url = reverse("programs:responsibility_update", args=[tenant.program.pk, responsibility.pk])
    client.force_login(tenant.district_admin)
    opened = client.get(url).context["form"].initial["version"]
    data = {"part_of_job": "educator", "sro_does": "on", "version": opened}
    assert client.post(url, {**data, "description": "First"}).status_code == 302
    client.force_login(tenant.agency_supervisor)
    response = client.post(url, {**data, "description": "Second"})
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "Someone else changed this record" in message and "description" in message
    responsibility.refresh_from_db()
    assert responsibility.description == "First"


def test_a_stale_service_save_is_refused(tenant, district):
    position = tenant.parts["position"]
    position.title = "New title"
    with pytest.raises(ValidationError) as error:
        services.part_save(actor=district, part=position, expected_version=position.version - 1)
    assert "title" in error.value.messages[0]
    position.refresh_from_db()
    assert position.title != "New title"


# 4. Nothing with history is deleted.


def test_a_program_with_an_mou_is_never_deleted(client, tenant, state_staff):
    with pytest.raises(ProtectedError):
        tenant.program.delete()
    client.force_login(state_staff)
    url = reverse("admin:programs_program_delete", args=[tenant.program.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Program.objects.filter(pk=tenant.program.pk).exists()


# 5. Every create form of every part works.

CREATE_DATA = {
    "responsibility": lambda t: {"part_of_job": "educator", "description": "Teach law"},
    "protocolentry": lambda t: {
        "situation": "Fight",
        "classification": "possibly_illegal",
        "responder": "sro",
        "non_enforcement_responses": ["warning"],
    },
    "selectioncriterion": lambda t: {"kind": "skill", "description": "Listening"},
    "candidate": lambda t: {"name": "Officer New"},
    "candidaterating": lambda t: {
        "candidate": t.rating.candidate.pk,
        "criterion": t.rating.criterion.pk,
        "rater_name": "A new rater",
        "rater_stake": "student",
        "score": 3,
    },
    "position": lambda t: {"side": "agency", "kind": "agency_head", "title": "Chief"},
    "propertyarea": lambda t: {"school": t.other_school.pk, "kind": "grounds"},
    "outreachcomponent": lambda t: {
        "component": "Bike rodeo",
        "kind": "outreach",
        "audience": "students",
        "frequency": "yearly",
    },
}
MODELS = {
    "responsibility": Responsibility,
    "protocolentry": ProtocolEntry,
    "selectioncriterion": SelectionCriterion,
    "candidate": Candidate,
    "candidaterating": CandidateRating,
    "position": Position,
    "propertyarea": PropertyArea,
    "outreachcomponent": OutreachComponent,
}


def _post_create(client, url, data):
    """GET the form, then POST it with its hidden fields (the one-time token) and `data`."""
    form = client.get(url).context["form"]
    hidden = {f.name: f.value() for f in form.hidden_fields() if f.value() is not None}
    assert "submission" in hidden
    return client.post(url, {**hidden, **data})


@pytest.mark.parametrize("name", list(CREATE_DATA))
def test_every_part_create_form_creates_one_record(client, tenant, name):
    model = MODELS[name]
    url = reverse(f"programs:{name}_create", args=[tenant.program.pk])
    client.force_login(tenant.district_admin)
    assert client.get(url).status_code == 200
    before = model.objects.count()
    response = _post_create(client, url, CREATE_DATA[name](tenant))
    assert response.status_code == 302, response.context["form"].errors
    assert model.objects.count() == before + 1


def test_the_mou_assignment_drafter_and_review_create_forms_create_one_record(
    client, tenant, district, agency
):
    client.force_login(tenant.district_admin)
    program = tenant.program
    before = MOU.objects.count()
    response = _post_create(
        client,
        reverse("programs:mou_create", args=[program.pk]),
        {"effective_on": TODAY.isoformat(), "ends_on": (TODAY + YEAR).isoformat()},
    )
    assert response.status_code == 302
    assert MOU.objects.count() == before + 1
    draft = MOU.objects.latest("pk")
    response = _post_create(
        client,
        reverse("programs:mou_drafter_create", args=[draft.pk]),
        {"name": "Youth council", "party": "stakeholder"},
    )
    assert response.status_code == 302
    assert MOUDrafter.objects.filter(mou=draft).count() == 1
    signed = MOUFactory(program=program, signed=True, number=99)
    response = _post_create(
        client,
        reverse("programs:mou_review", args=[signed.pk]),
        {"reviewed_on": TODAY.isoformat(), "reviewers": "Both sides", "outcome": "continue"},
    )
    assert response.status_code == 302
    assert MOUReview.objects.filter(mou=signed).count() == 1
    before = Assignment.objects.count()
    response = _post_create(
        client,
        reverse("programs:assignment_create", args=[program.pk]),
        {
            "school": tenant.other_school.pk,
            "officer": tenant.sro.pk,
            "starts_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.count() == before + 1


# 6. A complete MOU before activation and signing.


def _approve_and_sign(mou, district, agency):
    for side, actor in ((Side.DISTRICT, district), (Side.AGENCY, agency)):
        services.approve(actor=actor, program=mou.program, side=side, mou=mou)
    for side, actor in ((Side.DISTRICT, district), (Side.AGENCY, agency)):
        services.mou_sign(
            actor=actor, mou=mou, side=side, signatory="Head", title="Head", signed_on=TODAY
        )


def test_signing_is_refused_while_a_section_is_missing_then_accepted(tenant, district, agency):
    mou = tenant.mou
    MOU.objects.filter(pk=mou.pk).update(oversight="")
    mou.refresh_from_db()
    assert mou.missing_sections() == ["Administrators' oversight of the SRO"]
    with pytest.raises(ValidationError) as error:
        _approve_and_sign(mou, district, agency)
    assert "Administrators' oversight of the SRO" in error.value.message_dict["side"][0]
    assert MOU.objects.get(pk=mou.pk).state == MOU.State.DRAFT
    mou.not_applicable = {"oversight": "One school: the principal supervises the SRO."}
    services.mou_update(
        actor=district, mou=mou, expected_version=mou.version, fields=["not_applicable"]
    )
    mou = MOU.objects.get(pk=mou.pk)
    _approve_and_sign(mou, district, agency)
    assert MOU.objects.get(pk=mou.pk).state == MOU.State.SIGNED


def test_a_section_filled_from_the_programs_records_counts(tenant):
    mou = tenant.mou
    assert "SRO and school security officer duties" not in mou.missing_sections()  # none: N/A
    PositionFactory(program=tenant.program, kind="security_officer", duties="Door checks")
    mou = MOU.objects.get(pk=mou.pk)
    assert "SRO and school security officer duties" in mou.missing_sections()
    PositionFactory(program=tenant.program, kind="sro", duties="Law enforcement only")
    mou = MOU.objects.get(pk=mou.pk)
    assert "SRO and school security officer duties" not in mou.missing_sections()
    tenant.program.contacts.all().delete()
    mou = MOU.objects.get(pk=mou.pk)
    assert "Contacts" in mou.missing_sections()


def test_not_applicable_without_a_reason_is_refused_beside_the_field(client, tenant):
    client.force_login(tenant.district_admin)
    url = reverse("programs:mou_update", args=[tenant.mou.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not k.startswith("na_")}
    data["effective_on"] = tenant.mou.effective_on.isoformat()
    data["ends_on"] = tenant.mou.ends_on.isoformat()
    response = client.post(url, {**data, "na_contacts": "on", "na_contacts_reason": " "})
    assert response.status_code == 200
    assert "na_contacts_reason" in errors_of(response)
    assert MOU.objects.get(pk=tenant.mou.pk).not_applicable == {}
    response = client.post(
        url, {**data, "na_contacts": "on", "na_contacts_reason": "Listed in the handbook."}
    )
    assert response.status_code == 302
    assert MOU.objects.get(pk=tenant.mou.pk).not_applicable == {
        "contacts": "Listed in the handbook."
    }


def test_the_mou_page_shows_what_is_missing_before_signing(client, tenant):
    MOU.objects.filter(pk=tenant.mou.pk).update(training="")
    client.force_login(tenant.district_admin)
    page = client.get(tenant.mou.get_absolute_url()).content.decode()
    assert "Before it is signed" in page
    assert "<li>Training</li>" in page


def _ready_to_activate(tenant, district):
    NeedsAssessmentFactory(program=tenant.program)
    program = Program.objects.get(pk=tenant.program.pk)
    services.program_change_status(actor=district, program=program, to_status="assessing_need")
    services.program_change_status(actor=district, program=program, to_status="drafting")
    return program


def test_activation_is_refused_without_approvals_protocol_or_drafter(tenant, district, agency):
    program = _ready_to_activate(tenant, district)
    program.protocol_entries.all().delete()
    MOUDrafter.objects.filter(mou__program=program).delete()
    with pytest.raises(ValidationError) as error:
        services.program_change_status(actor=district, program=program, to_status="active")
    message = error.value.message_dict["to_status"][0]
    assert "approval of the roles and responsibilities" in message
    assert "response protocol" in message
    assert "drafted it" in message
    assert Program.objects.get(pk=program.pk).status == "drafting"
    for side, actor in ((Side.DISTRICT, district), (Side.AGENCY, agency)):
        services.approve(actor=actor, program=program, side=side)
    ProtocolEntryFactory(program=program)
    MOUDrafterFactory(mou=tenant.mou)
    services.program_change_status(actor=district, program=program, to_status="active")
    assert Program.objects.get(pk=program.pk).status == "active"


def test_the_document_shows_each_section_from_the_programs_records(client, tenant):
    from accountability.models import Expectation

    PositionFactory(program=tenant.program, kind="sro", title="Officer", duties="Patrol halls")
    PositionFactory(
        program=tenant.program, kind="security_officer", title="Guard", duties="Check doors"
    )
    Expectation.objects.create(program=tenant.program, held_by="sros", text="Invite the SRO")
    client.force_login(tenant.building_admin)
    page = client.get(tenant.mou.get_absolute_url()).content.decode()
    for text in [
        "Patrol halls",
        "Check doors",
        tenant.parts["position"].title,
        tenant.parts["propertyarea"].school.name,
        "within the SRO's control",
        tenant.contact.name,
        "at least every 14 days",
        "Invite the SRO",
        tenant.mou.oversight,
        tenant.mou.information_sharing,
        '<svg xmlns="http://www.w3.org/2000/svg"',
    ]:
        assert text in page, text


def test_a_section_marked_not_applicable_shows_its_reason(client, tenant):
    tenant.program.expectations.all().delete()
    MOU.objects.filter(pk=tenant.mou.pk).update(
        not_applicable={"expectations": "Agreed in the county compact."}
    )
    client.force_login(tenant.building_admin)
    page = client.get(tenant.mou.get_absolute_url()).content.decode()
    assert "Not applicable:</em> Agreed in the county compact." in page


# 7. The protocol as it is: an SRO in discipline is flagged, not denied.


def test_the_sro_does_not_enforce_discipline_is_said_only_when_true(client, tenant):
    client.force_login(tenant.district_admin)
    page = client.get(tenant.program.get_absolute_url()).content.decode()
    assert "the SRO does not enforce school discipline" in page
    assert "sro-discipline-flag" not in page
    ProtocolEntryFactory(program=tenant.program, situation="Dress code violations", responder="sro")
    for url in (tenant.program.get_absolute_url(), tenant.mou.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "the SRO does not enforce school discipline" not in page
        assert "sro-discipline-flag" in page
        assert "respond to disciplinary misconduct in: Dress code violations" in page


def test_state_staff_who_speak_for_a_side_edit_through_the_service(client, tenant):
    """Someone holding both the state role and the district's: the admin lets them change what
    the rule allows, and only through the service (version, audit), never the status."""
    from sro_portal.models import AuditLog, Membership
    from sro_portal.roles import Role

    person = tenant.district_admin
    Membership.objects.create(user=person, role=Role.STATE_STAFF)
    program = tenant.program
    client.force_login(person)
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = {"name": "Renamed", "purpose": "New purpose", "status": "active"}
    for inline in client.get(url).context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
    response = client.post(url, data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.purpose) == ("Renamed", "New purpose")
    assert program.status == Program.Status.PROPOSED
    assert program.version == 2
    entry = AuditLog.objects.filter(object_id=str(program.pk), action="update").first()
    assert entry is not None and "name" in entry.changed_fields


def test_the_second_of_two_mou_edits_is_refused_and_names_what_changed(client, tenant):
    url = reverse("programs:mou_update", args=[tenant.mou.pk])
    client.force_login(tenant.district_admin)
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not k.startswith("na_")}
    data["effective_on"] = tenant.mou.effective_on.isoformat()
    data["ends_on"] = tenant.mou.ends_on.isoformat()
    assert client.post(url, {**data, "training": "The district's words"}).status_code == 302
    client.force_login(tenant.agency_supervisor)
    response = client.post(url, {**data, "training": "The agency's words"})
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "Someone else changed this record" in message and "training" in message
    assert response.context["form"]["training"].value() == "The agency's words"
    assert MOU.objects.get(pk=tenant.mou.pk).training == "The district's words"
