from .accounts import AuditLog, Membership, User, UserManager, UserQuerySet
from .directory import Agency, District, Grade, School

__all__ = [
    "Agency",
    "AuditLog",
    "District",
    "Grade",
    "Membership",
    "School",
    "User",
    "UserManager",
    "UserQuerySet",
]
