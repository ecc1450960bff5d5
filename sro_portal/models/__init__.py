from .accounts import AuditLog, FormSubmission, Membership, User, UserManager, UserQuerySet
from .directory import Agency, District, Grade, School
from .jobs import ImportJob

__all__ = [
    "Agency",
    "AuditLog",
    "District",
    "FormSubmission",
    "Grade",
    "ImportJob",
    "Membership",
    "School",
    "User",
    "UserManager",
    "UserQuerySet",
]
