"""The rules of the source document that programs enforce, each tested where it is enforced."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from programs import services
from programs.models import (
    MOU,
    Approval,
    Assignment,
    NeedsAssessment,
    Program,
    ProgramStatusChange,
    Side,
)
from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from sro_portal.versioning import STALE_MESSAGE
from tests.factories import (
    YEAR,
    AssignmentFactory,
    MOUFactory,
    NeedsAssessmentFactory,
    PositionFactory,
    ProgramFactory,
    ResponsibilityFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
COMPLETE_TEXT = ("information_sharing", "training", "complaint_process", "evaluation", "oversight")
DAY = datetime.timedelta(days=1)


@pytest.fixture
def district(tenant):
    return Actor(user=tenant.district_admin, ip_address="198.51.100.1")


@pytest.fixture
def agency(tenant):
    return Actor(user=tenant.agency_supervisor)


def approve_responsibilities(program, district, agency):
    for side, actor in ((Side.DISTRICT, district), (Side.AGENCY, agency)):
        services.approve(actor=actor, program=program, side=side)


def move(program, actor, *statuses):
    for status in statuses:
        services.program_change_status(actor=actor, program=program, to_status=status)


# Rule 1: no program goes ahead before its needs assessment concludes an SRO is needed.


def test_a_program_cannot_be_drafted_or_activated_without_a_concluded_assessment(tenant, district):
    program = tenant.program
    move(program, district, Program.Status.ASSESSING_NEED)
    with pytest.raises(ValidationError) as error:
        move(program, district, Program.Status.DRAFTING)
    assert "needs assessment" in error.value.message_dict["to_status"][0]
    program.refresh_from_db()
    assert program.status == Program.Status.ASSESSING_NEED


@pytest.mark.parametrize(
    ("conclusion", "purpose", "allowed"),
    [
        (NeedsAssessment.Conclusion.PENDING, "", False),
        (NeedsAssessment.Conclusion.SRO_NOT_NEEDED, "", False),
        (NeedsAssessment.Conclusion.SRO_NEEDED, "Safety at dismissal.", True),
    ],
)
def test_only_an_assessment_that_finds_an_sro_needed_lets_the_program_on(
    tenant, district, agency, conclusion, purpose, allowed
):
    program = tenant.program
    approve_responsibilities(program, district, agency)
    move(program, district, Program.Status.ASSESSING_NEED)
    NeedsAssessmentFactory(
        program=program,
        conclusion=conclusion,
        sro_purpose=purpose,
        concluded_on=None if conclusion == NeedsAssessment.Conclusion.PENDING else TODAY,
    )
    program = Program.objects.get(pk=program.pk)
    if allowed:
        move(program, district, Program.Status.DRAFTING, Program.Status.ACTIVE)
        assert Program.objects.get(pk=program.pk).status == Program.Status.ACTIVE
    else:
        with pytest.raises(ValidationError):
            move(program, district, Program.Status.DRAFTING)


def test_the_database_refuses_a_finding_of_need_without_purpose(tenant):
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedsAssessmentFactory(program=tenant.program, sro_purpose="")


def test_a_concluded_assessment_must_state_its_findings():
    assessment = NeedsAssessment(
        program=ProgramFactory(), conclusion=NeedsAssessment.Conclusion.SRO_NEEDED
    )
    with pytest.raises(ValidationError) as error:
        assessment.full_clean()
    assert set(error.value.message_dict) >= {
        "problems",
        "root_causes",
        "data_reviewed",
        "stakeholders_consulted",
        "concluded_on",
        "sro_purpose",
    }


def test_status_moves_only_along_the_allowed_steps_and_keeps_a_history(tenant, district, agency):
    program = tenant.program
    approve_responsibilities(program, district, agency)
    with pytest.raises(ValidationError):
        move(program, district, Program.Status.ACTIVE)
    NeedsAssessmentFactory(program=program)
    program = Program.objects.get(pk=program.pk)
    move(
        program,
        district,
        Program.Status.ASSESSING_NEED,
        Program.Status.DRAFTING,
        Program.Status.ACTIVE,
        Program.Status.SUSPENDED,
    )
    history = list(
        ProgramStatusChange.objects.filter(program=program).values_list("from_status", "to_status")
    )
    assert history == [
        ("proposed", "assessing_need"),
        ("assessing_need", "drafting"),
        ("drafting", "active"),
        ("active", "suspended"),
    ]
    assert AuditLog.objects.filter(action="update", object_id=str(program.pk)).count() == 4


def test_only_the_two_sides_change_a_program(tenant):
    for user in (tenant.building_admin, tenant.sro):
        with pytest.raises(ValidationError):
            move(tenant.program, Actor(user=user), Program.Status.ASSESSING_NEED)


def test_a_stale_edit_is_refused(tenant, district, agency):
    first = Program.objects.get(pk=tenant.program.pk)
    second = Program.objects.get(pk=tenant.program.pk)
    first.purpose = "Theirs"
    services.program_update(actor=agency, program=first, expected_version=1, fields=["purpose"])
    second.purpose = "Mine"
    with pytest.raises(ValidationError) as error:
        services.program_update(
            actor=district, program=second, expected_version=1, fields=["purpose"]
        )
    (message,) = error.value.messages
    assert message.startswith(STALE_MESSAGE) and "differs from yours in purpose" in message
    assert Program.objects.get(pk=tenant.program.pk).purpose == "Theirs"


# Roles and responsibilities: each side approves; a change clears the approvals.


def test_each_side_approves_the_responsibilities_for_itself_only(tenant, district, agency):
    program = tenant.program
    with pytest.raises(ValidationError) as error:
        services.approve(actor=agency, program=program, side=Side.DISTRICT)
    assert "side" in error.value.message_dict
    services.approve(actor=district, program=program, side=Side.DISTRICT)
    services.approve(actor=agency, program=program, side=Side.AGENCY)
    assert program.responsibilities_approved_by() == {Side.DISTRICT, Side.AGENCY}
    with pytest.raises(ValidationError):
        services.approve(actor=agency, program=program, side=Side.AGENCY)


@pytest.mark.parametrize("change", ["edit", "add", "delete"])
def test_a_change_after_approval_clears_both_approvals(tenant, district, agency, change):
    program = tenant.program
    services.approve(actor=district, program=program, side=Side.DISTRICT)
    services.approve(actor=agency, program=program, side=Side.AGENCY)
    responsibility = tenant.parts["responsibility"]
    if change == "edit":
        responsibility.description = "Something else"
        services.part_save(actor=agency, part=responsibility, changed_fields=["description"])
    elif change == "add":
        services.part_save(actor=agency, part=ResponsibilityFactory.build(program=program))
    else:
        services.part_delete(actor=agency, part=responsibility)
    assert not Approval.objects.filter(program=program).exists()
    assert AuditLog.objects.filter(action="delete", content_type__model="approval").count() == 2


def test_changing_other_parts_keeps_the_approvals(tenant, district):
    services.approve(actor=district, program=tenant.program, side=Side.DISTRICT)
    position = tenant.parts["position"]
    position.title = "Principal"
    services.part_save(actor=district, part=position, changed_fields=["title"])
    assert tenant.program.approvals.count() == 1


# The org chart and the SRO versus the school security officer.


def test_a_reporting_loop_is_refused(tenant):
    top = PositionFactory(program=tenant.program)
    middle = PositionFactory(program=tenant.program, reports_to=top)
    top.reports_to = middle
    with pytest.raises(ValidationError) as error:
        top.full_clean()
    assert "reports_to" in error.value.message_dict


def test_a_position_of_another_program_cannot_be_the_boss(tenant, other_tenant):
    position = PositionFactory.build(
        program=tenant.program, reports_to=other_tenant.parts["position"]
    )
    with pytest.raises(ValidationError) as error:
        position.full_clean()
    assert "reports_to" in error.value.message_dict


def test_sro_and_security_officer_need_distinct_stated_duties(tenant):
    sro = PositionFactory.build(program=tenant.program, kind="sro", duties="")
    with pytest.raises(ValidationError) as error:
        sro.full_clean()
    assert "duties" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(program=tenant.program, kind="security_officer", duties="")
    PositionFactory(program=tenant.program, kind="security_officer", duties="Watches the doors.")
    copy = PositionFactory.build(program=tenant.program, kind="sro", duties="Watches the doors.")
    with pytest.raises(ValidationError) as error:
        copy.full_clean()
    assert "word for word" in error.value.message_dict["duties"][0]


def test_property_of_a_school_outside_the_district_is_refused(tenant, other_tenant, district):
    area = tenant.parts["propertyarea"]
    area.school = other_tenant.school
    with pytest.raises(ValidationError) as error:
        services.part_save(actor=district, part=area)
    assert "school" in error.value.message_dict


# Selection: ratings by stakeholders without accounts, ranked in SQL.


def test_candidates_rank_by_mean_score(tenant):
    from programs.models import Candidate
    from tests.factories import CandidateRatingFactory

    program = tenant.program
    strong = CandidateRatingFactory(candidate__program=program, score=5).candidate
    CandidateRatingFactory(candidate=strong, criterion=tenant.rating.criterion, score=4)
    ranked = list(Candidate.objects.filter(program=program).ranked())
    assert ranked[0] == strong
    assert ranked[0].mean_score == pytest.approx(4.5)
    assert ranked[0].rating_count == 2


def test_a_score_outside_1_to_5_is_refused(tenant):
    rating = tenant.rating
    rating.score = 6
    with pytest.raises(ValidationError):
        rating.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(rating).objects.filter(pk=rating.pk).update(score=0)


# Rule 2 and the MOU: drafted, approved by both sides, signed, reviewed yearly.


def sign_both(mou, district, agency, **kwargs):
    for side, actor in ((Side.DISTRICT, district), (Side.AGENCY, agency)):
        services.approve(actor=actor, program=mou.program, side=side, mou=mou)
    for side, actor in ((Side.DISTRICT, district), (Side.AGENCY, agency)):
        services.mou_sign(
            actor=actor,
            mou=mou,
            side=side,
            signatory="Head",
            title="Title",
            signed_on=TODAY,
            **kwargs,
        )
    mou.refresh_from_db()
    return mou


def test_a_draft_is_not_signed_before_both_sides_approve(tenant, district, agency):
    mou = tenant.mou
    services.approve(actor=district, program=mou.program, side=Side.DISTRICT, mou=mou)
    with pytest.raises(ValidationError) as error:
        services.mou_sign(
            actor=district,
            mou=mou,
            side=Side.DISTRICT,
            signatory="Dr. Marsh",
            title="Superintendent",
            signed_on=TODAY,
        )
    assert "approve" in error.value.message_dict["side"][0]
    mou.refresh_from_db()
    assert mou.district_signed_on is None


def test_each_side_signs_for_itself_and_both_make_it_signed(tenant, district, agency):
    mou = tenant.mou
    for side, actor in ((Side.DISTRICT, district), (Side.AGENCY, agency)):
        services.approve(actor=actor, program=mou.program, side=side, mou=mou)
    with pytest.raises(ValidationError):
        services.mou_sign(
            actor=agency, mou=mou, side=Side.DISTRICT, signatory="X", title="Y", signed_on=TODAY
        )
    services.mou_sign(
        actor=district,
        mou=mou,
        side=Side.DISTRICT,
        signatory="Dr. Marsh",
        title="Superintendent",
        signed_on=TODAY,
    )
    assert MOU.objects.get(pk=mou.pk).state == MOU.State.DRAFT
    services.mou_sign(
        actor=agency,
        mou=mou,
        side=Side.AGENCY,
        signatory="Chief Dahl",
        title="Chief",
        signed_on=TODAY,
    )
    mou.refresh_from_db()
    assert mou.state == MOU.State.SIGNED
    assert mou.status == "active"


def test_a_signature_dated_in_the_future_is_refused(tenant, district, agency):
    mou = tenant.mou
    for side, actor in ((Side.DISTRICT, district), (Side.AGENCY, agency)):
        services.approve(actor=actor, program=mou.program, side=side, mou=mou)
    with pytest.raises(ValidationError) as error:
        services.mou_sign(
            actor=district,
            mou=mou,
            side=Side.DISTRICT,
            signatory="X",
            title="Y",
            signed_on=TODAY + 10 * DAY,
        )
    assert "signed_on" in error.value.message_dict


def test_editing_a_draft_clears_its_approvals_and_a_signed_mou_is_not_edited(
    tenant, district, agency
):
    mou = tenant.mou
    services.approve(actor=district, program=mou.program, side=Side.DISTRICT, mou=mou)
    mou.training = "More training"
    services.mou_update(actor=agency, mou=mou, expected_version=mou.version, fields=["training"])
    assert not mou.approvals.exists()
    sign_both(mou, district, agency)
    mou.training = "Changed after signing"
    with pytest.raises(ValidationError):
        services.mou_update(
            actor=agency, mou=mou, expected_version=mou.version, fields=["training"]
        )
    assert MOU.objects.get(pk=mou.pk).training == "More training"


def test_a_second_signed_mou_is_refused_unless_it_replaces_the_first(tenant, district, agency):
    first = sign_both(tenant.mou, district, agency)
    second = services.mou_create(
        actor=district,
        mou=MOU(
            program=tenant.program,
            effective_on=TODAY,
            ends_on=TODAY + 2 * YEAR,
            **{f: getattr(first, f) for f in COMPLETE_TEXT},
        ),
    )
    with pytest.raises(ValidationError) as error:
        sign_both(second, district, agency)
    assert "replaces_current" in error.value.message_dict
    assert MOU.objects.get(pk=second.pk).state == MOU.State.DRAFT
    services.mou_sign(
        actor=agency,
        mou=second,
        side=Side.AGENCY,
        signatory="Chief",
        title="Chief",
        signed_on=TODAY,
        replaces_current=True,
    )
    assert MOU.objects.get(pk=first.pk).state == MOU.State.SUPERSEDED
    assert MOU.objects.get(pk=second.pk).state == MOU.State.SIGNED
    assert second.number == first.number + 1


def test_the_database_allows_one_signed_mou_per_program(tenant):
    MOUFactory(program=tenant.program, signed=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        MOUFactory(program=tenant.program, signed=True)


def test_the_database_refuses_mou_dates_in_the_wrong_order(tenant):
    with pytest.raises(IntegrityError), transaction.atomic():
        MOUFactory(program=tenant.program, effective_on=TODAY, ends_on=TODAY - DAY)


def test_mou_status_follows_its_dates(tenant):
    mou = MOUFactory(program=tenant.program, signed=True)
    assert mou.status == "active"
    mou.effective_on = TODAY + DAY
    assert mou.status == "signed"
    mou.effective_on, mou.ends_on = TODAY - 2 * YEAR, TODAY - DAY
    assert mou.status == "expired"
    assert MOUFactory(program=tenant.program).status == "draft"


# Rule 3: the annual review.


def test_review_falls_due_a_year_after_signing_then_a_year_after_each_review(
    tenant, district, agency
):
    mou = tenant.mou
    mou = sign_both(mou, district, agency)
    assert mou.review_due_on == mou.effective_on.replace(year=mou.effective_on.year + 1)
    from programs.models import MOUReview

    review = MOUReview(
        mou=mou,
        reviewed_on=TODAY - 5 * DAY,
        reviewers="Both heads",
        outcome=MOUReview.Outcome.CONTINUE,
    )
    services.mou_review_record(actor=district, review=review)
    mou.refresh_from_db()
    assert mou.review_due_on == (TODAY - 5 * DAY).replace(year=TODAY.year + 1)


@pytest.mark.parametrize("reviewed_on", [TODAY + DAY, TODAY - 3 * YEAR])
def test_a_review_in_the_future_or_before_the_mou_is_refused(tenant, reviewed_on):
    from programs.models import MOUReview

    mou = MOUFactory(program=tenant.program, signed=True)
    review = MOUReview(mou=mou, reviewed_on=reviewed_on, reviewers="X", outcome="continue")
    with pytest.raises(ValidationError) as error:
        services.mou_review_record(actor=Actor(user=tenant.district_admin), review=review)
    assert "reviewed_on" in error.value.message_dict


def test_overdue_reviews_are_found_in_sql(tenant, other_tenant):
    overdue = MOUFactory(program=tenant.program, signed=True, review_due_on=TODAY - DAY)
    MOUFactory(program=other_tenant.program, signed=True, review_due_on=TODAY + 90 * DAY)
    assert list(MOU.objects.review_due_within(-1)) == [overdue]
    assert overdue.is_review_overdue


# Rule 2: an SRO works in a school only under a signed MOU in force.


def assign(tenant, actor, **dates):
    return services.assignment_save(
        actor=actor,
        assignment=Assignment(
            program=tenant.program, school=tenant.other_school, officer=tenant.sro, **dates
        ),
    )


def test_an_assignment_without_a_signed_mou_is_refused(tenant, district):
    with pytest.raises(ValidationError) as error:
        assign(tenant, district, starts_on=TODAY)
    assert "No signed MOU" in error.value.message_dict["starts_on"][0]
    assert Assignment.objects.filter(school=tenant.other_school).count() == 0


def test_an_assignment_outside_the_mou_dates_is_refused(tenant, district):
    mou = MOUFactory(program=tenant.program, signed=True)
    with pytest.raises(ValidationError):
        assign(tenant, district, starts_on=mou.effective_on - DAY)
    with pytest.raises(ValidationError):
        assign(tenant, district, starts_on=TODAY, ends_on=mou.ends_on + DAY)
    assignment = assign(tenant, district, starts_on=TODAY, ends_on=mou.ends_on)
    assert assignment.pk


def test_an_assignment_needs_an_sro_of_the_agency_and_a_school_of_the_district(
    tenant, other_tenant, district
):
    MOUFactory(program=tenant.program, signed=True)
    with pytest.raises(ValidationError) as error:
        services.assignment_save(
            actor=district,
            assignment=Assignment(
                program=tenant.program,
                school=other_tenant.school,
                officer=other_tenant.sro,
                starts_on=TODAY,
            ),
        )
    assert set(error.value.message_dict) == {"school", "officer"}


def test_an_assignment_is_active_only_while_a_signed_mou_is_in_force(tenant):
    program = tenant.program
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    assignment = tenant.assignment
    assert assignment not in Assignment.objects.active(), "a draft MOU covers nothing"
    mou = MOUFactory(program=program, signed=True)
    assert assignment in Assignment.objects.active()
    assert assignment not in Assignment.objects.active(on=mou.ends_on + DAY)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.SUSPENDED)
    assert assignment not in Assignment.objects.active()


def test_an_assignment_cannot_end_before_it_starts(tenant):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(
            program=tenant.program,
            school=tenant.school,
            officer=tenant.sro,
            starts_on=TODAY,
            ends_on=TODAY - DAY,
        )


def test_every_part_carries_the_programs_district_and_agency(tenant):
    for part in tenant.parts.values():
        part.refresh_from_db()
        assert (part.district_id, part.agency_id) == (
            tenant.program.district_id,
            tenant.program.agency_id,
        )


def test_a_school_in_another_district_is_not_offered(tenant):
    from programs.forms import AssignmentForm

    SchoolFactory()
    form = AssignmentForm(program=tenant.program, user=tenant.district_admin)
    assert set(form.fields["school"].queryset) == {tenant.school, tenant.other_school}
    assert list(form.fields["officer"].queryset) == [tenant.sro]


def test_a_program_under_way_keeps_its_finding_of_need(tenant, district):
    NeedsAssessmentFactory(program=tenant.program)
    program = Program.objects.get(pk=tenant.program.pk)
    move(program, district, Program.Status.ASSESSING_NEED, Program.Status.DRAFTING)
    assessment = NeedsAssessment.objects.get(program=program)
    assessment.conclusion = NeedsAssessment.Conclusion.SRO_NOT_NEEDED
    with pytest.raises(ValidationError) as error:
        services.needs_assessment_save(
            actor=district, assessment=assessment, changed_fields=["conclusion"]
        )
    assert "conclusion" in error.value.message_dict
    assert NeedsAssessment.objects.get(program=program).establishes_need
