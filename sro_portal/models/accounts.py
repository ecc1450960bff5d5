from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from .. import scope as tenancy
from ..roles import AGENCY_ROLES, Role
from ..scope import Scope


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Oneself, and the people whose work one oversees: a district administrator's district
        staff, a building administrator's school staff, an agency supervisor's officers, and the
        SROs assigned to the administrator's district or schools."""
        scope = user.scope if hasattr(user, "scope") else Scope()
        if scope.is_state_staff:
            return self.all()
        staff = Membership.objects.filter(
            Q(district_id__in=scope.district_ids)
            | Q(school_id__in=scope.school_ids)
            | Q(agency_id__in=scope.supervised_agency_ids)
        ).values("user_id")
        assigned = tenancy.partnerships.officers_assigned_in(
            district_ids=scope.district_ids, school_ids=scope.school_ids
        )
        return self.filter(Q(pk=scope.user_id) | Q(pk__in=staff) | Q(pk__in=assigned))


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships, not from flags."""

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def scope(self) -> Scope:
        return Scope.of(self)

    @property
    def is_state_staff(self) -> bool:
        return self.scope.is_state_staff


class Membership(models.Model):
    """A role a person holds in one organisation: a district, a school or an agency."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    district = models.ForeignKey(
        "sro_portal.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    school = models.ForeignKey(
        "sro_portal.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        "sro_portal.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    started_on = models.DateField(
        default=timezone.localdate,
        help_text="When the person took up this role; training deadlines count from it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(
                name="membership_organisation_matches_role",
                condition=(
                    Q(
                        role=Role.STATE_STAFF,
                        district__isnull=True,
                        school__isnull=True,
                        agency__isnull=True,
                    )
                    | Q(
                        role=Role.DISTRICT_ADMIN,
                        district__isnull=False,
                        school__isnull=True,
                        agency__isnull=True,
                    )
                    | Q(
                        role=Role.BUILDING_ADMIN,
                        district__isnull=False,
                        school__isnull=False,
                        agency__isnull=True,
                    )
                    | Q(
                        role__in=AGENCY_ROLES,
                        district__isnull=True,
                        school__isnull=True,
                        agency__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role=Role.STATE_STAFF),
                name="membership_state_staff_once",
            ),
            models.UniqueConstraint(
                fields=["user", "district"],
                condition=Q(role=Role.DISTRICT_ADMIN),
                name="membership_district_admin_once",
            ),
            models.UniqueConstraint(
                fields=["user", "school"],
                condition=Q(role=Role.BUILDING_ADMIN),
                name="membership_building_admin_once",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=Q(role__in=AGENCY_ROLES),
                name="membership_agency_role_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.organisation or 'statewide'}"

    @property
    def organisation(self):
        return self.school or self.district or self.agency

    def clean(self):
        # A building administrator's district is the school's, stored so scoping needs no join.
        if self.role == Role.BUILDING_ADMIN and self.school_id:
            self.district_id = self.school.district_id
        needs = {
            Role.STATE_STAFF: set(),
            Role.DISTRICT_ADMIN: {"district"},
            Role.BUILDING_ADMIN: {"district", "school"},
            Role.AGENCY_SUPERVISOR: {"agency"},
            Role.SRO: {"agency"},
        }.get(self.role)
        if needs is None:
            return
        errors = {}
        for field in ("district", "school", "agency"):
            present = getattr(self, f"{field}_id") is not None
            if field in needs and not present:
                errors[field] = f"A {self.get_role_display().lower()} needs a {field}."
            elif field not in needs and present:
                errors[field] = f"Leave empty for a {self.get_role_display().lower()}."
        if errors:
            raise ValidationError(errors)


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLog.Immutable("The audit log is append-only.")

    def delete(self):
        raise AuditLog.Immutable("The audit log is append-only.")


class AuditLog(models.Model):
    """One entry of the audit trail. Entries are added, never changed or removed."""

    class Immutable(Exception):
        pass

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        VIEW = "view", "Viewed"
        IMPORT = "import", "Imported a file"
        LOGIN = "login", "Signed in"
        LOGOUT = "logout", "Signed out"
        LOGIN_FAILED = "login_failed", "Failed sign-in"
        LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
        DOWNLOAD = "download", "Downloaded a file"
        REFUSED = "refused", "Refused access"
        PURGE = "purge", "Purged expired records"

    at = models.DateTimeField(auto_now_add=True)
    # Accounts are deactivated, not deleted, so that their trail stays whole.
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    actor_repr = models.CharField("actor", max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField("object", max_length=200, blank=True)
    changed_fields = models.JSONField(default=list, blank=True)
    # {field: [before, after]} for an update; {field: value} as created or as deleted.
    changes = models.JSONField("values", null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        # The list's ordering, alone and after each of its filters (the first also serves a
        # range of days); an actor is searched whole, ignoring case.
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["-at", "-id"], name="auditlog_recent"),
            models.Index(fields=["action", "-at", "-id"], name="auditlog_action_recent"),
            models.Index(fields=["content_type", "-at", "-id"], name="auditlog_kind_recent"),
            models.Index(Upper("actor_repr"), name="auditlog_actor_upper"),
        ]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self):
        who = self.actor_repr or "anonymous"
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M %Z} {who} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.Immutable("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.Immutable("The audit log is append-only.")


class FormSubmission(models.Model):
    """A create form, sent once. Each form carries a fresh token; the same form sent again (a
    double click, a reload, a retry on a slow connection) finds its token taken and creates
    nothing more, and the sender is shown what the first sending created."""

    token = models.CharField(max_length=32, unique=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True
    )
    object_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.token

    @property
    def created(self):
        """What the first sending created, if it still exists."""
        if self.content_type is None:
            return None
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_id).first()
