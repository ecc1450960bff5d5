"""`manage.py generate_state_data`: a small state (--scale 0.01) holds every kind of row, in
roughly the proportions of the full one, and breaks none of the rules the services enforce."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accountability.models import (
    AccountabilitySettings,
    Complaint,
    ComplaintStatusChange,
    Contact,
    Enrollment,
    Evaluation,
    EvaluationPlan,
    Expectation,
    Meeting,
    SurveyResult,
)
from accountability.statedata import generate
from incidents.models import ENFORCEMENT_RESPONSES, ActivityLog, EnforcementAction, Incident
from incidents.services import assignment_for
from programs.models import (
    MOU,
    Approval,
    Assignment,
    Candidate,
    CandidateRating,
    Classification,
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
)
from programs.services import activation_missing
from sro_portal.models import Agency, AuditLog, District, Membership, School, User
from sro_portal.roles import Role
from tests.factories import DistrictFactory
from training.models import (
    Completion,
    ComplianceStatus,
    Course,
    Provider,
    Requirement,
    StaffMember,
)

pytestmark = pytest.mark.django_db

EVERY_KIND = [
    District,
    School,
    Agency,
    User,
    Membership,
    Program,
    ProgramStatusChange,
    NeedsAssessment,
    Responsibility,
    Approval,
    ProtocolEntry,
    SelectionCriterion,
    Candidate,
    CandidateRating,
    Position,
    PropertyArea,
    OutreachComponent,
    MOU,
    MOUDrafter,
    MOUReview,
    Assignment,
    AccountabilitySettings,
    Contact,
    Expectation,
    EvaluationPlan,
    Evaluation,
    ActivityLog,
    Incident,
    EnforcementAction,
    Provider,
    Course,
    Requirement,
    StaffMember,
    Completion,
    Complaint,
    ComplaintStatusChange,
    SurveyResult,
    Enrollment,
    Meeting,
    AuditLog,
    ComplianceStatus,
]
SCHOOL_ROWS = [
    ActivityLog,
    Incident,
    EnforcementAction,
    Assignment,
    StaffMember,
    Enrollment,
    SurveyResult,
]


@pytest.fixture
def state():
    return generate(scale=0.01, seed=7, quiet=True)


def test_every_kind_of_row_in_the_proportions_of_the_state(state):
    for model in EVERY_KIND:
        assert model.objects.exists(), model.__name__
    assert District.objects.count() == 4
    assert School.objects.count() == 22
    assert 0.85 * 20_500 <= ActivityLog.objects.count() <= 1.15 * 20_500
    assert 0.7 * 1_500 <= Incident.objects.count() <= 1.3 * 1_500
    assert 0.6 * 520 <= EnforcementAction.objects.count() <= 1.4 * 520
    assert 0.9 * 28_000 <= AuditLog.objects.count() <= 1.1 * 28_000
    assert Membership.objects.filter(role=Role.SRO).count() >= 3
    assert Program.objects.filter(status=Program.Status.ACTIVE).count() >= 2
    # Every demographic group appears, and enforcement falls more on Black students than their
    # share of enrollment, as the state's data show.
    actions = EnforcementAction.objects
    for field in (
        "student_gender",
        "student_race",
        "student_disability",
        "student_english_learner",
    ):
        values = set(actions.values_list(field, flat=True))
        assert len(values) >= 3, field
    black = actions.filter(student_race="black").count() / actions.count()
    where = Enrollment.objects.filter(school__in=actions.values("school"))
    enrolled = sum(e.black for e in where) / sum(e.total for e in where)
    assert black > enrolled
    # The audit trail holds the entry each service leaves.
    assert (
        AuditLog.objects.filter(action="create", content_type__model="activitylog").count()
        == ActivityLog.objects.count()
    )
    assert state["incidents.ActivityLog"] == ActivityLog.objects.count()


def test_the_rules_hold(state):
    # Rule 4: no arrest, citation, custody or referral on discipline-only misconduct.
    discipline = Classification.DISCIPLINARY
    assert not EnforcementAction.objects.filter(incident__classification=discipline).exists()
    assert not Incident.objects.filter(
        classification=discipline, sro_response__in=sorted(ENFORCEMENT_RESPONSES)
    ).exists()
    assert not Incident.objects.filter(
        sro_response__in=sorted(ENFORCEMENT_RESPONSES), enforcement_actions__isnull=True
    ).exists()
    assert not EnforcementAction.objects.exclude(case_number=F("incident__case_number")).exists()
    # Rule 2: activity only where the officer holds an assignment, active that day, under a
    # signed MOU in force.
    logs = ActivityLog.objects
    in_force = MOU.objects.filter(
        program=OuterRef("assignment__program"),
        state=MOU.State.SIGNED,
        effective_on__lte=OuterRef("occurred_on"),
        ends_on__gte=OuterRef("occurred_on"),
    )
    assert not logs.exclude(assignment__officer=F("officer")).exists()
    assert not logs.exclude(assignment__school=F("school")).exists()
    assert not logs.filter(
        Q(assignment__starts_on__gt=F("occurred_on")) | Q(assignment__ends_on__lt=F("occurred_on"))
    ).exists()
    assert not logs.exclude(assignment__program__status=Program.Status.ACTIVE).exists()
    assert not logs.exclude(Exists(in_force)).exists()
    for incident in Incident.objects.order_by("?")[:30]:
        day = timezone.localtime(incident.occurred_at).date()
        assert assignment_for(incident.reported_by, incident.school, day).program_id == (
            incident.program_id
        )
    # Every row's district is its school's.
    for model in SCHOOL_ROWS:
        assert not model.objects.exclude(district=F("school__district")).exists(), model
    assert (
        not Membership.objects.filter(role=Role.BUILDING_ADMIN)
        .exclude(district=F("school__district"))
        .exists()
    )
    # Programs are complete as the services require before activation and signing (rule 1).
    for program in Program.objects.filter(status=Program.Status.ACTIVE):
        assert activation_missing(program) == []
    for mou in MOU.objects.filter(state=MOU.State.SIGNED):
        assert mou.missing_sections() == []
        assert mou.is_approved_by_both_sides
    # Every kind of record is valid as its model validates it.
    for model in EVERY_KIND:
        for row in model.objects.order_by("?")[:15]:
            row.full_clean()


def test_the_same_seed_gives_the_same_state():
    def fingerprint(seed):
        with transaction.atomic():
            generate(scale=0.002, seed=seed, quiet=True)
            digest = hashlib.sha256()
            for model, fields in [
                (ActivityLog, ["officer__username", "school__name", "occurred_on", "minutes"]),
                (Incident, ["occurred_at", "classification", "sro_response", "case_number"]),
                (EnforcementAction, ["kind", "student_race", "student_age", "case_number"]),
                (AuditLog, ["at", "action", "actor_repr", "object_repr", "ip_address"]),
                (Complaint, ["tracking_code", "status"]),
            ]:
                for row in model.objects.order_by("pk").values_list(*fields):
                    digest.update(repr(row).encode())
            transaction.set_rollback(True)
        return digest.hexdigest()

    first = fingerprint(11)
    assert fingerprint(11) == first
    assert fingerprint(12) != first


def test_refuses_a_database_with_districts():
    DistrictFactory()
    with pytest.raises(CommandError, match="already has districts"):
        call_command("generate_state_data", "--scale", "0.01", verbosity=0)
    assert District.objects.count() == 1


def test_refused_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="not allow"):
        call_command("generate_state_data", "--scale", "0.01", verbosity=0)
    assert not District.objects.exists()


def test_the_command_reports_what_it_wrote():
    out = io.StringIO()
    call_command("generate_state_data", "--scale", "0.002", stdout=out, stderr=io.StringIO())
    assert "incidents.ActivityLog" in out.getvalue()
    assert ActivityLog.objects.exists()
