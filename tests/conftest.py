from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sro_portal.roles import Role
from tests.factories import (
    PDF_BYTES,
    ActivityLogFactory,
    AgencyFactory,
    AssignmentFactory,
    CandidateRatingFactory,
    ComplaintFactory,
    CompletionFactory,
    ContactFactory,
    CourseFactory,
    EnforcementActionFactory,
    EvaluationFactory,
    ExpectationFactory,
    IncidentFactory,
    MOUDrafterFactory,
    MOUFactory,
    OutreachComponentFactory,
    PositionFactory,
    ProgramFactory,
    PropertyAreaFactory,
    ProtocolEntryFactory,
    RequirementFactory,
    ResponsibilityFactory,
    SchoolFactory,
    StaffMemberFactory,
    user_with_role,
)


@dataclass
class Tenant:
    """One district with two schools, one agency, a program between them with one of each part,
    and a person for every local role."""

    district: object
    school: object
    other_school: object
    agency: object
    district_admin: object
    building_admin: object
    agency_supervisor: object
    sro: object
    program: object
    rating: object
    mou: object
    drafter: object
    assignment: object
    course: object
    requirement: object
    completion: object
    entry: object
    incident: object
    action: object
    complaint: object
    contact: object
    expectation: object
    evaluation: object
    staff_member: object  # on the school's staff roster
    parts: dict  # model name -> one instance, for each part edited on its own form


def make_tenant(prefix):
    school = SchoolFactory(name=f"{prefix} High School")
    other_school = SchoolFactory(district=school.district, name=f"{prefix} Middle School")
    agency = AgencyFactory(name=f"{prefix} Police Department")
    sro = user_with_role(Role.SRO, agency=agency, username=f"{prefix}.sro")
    program = ProgramFactory(district=school.district, agency=agency, name=f"{prefix} Program")
    rating = CandidateRatingFactory(candidate__program=program)
    mou = MOUFactory(program=program)
    parts = {
        "responsibility": ResponsibilityFactory(program=program),
        "protocolentry": ProtocolEntryFactory(program=program),
        "selectioncriterion": rating.criterion,
        "candidate": rating.candidate,
        "candidaterating": rating,
        "position": PositionFactory(program=program),
        "propertyarea": PropertyAreaFactory(program=program, school=school),
        "outreachcomponent": OutreachComponentFactory(program=program),
    }
    course = CourseFactory(title=f"{prefix} course")
    completion = CompletionFactory(
        person=sro,
        course=course,
        certificate=SimpleUploadedFile("certificate.pdf", PDF_BYTES),
    )
    assignment = AssignmentFactory(program=program, school=school, officer=sro)
    incident = IncidentFactory(program=program, school=school, reported_by=sro)
    return Tenant(
        complaint=ComplaintFactory(program=program, school=school),
        contact=ContactFactory(program=program),
        expectation=ExpectationFactory(program=program),
        evaluation=EvaluationFactory(program=program),
        staff_member=StaffMemberFactory(school=school, name=f"{prefix} teacher"),
        entry=ActivityLogFactory(assignment=assignment),
        incident=incident,
        action=EnforcementActionFactory(incident=incident),
        course=course,
        requirement=RequirementFactory(program=program),
        completion=completion,
        district=school.district,
        school=school,
        other_school=other_school,
        agency=agency,
        district_admin=user_with_role(
            Role.DISTRICT_ADMIN, district=school.district, username=f"{prefix}.district"
        ),
        building_admin=user_with_role(
            Role.BUILDING_ADMIN, school=school, username=f"{prefix}.principal"
        ),
        agency_supervisor=user_with_role(
            Role.AGENCY_SUPERVISOR, agency=agency, username=f"{prefix}.supervisor"
        ),
        sro=sro,
        program=program,
        rating=rating,
        mou=mou,
        drafter=MOUDrafterFactory(mou=mou),
        assignment=assignment,
        parts=parts,
    )


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def force_login_passes_second_step(monkeypatch):
    """`client.force_login(user)` stands for a whole sign-in, both steps: the user gets an
    authenticator app and the session counts as having passed it. The second step itself is
    tested by signing in through its forms (tests/sro_portal/test_two_factor.py)."""
    import django_otp
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client

    from tests.two_factor import give_app

    sign_in = Client.force_login
    apps = {}  # per user: pages whose query count is pinned sign in again without a query

    def force_login(self, user, backend=None):
        if user.pk not in apps:
            apps[user.pk] = give_app(user)
        user.forced_app = apps[user.pk]
        try:
            sign_in(self, user, backend)
        finally:
            del user.forced_app

    def mark_passed(sender, request, user, **kwargs):
        # Written into the session before the test client saves it: no query of its own.
        if hasattr(user, "forced_app"):
            request.session[django_otp.DEVICE_ID_SESSION_KEY] = user.forced_app.persistent_id

    monkeypatch.setattr(Client, "force_login", force_login)
    user_logged_in.connect(mark_passed, dispatch_uid="tests-force-login-second-step")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-force-login-second-step")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tenant(db):
    return make_tenant("home")


@pytest.fixture
def other_tenant(db):
    return make_tenant("other")


@pytest.fixture
def state_staff(db):
    return user_with_role(Role.STATE_STAFF, username="state")
