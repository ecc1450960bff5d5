"""The data an evaluation used, aggregated in SQL and frozen into the evaluation as JSON."""

import datetime

from django.db.models import Count, Q, Sum

from incidents.models import ActivityLog, EnforcementAction, Incident
from sro_portal.models import Membership, User
from training.compliance import compliance_for, summarise

from .models import Complaint, DataSource, SurveyResult


def _counts(queryset, field):
    return {
        str(row[field] or "unknown"): row["n"]
        for row in queryset.values(field).annotate(n=Count("pk")).order_by(field)
    }


def build_snapshot(program, start: datetime.date, end: datetime.date, sources) -> dict:
    snapshot = {"program": program.name, "period": [start.isoformat(), end.isoformat()]}
    if DataSource.ACTIVITY in sources:
        rows = (
            ActivityLog.objects.current()
            .filter(assignment__program=program, occurred_on__range=(start, end))
            .values("activity_type__group")
            .annotate(
                minutes=Sum("minutes"),
                entries=Count("pk"),
                students=Sum("students_met"),
                staff=Sum("staff_met"),
            )
            .order_by("activity_type__group")
        )
        snapshot["activity"] = {r.pop("activity_type__group"): r for r in rows}
    if DataSource.INCIDENTS in sources:
        incidents = Incident.objects.filter(program=program, occurred_at__date__range=(start, end))
        snapshot["incidents"] = {
            "by_classification": _counts(incidents, "classification"),
            "by_sro_response": _counts(incidents, "sro_response"),
            "sro_in_discipline_flagged": incidents.filter(needs_review=True).count(),
        }
    if DataSource.ENFORCEMENT in sources:
        actions = EnforcementAction.objects.filter(
            Q(incident__program=program)
            | Q(incident__isnull=True, agency=program.agency, district=program.district),
            occurred_on__range=(start, end),
        )
        snapshot["enforcement"] = {
            "total": actions.count(),
            **{
                f"by_{f}": _counts(actions, f)
                for f in (
                    "kind",
                    "offense_category__name",
                    "referred_for_charging",
                    "on_school_property",
                    "taken_by",
                    "student_race",
                    "student_gender",
                    "student_disability",
                    "student_english_learner",
                )
            },
        }
    if DataSource.TRAINING in sources:
        people = User.objects.filter(
            Q(assignments__program=program)
            | Q(pk__in=Membership.objects.filter(district=program.district).values("user_id"))
        ).distinct()
        snapshot["training"] = summarise(compliance_for(people, today=end))
    if DataSource.COMPLAINTS in sources:
        complaints = Complaint.objects.filter(
            program=program, received_at__date__range=(start, end)
        )
        snapshot["complaints"] = {
            "by_status": _counts(complaints, "status"),
            "by_finding": _counts(complaints.exclude(finding=""), "finding"),
        }
    if DataSource.SURVEYS in sources:
        results = SurveyResult.objects.filter(
            district=program.district, school_year__range=(start.year - 1, end.year)
        ).select_related("school")
        snapshot["surveys"] = [
            {
                "school": r.school.name,
                "school_year": r.school_year_label,
                "audience": r.audience,
                "question": r.question,
                "respondents": r.respondents,
                "percent_agree": r.percent_agree,
            }
            for r in results
        ]
    return snapshot
