"""Records several people edit carry a version number; a save based on an old version is refused
instead of silently overwriting someone else's change, and the refusal says what they changed."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

STALE_MESSAGE = "Someone else changed this record after you opened it"
RELOAD = "Reload the page to see their change, then make yours again."


def stale_error(stored, *, mine=None, fields=(), now: str = "") -> ValidationError:
    """The refusal of a stale save: which of `fields` the stored record holds otherwise than
    `mine`, or, with `now`, what the record has become."""
    if mine is not None:
        differ = [
            str(stored._meta.get_field(name).verbose_name)
            for name in fields
            if getattr(stored, stored._meta.get_field(name).attname)
            != getattr(mine, stored._meta.get_field(name).attname)
        ]
        now = f"it now differs from yours in {', '.join(differ)}" if differ else now
    what = f": {now}" if now else ""
    return ValidationError(f"{STALE_MESSAGE}{what}. {RELOAD}", code="stale")


def editable_fields(instance) -> list[str]:
    """Every field a person edits on a versioned record: what a whole-record save writes."""
    return [
        f.name
        for f in instance._meta.concrete_fields
        if f.editable and not f.primary_key and f.name != "version"
    ]


def save_versioned(instance, *, expected_version: int, fields) -> None:
    """Write `fields` of `instance` only if its stored version is still `expected_version`."""
    values = {name: getattr(instance, name) for name in fields}
    if hasattr(instance, "updated_at"):
        values["updated_at"] = instance.updated_at = timezone.now()
    manager = type(instance)._default_manager
    updated = manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        stored = manager.filter(pk=instance.pk).first()
        if stored is None:
            raise ValidationError("This record no longer exists.", code="stale")
        raise stale_error(stored, mine=instance, fields=fields)
    instance.version = expected_version + 1
