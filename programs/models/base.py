from django.db import models
from django.db.models import Q

from sro_portal.scope import scope_of


class TenantQuerySet(models.QuerySet):
    """Rows that carry their district and agency: a person sees their district's and agency's."""

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_state_staff:
            return self.all()
        return self.filter(
            Q(district_id__in=scope.local_district_ids) | Q(agency_id__in=scope.agency_ids)
        )


class ProgramPart(models.Model):
    """A part of a program's definition. It carries the program's district and agency itself, so
    scoping needs no join and the data can later be split by district."""

    district = models.ForeignKey(
        "sro_portal.District", on_delete=models.PROTECT, related_name="+", editable=False
    )
    agency = models.ForeignKey(
        "sro_portal.Agency", on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.district_id = self.program.district_id
        self.agency_id = self.program.agency_id
        super().save(*args, **kwargs)


class VersionedPart(ProgramPart):
    """A part of a program that several people edit: a stale save is refused
    (`sro_portal.versioning.save_versioned`). Only programs' own models carry it."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
