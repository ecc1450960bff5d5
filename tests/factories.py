import csv
import datetime
import importlib
import io
from decimal import Decimal

import factory
from django.apps import apps as django_apps
from django.utils import timezone
from factory.django import DjangoModelFactory

from accountability.models import Complaint, Contact, Evaluation, Expectation
from incidents.models import ActivityLog, ActivityType, EnforcementAction, Incident, OffenseCategory
from programs.models import (
    MOU,
    Assignment,
    Candidate,
    CandidateRating,
    Classification,
    MOUDrafter,
    NeedsAssessment,
    OutreachComponent,
    PartOfJob,
    Position,
    Program,
    PropertyArea,
    ProtocolEntry,
    RatingLink,
    RatingRound,
    Responder,
    Responsibility,
    SelectionCriterion,
    Side,
    token_hash,
)
from sro_portal.models import Agency, District, Grade, Membership, School, User
from sro_portal.roles import Role
from training.models import Audience, Completion, Course, Requirement, StaffMember, Topic

PASSWORD = "correct-horse-battery"
YEAR = datetime.timedelta(days=365)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["dpi_code"]

    name = factory.Sequence(lambda n: f"District {n} School District")
    dpi_code = factory.Sequence(lambda n: f"{1000 + n:04d}")
    county = "Dane"
    cesa = 2


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    dpi_code = factory.Sequence(lambda n: f"{n % 10000:04d}")
    lowest_grade = Grade.G9
    highest_grade = Grade.G12


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Town {n} Police Department")
    kind = Agency.Kind.POLICE_DEPARTMENT
    ori = factory.Sequence(lambda n: f"WI{n:07d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.STATE_STAFF


def user_with_role(role, *, district=None, school=None, agency=None, **user_fields):
    """A user holding one membership; the organisation must suit the role."""
    if school is not None:
        district = school.district
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, role=role, district=district, school=school, agency=agency)
    return user


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    district = factory.SubFactory(DistrictFactory)
    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"SRO Program {n}")
    purpose = "Safe schools and trusted officers."


class NeedsAssessmentFactory(DjangoModelFactory):
    """A concluded assessment that finds an SRO needed."""

    class Meta:
        model = NeedsAssessment

    program = factory.SubFactory(ProgramFactory)
    problems = "Fights at dismissal."
    root_causes = "No adult supervision at dismissal."
    data_reviewed = "Discipline referrals and the climate survey."
    stakeholders_consulted = ["students", "families"]
    conclusion = NeedsAssessment.Conclusion.SRO_NEEDED
    sro_purpose = "Safety at arrival and dismissal."
    concluded_on = datetime.date(2025, 5, 1)


class ResponsibilityFactory(DjangoModelFactory):
    class Meta:
        model = Responsibility

    program = factory.SubFactory(ProgramFactory)
    part_of_job = PartOfJob.EDUCATOR
    description = factory.Sequence(lambda n: f"Teach lesson {n}")
    drafted_by = Side.DISTRICT


class ProtocolEntryFactory(DjangoModelFactory):
    class Meta:
        model = ProtocolEntry

    program = factory.SubFactory(ProgramFactory)
    situation = "Vaping on school grounds"
    classification = Classification.DISCIPLINARY
    responder = Responder.SCHOOL_ADMIN
    non_enforcement_responses = ["referral_to_services"]


class SelectionCriterionFactory(DjangoModelFactory):
    class Meta:
        model = SelectionCriterion

    program = factory.SubFactory(ProgramFactory)
    kind = SelectionCriterion.Kind.SKILL
    description = "De-escalation"


class CandidateFactory(DjangoModelFactory):
    class Meta:
        model = Candidate

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Officer {n}")


class CandidateRatingFactory(DjangoModelFactory):
    class Meta:
        model = CandidateRating

    candidate = factory.SubFactory(CandidateFactory)
    program = factory.SelfAttribute("candidate.program")
    criterion = factory.SubFactory(
        SelectionCriterionFactory, program=factory.SelfAttribute("..program")
    )
    rater_name = factory.Sequence(lambda n: f"Rater {n}")
    rater_stake = CandidateRating.Stake.FAMILY
    score = 4


class RatingRoundFactory(DjangoModelFactory):
    class Meta:
        model = RatingRound

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Rating round {n}")
    created_by = factory.SubFactory(UserFactory)


class RatingLinkFactory(DjangoModelFactory):
    """Pass `token=` to know it: only its hash is stored."""

    class Meta:
        model = RatingLink
        exclude = ["token"]

    round = factory.SubFactory(RatingRoundFactory)
    stake = CandidateRating.Stake.STUDENT
    token = factory.Sequence(lambda n: f"token-{n}-of-a-rating-link-for-tests")
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    program = factory.SubFactory(ProgramFactory)
    side = Side.DISTRICT
    kind = Position.Kind.BUILDING_ADMIN
    title = factory.Sequence(lambda n: f"Position {n}")


class PropertyAreaFactory(DjangoModelFactory):
    class Meta:
        model = PropertyArea

    program = factory.SubFactory(ProgramFactory)
    school = factory.SubFactory(SchoolFactory, district=factory.SelfAttribute("..program.district"))
    kind = PropertyArea.Kind.PARKING


class OutreachComponentFactory(DjangoModelFactory):
    class Meta:
        model = OutreachComponent

    program = factory.SubFactory(ProgramFactory)
    component = "Family safety night"
    kind = OutreachComponent.Kind.OUTREACH
    audience = OutreachComponent.Audience.FAMILIES
    frequency = OutreachComponent.Frequency.YEARLY


class MOUFactory(DjangoModelFactory):
    """A draft; `signed=True` makes it signed by both sides, in force from a year ago."""

    class Meta:
        model = MOU

    class Params:
        signed = factory.Trait(
            state=MOU.State.SIGNED,
            district_signatory="Superintendent",
            district_signed_on=factory.LazyFunction(lambda: timezone.localdate() - YEAR),
            agency_signatory="Chief",
            agency_signed_on=factory.LazyFunction(lambda: timezone.localdate() - YEAR),
            review_due_on=factory.LazyAttribute(lambda m: m.effective_on + YEAR),
        )

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    effective_on = factory.LazyFunction(lambda: timezone.localdate() - YEAR)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + 2 * YEAR)
    information_sharing = "Activity logs and incidents, de-identified, shared each semester."
    training = "NASRO basic within a year."
    complaint_process = "File with the district office or online."
    evaluation = "Each June, by both sides."
    oversight = "The principal meets the SRO every two weeks."


class MOUDrafterFactory(DjangoModelFactory):
    class Meta:
        model = MOUDrafter

    mou = factory.SubFactory(MOUFactory)
    name = "Parent representative"
    party = MOUDrafter.Party.STAKEHOLDER


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    program = factory.SubFactory(ProgramFactory)
    school = factory.SubFactory(SchoolFactory, district=factory.SelfAttribute("..program.district"))
    officer = factory.SubFactory(UserFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - YEAR)


def seeded_topic(code):
    """A topic of the data migration. Tests that empty the database between them (the browser
    tests) lose seeded rows, so they are seeded again when missing."""
    if not Topic.objects.filter(code=code).exists():
        importlib.import_module("training.migrations.0002_seed_topics").seed(django_apps, None)
    return Topic.objects.get(code=code)


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Course {n}")
    hours = Decimal("8")
    delivery = Course.Delivery.IN_PERSON
    audiences = ["sro", "administrator"]
    learning_outcomes = "Calm a crisis without force"

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create:
            obj.topics.set(extracted or [seeded_topic("de-escalation")])


class RequirementFactory(DjangoModelFactory):
    """Statewide unless a program is given: SROs, 8 hours of de-escalation a year."""

    class Meta:
        model = Requirement

    audience = Audience.SRO
    topic = factory.LazyFunction(lambda: seeded_topic("de-escalation"))
    min_hours = Decimal("8")
    frequency = Requirement.Frequency.YEARLY
    deadline_days = 365


class CompletionFactory(DjangoModelFactory):
    class Meta:
        model = Completion

    person = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    hours = factory.SelfAttribute("course.hours")


class StaffMemberFactory(DjangoModelFactory):
    """A teacher on a school's staff roster, who started 200 days ago: well inside their first
    training year."""

    class Meta:
        model = StaffMember

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Teacher {n}")
    position = "Grade 9 English teacher"
    audience = Audience.TEACHER
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seeded(model, code):
    """A row of a seeded reference list (activity types, offense categories), seeded again
    when a test emptied the database."""
    if not model.objects.filter(code=code).exists():
        importlib.import_module("incidents.migrations.0003_seed_reference_lists").seed(
            django_apps, None
        )
    return model.objects.get(code=code)


class ActivityLogFactory(DjangoModelFactory):
    """An entry written straight to the database; the services check the rules."""

    class Meta:
        model = ActivityLog

    assignment = factory.SubFactory(AssignmentFactory)
    officer = factory.SelfAttribute("assignment.officer")
    school = factory.SelfAttribute("assignment.school")
    district = factory.SelfAttribute("assignment.program.district")
    agency = factory.SelfAttribute("assignment.program.agency")
    activity_type = factory.LazyFunction(lambda: seeded(ActivityType, "patrol"))
    occurred_on = factory.LazyFunction(timezone.localdate)
    minutes = 30


class IncidentFactory(DjangoModelFactory):
    class Meta:
        model = Incident

    program = factory.SubFactory(ProgramFactory)
    school = factory.SubFactory(SchoolFactory, district=factory.SelfAttribute("..program.district"))
    district = factory.SelfAttribute("program.district")
    agency = factory.SelfAttribute("program.agency")
    reported_by = factory.SubFactory(UserFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    location = "building"
    description = "A laptop cart was taken from a classroom."
    classification = Classification.POSSIBLY_ILLEGAL
    handled_by = Responder.SRO
    sro_response = "referral_for_charging"


class EnforcementActionFactory(DjangoModelFactory):
    class Meta:
        model = EnforcementAction

    incident = factory.SubFactory(IncidentFactory)
    school = factory.SelfAttribute("incident.school")
    district = factory.SelfAttribute("incident.district")
    agency = factory.SelfAttribute("incident.agency")
    recorded_by = factory.SelfAttribute("incident.reported_by")
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    kind = "referral"
    offense_type = "statute"
    offense_code = "943.20(1)(a)"
    offense_category = factory.LazyFunction(lambda: seeded(OffenseCategory, "theft"))
    referred_for_charging = True
    taken_by = "sro"
    case_number = factory.Sequence(lambda n: f"CASE-{n:05d}")
    student_age = 15
    student_grade = 10
    student_gender = "female"
    student_race = "white"
    student_disability = "none"
    student_english_learner = "no"


class ComplaintFactory(DjangoModelFactory):
    class Meta:
        model = Complaint

    program = factory.SubFactory(ProgramFactory)
    description = "The officer shouted at my child in the hallway."
    acknowledge_by = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=5))


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    program = factory.SubFactory(ProgramFactory)
    level = Contact.Level.AGENCY
    name = factory.Sequence(lambda n: f"Contact {n}")


class ExpectationFactory(DjangoModelFactory):
    class Meta:
        model = Expectation

    program = factory.SubFactory(ProgramFactory)
    held_by = Expectation.Holder.ADMINISTRATORS
    text = "The SRO stays out of school discipline."


class EvaluationFactory(DjangoModelFactory):
    class Meta:
        model = Evaluation

    program = factory.SubFactory(ProgramFactory)
    period_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    period_end = factory.LazyFunction(timezone.localdate)
    conducted_on = factory.LazyFunction(timezone.localdate)
    evaluators = "District research office"
    findings = "Findings"
    recommendations = "Recommendations"
    snapshot = factory.LazyFunction(dict)
    recorded_by = factory.SubFactory(UserFactory)


def enforcement_action_file(agency, schools, rows: int, prefix: str) -> bytes:
    """An import file (CSV, the template's columns) of `rows` enforcement actions of `agency`,
    two students an event, over the past 300 days, the events spread over `schools`."""
    from incidents.resources import ACTION_COLUMNS

    today = timezone.localdate()
    races = ["hispanic", "white", "black", "asian", "two_or_more", "american_indian"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.header for column in ACTION_COLUMNS])
    for n in range(rows):
        case = n // 2
        school = schools[case % len(schools)]
        cells = {
            "agency": agency.ori,
            "case_number": f"{prefix}-{case}",
            "school": f"{school.district.dpi_code}-{school.dpi_code}",
            "occurred_on": (today - datetime.timedelta(days=2 + case % 300)).isoformat(),
            "occurred_time": "10:15",
            "location": "building",
            "classification": "possibly_illegal",
            "handled_by": "sro",
            "sro_response": "citation",
            "description": "A fight in the cafeteria.",
            "kind": "citation" if n % 3 else "arrest",
            "offense_type": "ordinance",
            "offense_code": "9.41",
            "offense_category": "fighting",
            "referred_for_charging": "No",
            "on_school_property": "Yes",
            "taken_by": "sro",
            "student_age": str(11 + n % 8),
            "student_grade": str(6 + n % 7),
            "student_gender": "female" if n % 2 else "male",
            "student_race": races[n % len(races)],
            "student_disability": "none",
            "student_english_learner": "no",
        }
        writer.writerow([cells[column.name] for column in ACTION_COLUMNS])
    return out.getvalue().encode()
