"""Records kept for their retention period, then purged.

Each app names the kinds of record it keeps in its AppConfig's `retention_kinds` (a model of its
own, or of a library it runs, and the date its period runs from), so this module names no model of
another app; the setting `RETENTION_DAYS` says how long each kind is kept (README "Retention").
Kinds are purged app by app from the top of the dependencies down, each app's in the order it
lists them, so a record goes before the records it refers to (an action before its incident). A
record that any other record still refers to is kept, whatever its age, until that record is purged
in turn; a kind's `with` names the dependent records that belong to it and go with it (a
complaint's status history). Files go from storage once the deletion is committed. Each kind
purged leaves one audit entry with its counts. The audit log itself is never purged here: the
database refuses to delete its entries.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .audit import Actor, audit_record
from .models import AuditLog
from .schoolyear import school_year_of

ACTOR_NAME = "manage.py purge_expired"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    model: type[models.Model]
    date: str  # the field (or path) the period runs from
    days: int
    only: dict = field(default_factory=dict)  # a further condition a record must meet
    with_: tuple[str, ...] = ()  # reverse relations whose records go with it


@dataclass
class Outcome:
    kind: Kind
    cutoff: datetime.datetime
    purged: int = 0
    with_: dict = field(default_factory=dict)  # label of the dependent records: count
    files: int = 0


def kinds() -> list[Kind]:
    days = settings.RETENTION_DAYS
    found = []
    # Apps are installed from the base up: higher apps refer to lower ones, so they go first.
    for config in reversed(list(apps.get_app_configs())):
        for name, spec in getattr(config, "retention_kinds", {}).items():
            if name not in days:
                raise ImproperlyConfigured(f"RETENTION_DAYS gives no period for {name}.")
            label = spec["model"]
            model = apps.get_model(label if "." in label else f"{config.label}.{label}")
            found.append(
                Kind(
                    name=name,
                    label=spec.get("label", str(model._meta.verbose_name_plural)),
                    model=model,
                    date=spec["date"],
                    days=days[name],
                    only=spec.get("only", {}),
                    with_=tuple(spec.get("with", ())),
                )
            )
    return found


def _final_field(model, path: str):
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def expired(kind: Kind, cutoff: datetime.datetime):
    """The records of a kind past their period that nothing else refers to."""
    date_field = _final_field(kind.model, kind.date)
    if isinstance(date_field, models.DateTimeField):
        bound = cutoff
    elif isinstance(date_field, models.DateField):
        bound = timezone.localtime(cutoff).date()
    else:  # a school year (July to June), over once the cutoff's school year has begun
        bound = school_year_of(timezone.localtime(cutoff).date())
    records = kind.model._base_manager.filter(**{f"{kind.date}__lt": bound}, **kind.only)
    for relation in _references(kind.model):
        if relation.get_accessor_name() in kind.with_ or relation.name in kind.with_:
            continue
        referring = relation.related_model._base_manager.filter(
            **{relation.field.name: OuterRef("pk")}
        )
        records = records.filter(~Exists(referring))
    return records


def _references(model):
    """Every relation by which another record may refer to this model's records, including those
    without a reverse accessor; many-to-many link tables go with the record."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and not f.related_model._meta.auto_created
    ]


def _dependents(kind: Kind, pks):
    for name in kind.with_:
        relation = kind.model._meta.get_field(name)
        yield relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": pks})


def _file_names(records) -> list[tuple[object, str]]:
    file_fields = [
        f for f in records.model._meta.concrete_fields if isinstance(f, models.FileField)
    ]
    names = []
    for file_field in file_fields:
        for name in records.exclude(**{file_field.name: ""}).values_list(
            file_field.name, flat=True
        ):
            if name:
                names.append((file_field.storage, name))
    return names


def _remove_files(names) -> None:
    for storage, name in names:
        storage.delete(name)


def _purge_kind(kind: Kind, cutoff: datetime.datetime) -> Outcome:
    outcome = Outcome(kind=kind, cutoff=cutoff)
    # Deleting a record can free an older one of the same kind (an amended log entry).
    while pks := list(expired(kind, cutoff).values_list("pk", flat=True)):
        files = []
        for dependents in _dependents(kind, pks):
            label = str(dependents.model._meta.verbose_name_plural)
            files += _file_names(dependents)
            outcome.with_[label] = outcome.with_.get(label, 0) + dependents.count()
            dependents.delete()
        records = kind.model._base_manager.filter(pk__in=pks)
        files += _file_names(records)
        records.delete()
        outcome.purged += len(pks)
        outcome.files += len(files)
        transaction.on_commit(lambda files=files: _remove_files(files))
    return outcome


def purge(*, now: datetime.datetime | None = None, dry_run: bool = False) -> list[Outcome]:
    """Delete every expired record, kind by kind, in one transaction. A dry run does the same and
    rolls it back: its counts are exactly what a real run would delete, and nothing is removed."""
    now = now or timezone.now()
    outcomes = []
    with transaction.atomic():
        for kind in kinds():
            outcome = _purge_kind(kind, now - datetime.timedelta(days=kind.days))
            outcomes.append(outcome)
            if not dry_run:
                audit_record(
                    actor=Actor(user=None),
                    action=AuditLog.Action.PURGE,
                    actor_repr=ACTOR_NAME,
                    detail={
                        "kind": kind.label,
                        "model": kind.model._meta.label,
                        "kept_days": kind.days,
                        "older_than": outcome.cutoff.isoformat(),
                        "purged": outcome.purged,
                        "with": outcome.with_,
                        "files": outcome.files,
                    },
                )
        if dry_run:
            transaction.set_rollback(True)
    return outcomes
