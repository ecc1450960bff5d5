from .base import ProgramPart, TenantQuerySet
from .choices import (
    Classification,
    NonEnforcementResponse,
    PartOfJob,
    Responder,
    Side,
    Stakeholder,
)
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
from .selection import (
    Candidate,
    CandidateRating,
    RatingLink,
    RatingRound,
    SelectionCriterion,
    token_hash,
)

__all__ = [
    "MOU",
    "Approval",
    "Assignment",
    "Candidate",
    "CandidateRating",
    "Classification",
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
    "RatingLink",
    "RatingRound",
    "Responder",
    "Responsibility",
    "SelectionCriterion",
    "Side",
    "Stakeholder",
    "TenantQuerySet",
    "one_year_after",
    "token_hash",
]
