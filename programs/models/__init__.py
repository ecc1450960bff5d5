from .base import ProgramPart, TenantQuerySet
from .choices import (
    Classification,
    NonEnforcementResponse,
    PartOfJob,
    Responder,
    Side,
    Stakeholder,
)
from .directory import Agency, District, Grade, School
from .mou import MOU, Assignment, MOUDrafter, MOUReview, one_year_after
from .organisation import OutreachComponent, Position, PropertyArea
from .program import (
    Approval,
    NeedsAssessment,
    Program,
    ProgramStatusChange,
    ProtocolEntry,
    Responsibility,
)
from .selection import Candidate, CandidateRating, SelectionCriterion

__all__ = [
    "MOU",
    "Agency",
    "Approval",
    "Assignment",
    "Candidate",
    "CandidateRating",
    "Classification",
    "District",
    "Grade",
    "MOUDrafter",
    "MOUReview",
    "NeedsAssessment",
    "NonEnforcementResponse",
    "OutreachComponent",
    "PartOfJob",
    "Position",
    "Program",
    "ProgramPart",
    "ProgramStatusChange",
    "PropertyArea",
    "ProtocolEntry",
    "Responder",
    "Responsibility",
    "School",
    "SelectionCriterion",
    "Side",
    "Stakeholder",
    "TenantQuerySet",
    "one_year_after",
]
