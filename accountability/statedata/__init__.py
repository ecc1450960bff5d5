"""Statewide data for measuring the portal at Wisconsin's size (`manage.py generate_state_data`):
districts and schools, agencies, people, programs with signed MOUs and SRO assignments, five
school years of field records, training, complaints, surveys, enrollment, meetings and the audit
trail, all satisfying the rules the services enforce, written in bulk."""

import datetime
import sys

from django.db import transaction
from django.utils import timezone

from incidents.models import ActivityLog, EnforcementAction, Incident
from sro_portal.models import AuditLog, District

from . import courses, directory, fieldwork, partnerships, records
from .auditing import Audit
from .tables import Sink, loading
from .world import World


class Refused(Exception):
    pass


def generate(
    *,
    scale: float = 1.0,
    seed: int = 2026,
    today: datetime.date | None = None,
    password: str = "!",
    quiet: bool = False,
    progress_file=None,
) -> dict:
    """Generate the state into an empty directory; returns rows written per table."""
    if not 0 < scale <= 5:
        raise Refused("The scale is a share of Wisconsin's size, above 0 and at most 5.")
    if District.objects.exists():
        raise Refused(
            "The database already has districts: generated data goes only into a database "
            "without any (a fresh `migrate`d one)."
        )
    sink = Sink(quiet=quiet, progress_file=progress_file or sys.stderr)
    world = World(
        scale=scale, seed=seed, today=today or timezone.localdate(), sink=sink, password=password
    )
    with transaction.atomic():
        directory.build_directory(world)
        people = directory.build_people(world)
        partnerships.build_programs(world, people)
        people.close()
        audit = Audit(sink, total=world.targets.audit)
        with loading([ActivityLog, AuditLog, Incident, EnforcementAction]):
            fieldwork.build_field_records(world, audit)
            courses.build_training(world, audit)
            records.build_complaints(world, audit)
            records.build_school_years(world)
            records.build_meetings(world, audit)
            records.build_sign_ins(world, audit)
            audit.close()
        # Evaluations read what was written, through the indexes made again.
        audit = Audit(sink, total=len(world.programs))
        records.build_evaluations(world, audit)
        audit.close()
        courses.refresh_compliance(world)
        sink.finish()
    return {model._meta.label: n for model, n in sink.written.items()}


__all__ = ["Refused", "generate"]
