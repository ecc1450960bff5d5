"""The program pages: what each form refuses, what each page shows, and at what cost in queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import MOU, Approval, Assignment, NeedsAssessment, Program, Side
from sro_portal.models import AuditLog
from sro_portal.versioning import STALE_MESSAGE
from tests.factories import (
    YEAR,
    MOUFactory,
    NeedsAssessmentFactory,
    PositionFactory,
    ProgramFactory,
    RequirementFactory,
    ResponsibilityFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def errors_of(response):
    return response.context["form"].errors


def test_a_district_admin_proposes_a_program_with_their_district_only(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    form = client.get(reverse("programs:program_create")).context["form"]
    assert list(form.fields["district"].queryset) == [tenant.district]
    response = client.post(
        reverse("programs:program_create"),
        {
            "district": other_tenant.district.pk,
            "agency": tenant.agency.pk,
            "name": "Mine",
            "purpose": "Typed purpose",
        },
    )
    assert "district" in errors_of(response)
    assert response.context["form"]["purpose"].value() == "Typed purpose"
    assert not Program.objects.filter(name="Mine").exists()
    response = client.post(
        reverse("programs:program_create"),
        {
            "district": tenant.district.pk,
            "agency": tenant.agency.pk,
            "name": "Mine",
            "purpose": "Typed purpose",
        },
    )
    program = Program.objects.get(name="Mine")
    assert response.url == program.get_absolute_url()
    assert program.status_changes.get().to_status == Program.Status.PROPOSED


def test_a_duplicate_program_name_in_the_district_is_refused_beside_the_field(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.post(
        reverse("programs:program_create"),
        {
            "district": tenant.district.pk,
            "agency": tenant.agency.pk,
            "name": tenant.program.name,
        },
    )
    assert response.status_code == 200
    assert errors_of(response)
    assert Program.objects.filter(name=tenant.program.name).count() == 1


def test_the_status_form_refuses_activation_without_assessment_beside_the_field(client, tenant):
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ASSESSING_NEED)
    client.force_login(tenant.district_admin)
    response = client.post(
        reverse("programs:program_status", args=[tenant.program.pk]),
        {"to_status": "drafting", "note": "typed note"},
    )
    assert "needs assessment" in errors_of(response)["to_status"][0]
    assert response.context["form"]["note"].value() == "typed note"
    assert Program.objects.get(pk=tenant.program.pk).status == Program.Status.ASSESSING_NEED


def test_the_assessment_form_asks_for_the_purpose_and_keeps_what_was_typed(client, tenant):
    client.force_login(tenant.agency_supervisor)
    url = reverse("programs:needs_assessment", args=[tenant.program.pk])
    data = {
        "problems": "Typed problems",
        "root_causes": "Causes",
        "data_reviewed": "Data",
        "stakeholders_consulted": ["students", "families"],
        "conclusion": "sro_needed",
        "sro_purpose": "",
        "concluded_on": TODAY.isoformat(),
    }
    response = client.post(url, data)
    assert "sro_purpose" in errors_of(response)
    assert response.context["form"]["problems"].value() == "Typed problems"
    assert not NeedsAssessment.objects.exists()
    response = client.post(url, {**data, "sro_purpose": "Safety"})
    assert response.status_code == 302
    assert Program.objects.get(pk=tenant.program.pk).has_established_need


def test_the_program_edit_refuses_a_stale_version(client, tenant):
    client.force_login(tenant.district_admin)
    url = reverse("programs:program_update", args=[tenant.program.pk])
    Program.objects.filter(pk=tenant.program.pk).update(version=2, purpose="Someone else's")
    response = client.post(url, {"name": "Renamed", "purpose": "Mine", "version": 1})
    (message,) = response.context["form"].non_field_errors()
    assert message.startswith(STALE_MESSAGE) and "purpose" in message
    assert response.context["form"]["purpose"].value() == "Mine"
    assert Program.objects.get(pk=tenant.program.pk).purpose == "Someone else's"


def test_a_part_form_refuses_bad_input_beside_the_field(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    response = client.post(
        reverse("programs:propertyarea_create", args=[tenant.program.pk]),
        {"school": other_tenant.school.pk, "kind": "parking", "description": "Typed"},
    )
    assert "school" in errors_of(response)
    assert response.context["form"]["description"].value() == "Typed"
    response = client.post(
        reverse("programs:candidaterating_create", args=[tenant.program.pk]),
        {
            "candidate": tenant.rating.candidate.pk,
            "criterion": tenant.rating.criterion.pk,
            "rater_name": "A parent",
            "rater_stake": "family",
            "score": 9,
        },
    )
    assert "score" in errors_of(response)


def test_a_responsibility_edited_in_the_browser_clears_the_approvals(client, tenant):
    client.force_login(tenant.district_admin)
    client.post(
        reverse("programs:responsibilities_approve", args=[tenant.program.pk]), {"side": "district"}
    )
    assert tenant.program.approvals.count() == 1
    responsibility = tenant.parts["responsibility"]
    response = client.post(
        reverse("programs:responsibility_update", args=[tenant.program.pk, responsibility.pk]),
        {
            "part_of_job": "educator",
            "description": "Changed",
            "sro_does": "on",
            "version": responsibility.version,
        },
    )
    assert response.status_code == 302
    assert not tenant.program.approvals.exists()


def test_approval_for_the_other_side_is_refused(client, tenant):
    client.force_login(tenant.agency_supervisor)
    response = client.post(
        reverse("programs:responsibilities_approve", args=[tenant.program.pk]),
        {"side": "district"},
        follow=True,
    )
    assert "Only the district" in response.content.decode()
    assert not Approval.objects.exists()


def approve_mou(client, tenant, mou):
    for user, side in ((tenant.district_admin, "district"), (tenant.agency_supervisor, "agency")):
        client.force_login(user)
        client.post(reverse("programs:mou_approve", args=[mou.pk]), {"side": side})
    assert mou.approvals.count() == 2


def test_mou_dates_in_the_wrong_order_are_refused_beside_the_field(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.post(
        reverse("programs:mou_create", args=[tenant.program.pk]),
        {
            "effective_on": TODAY.isoformat(),
            "ends_on": (TODAY - DAY).isoformat(),
            "training": "Typed training",
        },
    )
    assert "ends_on" in errors_of(response)
    assert response.context["form"]["training"].value() == "Typed training"
    assert MOU.objects.count() == 1  # the tenant's own draft only


def test_a_signature_on_an_unapproved_draft_is_refused_beside_the_field(client, tenant):
    client.force_login(tenant.district_admin)
    data = {
        "side": "district",
        "signatory": "Dr. Marsh",
        "title": "Superintendent",
        "signed_on": TODAY.isoformat(),
    }
    response = client.post(reverse("programs:mou_sign", args=[tenant.mou.pk]), data)
    assert "approve" in errors_of(response)["side"][0]
    assert response.context["form"]["signatory"].value() == "Dr. Marsh"
    assert MOU.objects.get(pk=tenant.mou.pk).district_signed_on is None


def test_signing_offers_only_ones_own_side(client, tenant):
    client.force_login(tenant.agency_supervisor)
    form = client.get(reverse("programs:mou_sign", args=[tenant.mou.pk])).context["form"]
    assert [value for value, _ in form.fields["side"].choices] == ["agency"]


def test_a_second_signed_mou_is_refused_beside_the_confirmation(client, tenant):
    MOUFactory(program=tenant.program, signed=True)
    mou = tenant.mou
    approve_mou(client, tenant, mou)
    for user, side in ((tenant.district_admin, "district"), (tenant.agency_supervisor, "agency")):
        client.force_login(user)
        response = client.post(
            reverse("programs:mou_sign", args=[mou.pk]),
            {
                "side": side,
                "signatory": "Head",
                "title": "Title",
                "signed_on": TODAY.isoformat(),
            },
        )
    assert "replaces_current" in errors_of(response)
    assert MOU.objects.get(pk=mou.pk).state == MOU.State.DRAFT


def test_an_assignment_outside_the_mou_is_refused_beside_the_field(client, tenant):
    mou = MOUFactory(program=tenant.program, signed=True)
    client.force_login(tenant.district_admin)
    data = {
        "school": tenant.other_school.pk,
        "officer": tenant.sro.pk,
        "starts_on": (mou.effective_on - DAY).isoformat(),
    }
    response = client.post(reverse("programs:assignment_create", args=[tenant.program.pk]), data)
    assert "No signed MOU" in errors_of(response)["starts_on"][0]
    assert response.context["form"]["school"].value() == str(tenant.other_school.pk)
    assert not Assignment.objects.filter(school=tenant.other_school).exists()
    data["starts_on"] = TODAY.isoformat()
    response = client.post(reverse("programs:assignment_create", args=[tenant.program.pk]), data)
    assert response.status_code == 302
    assert Assignment.objects.filter(school=tenant.other_school).exists()
    assert AuditLog.objects.filter(action="create", content_type__model="assignment").exists()


def test_an_assignment_ending_before_it_starts_is_refused_beside_the_field(client, tenant):
    MOUFactory(program=tenant.program, signed=True)
    client.force_login(tenant.district_admin)
    response = client.post(
        reverse("programs:assignment_create", args=[tenant.program.pk]),
        {
            "school": tenant.other_school.pk,
            "officer": tenant.sro.pk,
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY - DAY).isoformat(),
        },
    )
    assert "ends_on" in errors_of(response)


def test_the_mou_document_has_every_section_and_signature_blocks(client, tenant):
    from accountability.models import EvaluationPlan

    NeedsAssessmentFactory(program=tenant.program)
    RequirementFactory()
    EvaluationPlan.objects.create(
        program=tenant.program,
        evaluators="the research office",
        every_months=12,
        measures="Incidents.",
        data_sources=["incidents"],
    )
    mou = MOUFactory(
        program=tenant.program,
        signed=True,
        information_sharing="Shared data",
        complaint_process="File with the district",
        evaluation="Each June",
        training="NASRO basic",
    )
    client.force_login(tenant.building_admin)
    page = client.get(mou.get_absolute_url()).content.decode()
    for heading in [
        "1. Parties",
        "2. Purpose",
        "3. Drafted by",
        "4. Roles and responsibilities",
        "5. Response to incidents",
        "6. Positions and organisational chart",
        "7. The SRO and the school security officer",
        "8. School property under the SRO",
        "9. Community outreach",
        "10. Training",
        "11. Data collected and shared",
        "12. Contacts",
        "13. Meetings of administrators and the SRO",
        "14. Mutual expectations",
        "15. Administrators' oversight of the SRO",
        "16. Complaints",
        "17. Evaluation",
        "18. Term and review",
        "19. Signatures",
    ]:
        assert heading in page
    for text in [
        "Shared data",
        "File with the district",
        "Each June",
        "NASRO basic",
        tenant.parts["responsibility"].description,
        tenant.parts["protocolentry"].situation,
        tenant.parts["outreachcomponent"].component,
        "Safety at arrival and dismissal.",
    ]:
        assert text in page
    assert page.count('class="signature-line"') == 2
    assert "This program" in page and "Statewide" in page  # the training requirements
    # The complaint process and the evaluation plan come from the accountability records.
    assert reverse("accountability:complaint_create") in page
    assert "evaluated every 12 months. Evaluated by: the research office" in page
    assert "What happens next" not in page, "a building administrator does not act on the MOU"


def test_the_org_chart_draws_each_reporting_line(client, tenant):
    boss = tenant.parts["position"]
    PositionFactory(program=tenant.program, reports_to=boss, title="Counselor")
    PositionFactory(
        program=tenant.program,
        reports_to=boss,
        title="Security officer",
        kind="security_officer",
        duties="Doors",
    )
    client.force_login(tenant.sro)
    page = client.get(tenant.program.get_absolute_url()).content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert svg.count("<rect") == 3
    assert svg.count("<line") == 3 * 2  # three segments for each of the two reporting lines
    assert "Counselor" in svg and boss.title in svg
    assert 'role="img"' in svg


def test_selection_ratings_show_to_the_two_sides_only(client, tenant):
    for user, shown in [
        (tenant.district_admin, True),
        (tenant.agency_supervisor, True),
        (tenant.building_admin, False),
        (tenant.sro, False),
    ]:
        client.force_login(user)
        page = client.get(tenant.program.get_absolute_url()).content.decode()
        assert (tenant.rating.candidate.name in page) == shown


def test_readers_get_no_edit_controls(client, tenant):
    client.force_login(tenant.sro)
    page = client.get(tenant.program.get_absolute_url()).content.decode()
    assert "Assign an SRO" not in page and "Add a responsibility" not in page
    client.force_login(tenant.district_admin)
    page = client.get(tenant.program.get_absolute_url()).content.decode()
    assert "Assign an SRO" in page and "Add a responsibility" in page


def test_an_ended_program_is_read_only(client, tenant):
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ENDED)
    client.force_login(tenant.district_admin)
    url = reverse("programs:responsibility_create", args=[tenant.program.pk])
    assert client.get(url).status_code == 403


def test_the_district_home_shows_each_reminder(client, tenant):
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ACTIVE)
    MOUFactory(
        program=tenant.program, signed=True, review_due_on=TODAY - DAY, ends_on=TODAY + 30 * DAY
    )
    ProgramFactory(district=tenant.district, agency=tenant.agency, name="Unassessed Program")
    other = ProgramFactory(district=tenant.district, agency=tenant.agency, name="Uncovered")
    NeedsAssessmentFactory(program=other)
    from tests.factories import AssignmentFactory

    AssignmentFactory(program=other, school=tenant.other_school, officer=tenant.sro)
    for user in (tenant.district_admin, tenant.agency_supervisor):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert "annual review of MOU version" in page and "was due" in page
        assert "ends" in page and "Draft the next version" in page
        assert "Unassessed Program: no concluded needs assessment yet." in page
        assert f"{tenant.other_school}: {tenant.sro} is assigned, but no signed MOU" in page


def test_reminders_say_review_due_soon_before_it_is_overdue(client, tenant):
    MOUFactory(program=tenant.program, signed=True, review_due_on=TODAY + 30 * DAY)
    NeedsAssessmentFactory(program=tenant.program)
    client.force_login(tenant.district_admin)
    reminders = client.get(reverse("home")).context["reminders"]
    [review] = [r for r in reminders if "annual review" in r.text]
    assert review.level == "warning" and "is due" in review.text


def test_the_admin_lists_overdue_reviews(client, tenant, state_staff):
    overdue = MOUFactory(program=tenant.program, signed=True, review_due_on=TODAY - DAY)
    client.force_login(state_staff)
    response = client.get(reverse("admin:programs_mou_changelist") + "?review=overdue")
    assert list(response.context["cl"].result_list) == [overdue]


@pytest.mark.parametrize("size", [1, 8])
def test_the_program_page_runs_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries, size
):
    program = tenant.program
    NeedsAssessmentFactory(program=program)
    for _ in range(size):
        ResponsibilityFactory(program=program)
        PositionFactory(program=program, reports_to=tenant.parts["position"])
        MOUFactory(program=program)
    client.force_login(tenant.district_admin)
    with django_assert_max_num_queries(18):
        assert client.get(program.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_the_mou_page_and_program_list_run_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries, size
):
    for _ in range(size):
        ResponsibilityFactory(program=tenant.program)
        ProgramFactory(district=tenant.district, agency=tenant.agency)
    client.force_login(tenant.district_admin)
    # 17: the document also carries the positions, property, contacts and expectations.
    with django_assert_max_num_queries(17):
        assert client.get(tenant.mou.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("programs:program_list")).status_code == 200


def test_signed_mous_cannot_be_opened_for_editing(client, tenant):
    mou = MOUFactory(program=tenant.program, signed=True)
    client.force_login(tenant.district_admin)
    assert client.get(reverse("programs:mou_update", args=[mou.pk])).status_code == 403
    assert (
        client.post(
            reverse("programs:mou_drafter_create", args=[mou.pk]),
            {"name": "X", "party": "district"},
        ).status_code
        == 200
    )
    assert not mou.drafters.exists()


def test_the_whole_journey_through_the_services_leaves_an_audit_trail(client, tenant):
    client.force_login(tenant.district_admin)
    mou = tenant.mou
    approve_mou(client, tenant, mou)
    assert AuditLog.objects.filter(content_type__model="approval", action="create").count() == 2
    assert Side.DISTRICT in mou.approved_sides()
    assert YEAR  # the factory year is what the other tests date against


def test_a_side_that_has_signed_is_not_offered_signing_again(client, tenant):
    mou = tenant.mou
    approve_mou(client, tenant, mou)
    client.force_login(tenant.district_admin)
    assert client.get(mou.get_absolute_url()).context["can_sign"]
    client.post(
        reverse("programs:mou_sign", args=[mou.pk]),
        {
            "side": "district",
            "signatory": "Head",
            "title": "Title",
            "signed_on": TODAY.isoformat(),
        },
    )
    assert not client.get(mou.get_absolute_url()).context["can_sign"]
    form = client.get(reverse("programs:mou_sign", args=[mou.pk])).context["form"]
    assert form.fields["side"].choices == []
    client.force_login(tenant.agency_supervisor)
    assert client.get(mou.get_absolute_url()).context["can_sign"]
