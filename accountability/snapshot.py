"""The data an evaluation used, aggregated in SQL and frozen into the evaluation as JSON.

Activity and enforcement come from `aggregates`, the module every report uses, so an evaluation
and a report over the same period never disagree.

The snapshot stores codes (a race, a status, a yes or no) and the page renders their labels
(`snapshot_sections`): a reader never sees an internal code."""

import datetime

from django.db.models import Count, Q

from incidents.models import ActivityType, EnforcementAction, Incident
from sro_portal.models import Membership, User
from training.compliance import Status as TrainingStatus
from training.compliance import compliance_for, summarise
from training.models import StaffMember

from . import aggregates
from .models import Complaint, DataSource, SurveyResult

UNKNOWN = "unknown"


def _key(value):
    """A count's key: booleans stay booleans (False is an answer, not a gap); only a missing
    value is unknown. JSON keeps a boolean key as "true" or "false"."""
    if value is None or value == "":
        return UNKNOWN
    return value if isinstance(value, bool) else str(value)


def _counts(queryset, field):
    counts = {}
    for row in queryset.values(field).annotate(n=Count("pk")).order_by(field):
        key = _key(row[field])
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


# Each enforcement measure of the snapshot (`by_<key>`) and the aggregate dimension it counts.
ENFORCEMENT_MEASURES = {
    "kind": "kind",
    "offense_category": "offense_category",
    "referred_for_charging": "referred_for_charging",
    "on_school_property": "on_school_property",
    "taken_by": "taken_by",
    "student_race": "race",
    "student_gender": "gender",
    "student_disability": "disability",
    "student_english_learner": "english_learner",
}
ACTIVITY_NUMBERS = ("minutes", "entries", "students", "staff")


def _enforcement_counts(actions, dimension):
    counts = {}
    for row in aggregates.enforcement_counts(actions, dimension):
        key = _key(row.keys[0])
        counts[key] = counts.get(key, 0) + row.count
    return counts


def build_snapshot(program, start: datetime.date, end: datetime.date, sources) -> dict:
    snapshot = {"program": program.name, "period": [start.isoformat(), end.isoformat()]}
    if DataSource.ACTIVITY in sources:
        logs = aggregates.in_period(aggregates.activity_of(program), start, end)
        snapshot["activity"] = {
            row["key"]: {n: row[n] for n in ACTIVITY_NUMBERS}
            for row in aggregates.activity_mix(logs, "group")
        }
    if DataSource.INCIDENTS in sources:
        incidents = Incident.objects.filter(program=program, occurred_at__date__range=(start, end))
        snapshot["incidents"] = {
            "by_classification": _counts(incidents, "classification"),
            "by_sro_response": _counts(incidents, "sro_response"),
            "sro_in_discipline_flagged": incidents.filter(needs_review=True).count(),
        }
    if DataSource.ENFORCEMENT in sources:
        actions = aggregates.in_period(aggregates.enforcement_of(program), start, end)
        snapshot["enforcement"] = {
            "total": actions.count(),
            **{
                f"by_{measure}": _enforcement_counts(actions, dimension)
                for measure, dimension in ENFORCEMENT_MEASURES.items()
            },
        }
    if DataSource.TRAINING in sources:
        people = User.objects.filter(
            Q(assignments__program=program)
            | Q(pk__in=Membership.objects.filter(district=program.district).values("user_id"))
        ).distinct()
        roster = StaffMember.objects.filter(district=program.district).current(end)
        # As of the period's end, which is usually past: the compliance summary holds only
        # today's status, so one program's people are worked out here, once, when it is frozen.
        snapshot["training"] = summarise(compliance_for([*people, *roster], today=end))
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


# Rendering: labels for the sections, the measures and the codes counted under them.

SECTION_TITLES = {source.value: source.label for source in DataSource}
ACTIVITY_MEASURES = {
    "minutes": "Minutes",
    "entries": "Entries",
    "students": "Students met",
    "staff": "Staff met",
}


def _choices(model, field):
    return {str(k): str(v) for k, v in model._meta.get_field(field).flatchoices}


def _measures():
    """Each measure's label, and the labels of the codes it counts (None: shown as stored)."""
    measures = {
        "by_classification": ("Classification", _choices(Incident, "classification")),
        "by_sro_response": ("SRO's response", _choices(Incident, "sro_response")),
        "sro_in_discipline_flagged": ("SRO took part in discipline (flagged for review)", None),
        "total": ("Total", None),
        "by_kind": ("Kind", _choices(EnforcementAction, "kind")),
        "by_offense_category": ("Offense category", None),
        "by_offense_category__name": ("Offense category", None),  # snapshots before labels
        "by_referred_for_charging": ("Referred for charging", None),
        "by_on_school_property": ("On school property", None),
        "by_taken_by": ("Taken by", _choices(EnforcementAction, "taken_by")),
        "by_student_race": (
            "Student's race/ethnicity",
            _choices(EnforcementAction, "student_race"),
        ),
        "by_student_gender": ("Student's gender", _choices(EnforcementAction, "student_gender")),
        "by_student_disability": (
            "Student's disability status",
            _choices(EnforcementAction, "student_disability"),
        ),
        "by_student_english_learner": (
            "English learner",
            _choices(EnforcementAction, "student_english_learner"),
        ),
        "by_status": ("Status", {str(k): str(v) for k, v in Complaint.Status.choices}),
        "by_finding": ("Finding", {str(k): str(v) for k, v in Complaint.Finding.choices}),
    }
    measures.update(
        {status.value: (status.label, None) for status in TrainingStatus}  # training summary
    )
    return measures


def _humanize(code) -> str:
    return str(code).replace("__", " ").replace("_", " ").strip().capitalize()


def _value_label(key, labels) -> str:
    if isinstance(key, bool) or key in ("true", "false", "True", "False"):
        return "Yes" if key in (True, "true", "True") else "No"
    if key == UNKNOWN:
        return "Unknown"
    if labels is not None:
        return labels.get(str(key), _humanize(key))
    return str(key)


def snapshot_sections(snapshot) -> list[dict]:
    """The snapshot as the page shows it: titled sections of labelled rows; each row a single
    value or labelled counts. Surveys keep their table."""
    measures = _measures()
    groups = {str(k): str(v) for k, v in ActivityType.Group.choices}
    sections = []
    for key, values in (snapshot or {}).items():
        if key in ("program", "period"):
            continue
        section = {"key": key, "title": SECTION_TITLES.get(key, _humanize(key)), "rows": []}
        if key == "surveys":
            audiences = {str(k): str(v) for k, v in SurveyResult.Audience.choices}
            section["table"] = [
                {**row, "audience": audiences.get(row.get("audience"), row.get("audience"))}
                for row in values
            ]
        elif key == "activity":
            for group, numbers in values.items():
                section["rows"].append(
                    {
                        "label": groups.get(group, _humanize(group)),
                        "counts": [
                            {"label": ACTIVITY_MEASURES.get(m, _humanize(m)), "count": n}
                            for m, n in numbers.items()
                        ],
                    }
                )
        else:
            for measure, value in values.items():
                label, codes = measures.get(measure, (_humanize(measure), None))
                if isinstance(value, dict):
                    section["rows"].append(
                        {
                            "label": label,
                            "counts": [
                                {"label": _value_label(code, codes), "count": n}
                                for code, n in value.items()
                            ],
                        }
                    )
                else:
                    section["rows"].append({"label": label, "value": value})
        sections.append(section)
    return sections
