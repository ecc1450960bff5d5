"""The tables a program's definition is written to, open together while programs are built."""

from accountability.models import (
    AccountabilitySettings,
    Contact,
    EvaluationPlan,
    Expectation,
    PublicPage,
)
from programs.models import (
    MOU,
    Approval,
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
)

from .vocabulary import (
    MOU_TEXT,
)


class Parts:
    """The tables of programs' definitions, open together."""

    def __init__(self, sink):
        s = sink.table
        self.programs = s(
            Program,
            ["district_id", "agency_id", "name", "purpose", "status", "created_at", "updated_at"],
        )
        self.status = s(
            ProgramStatusChange,
            [
                "program_id",
                "district_id",
                "agency_id",
                "from_status",
                "to_status",
                "changed_by_id",
                "changed_at",
                "note",
            ],
        )
        self.assessments = s(
            NeedsAssessment,
            [
                "program_id",
                "district_id",
                "agency_id",
                "problems",
                "root_causes",
                "data_reviewed",
                "stakeholders_consulted",
                "alternatives_considered",
                "conclusion",
                "sro_purpose",
                "concluded_on",
            ],
        )
        self.responsibilities = s(
            Responsibility,
            [
                "program_id",
                "district_id",
                "agency_id",
                "part_of_job",
                "description",
                "sro_does",
                "drafted_by",
            ],
        )
        self.approvals = s(
            Approval,
            [
                "program_id",
                "district_id",
                "agency_id",
                "mou_id",
                "subject",
                "side",
                "approved_by_id",
                "approved_at",
            ],
        )
        self.protocol = s(
            ProtocolEntry,
            [
                "program_id",
                "district_id",
                "agency_id",
                "situation",
                "classification",
                "responder",
                "non_enforcement_responses",
            ],
        )
        self.criteria = s(
            SelectionCriterion, ["program_id", "district_id", "agency_id", "kind", "description"]
        )
        self.candidates = s(Candidate, ["program_id", "district_id", "agency_id", "name"])
        self.ratings = s(
            CandidateRating,
            [
                "program_id",
                "district_id",
                "agency_id",
                "candidate_id",
                "criterion_id",
                "rater_name",
                "rater_stake",
                "score",
            ],
        )
        self.positions = s(
            Position,
            [
                "program_id",
                "district_id",
                "agency_id",
                "side",
                "kind",
                "title",
                "holder_name",
                "holder_id",
                "reports_to_id",
                "duties",
            ],
        )
        self.property = s(
            PropertyArea,
            ["program_id", "district_id", "agency_id", "school_id", "kind", "under_sro_control"],
        )
        self.outreach = s(
            OutreachComponent,
            [
                "program_id",
                "district_id",
                "agency_id",
                "component",
                "kind",
                "audience",
                "frequency",
            ],
        )
        self.mous = s(
            MOU,
            [
                "program_id",
                "district_id",
                "agency_id",
                "number",
                "state",
                "effective_on",
                "ends_on",
                *MOU_TEXT,
                "district_signatory",
                "district_signatory_title",
                "district_signed_on",
                "agency_signatory",
                "agency_signatory_title",
                "agency_signed_on",
                "review_due_on",
            ],
        )
        self.drafters = s(MOUDrafter, ["mou_id", "name", "party", "role"])
        self.reviews = s(
            MOUReview, ["mou_id", "reviewed_on", "reviewers", "outcome", "recorded_by_id"]
        )
        self.assignments = s(
            Assignment,
            [
                "program_id",
                "district_id",
                "agency_id",
                "school_id",
                "officer_id",
                "starts_on",
                "ends_on",
            ],
        )
        self.settings = s(
            AccountabilitySettings,
            [
                "program_id",
                "district_id",
                "agency_id",
                "acknowledge_within_days",
                "meeting_every_days",
                "expectations_agreed_by_district_id",
                "expectations_agreed_by_agency_id",
            ],
        )
        self.contacts = s(
            Contact,
            [
                "program_id",
                "district_id",
                "agency_id",
                "level",
                "school_id",
                "name",
                "title",
                "email",
                "phone",
            ],
        )
        self.expectations = s(
            Expectation, ["program_id", "district_id", "agency_id", "held_by", "text"]
        )
        self.plans = s(
            EvaluationPlan,
            [
                "program_id",
                "district_id",
                "agency_id",
                "evaluators",
                "every_months",
                "measures",
                "data_sources",
            ],
        )
        self.pages = s(
            PublicPage,
            [
                "district_id",
                "published",
                *PublicPage.SECTIONS,
                "published_at",
                "updated_by_id",
                "updated_at",
            ],
        )

    def close(self):
        for table in vars(self).values():
            table.close()
