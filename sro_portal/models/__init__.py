from .accounts import AuditLog, FormSubmission, Membership, User, UserManager, UserQuerySet
from .directory import Agency, District, Grade, School

__all__ = [
    "Agency",
    "AuditLog",
    "District",
    "FormSubmission",
    "Grade",
    "Membership",
    "School",
    "User",
    "UserManager",
    "UserQuerySet",
]
