"""Records several people edit carry a version number; a save based on an old version is refused
instead of silently overwriting someone else's change."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

STALE_MESSAGE = (
    "Someone else changed this record after you opened it. Reload the page to see their change, "
    "then make yours again."
)


def save_versioned(instance, *, expected_version: int, fields) -> None:
    """Write `fields` of `instance` only if its stored version is still `expected_version`."""
    values = {name: getattr(instance, name) for name in fields}
    if hasattr(instance, "updated_at"):
        values["updated_at"] = instance.updated_at = timezone.now()
    updated = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=expected_version)
        .update(version=F("version") + 1, **values)
    )
    if not updated:
        raise ValidationError(STALE_MESSAGE, code="stale")
    instance.version = expected_version + 1
