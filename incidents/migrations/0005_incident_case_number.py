import django.core.validators
from django.db import migrations, models


def case_numbers_from_actions(apps, schema_editor):
    """An incident whose actions all carry one case number, used by no other incident of the
    agency, takes it: imports then find it by that number."""
    Incident = apps.get_model("incidents", "Incident")
    EnforcementAction = apps.get_model("incidents", "EnforcementAction")
    numbers = {}
    for incident_id, agency_id, number in EnforcementAction.objects.filter(
        incident__isnull=False
    ).values_list("incident_id", "agency_id", "case_number"):
        numbers.setdefault(incident_id, (agency_id, set()))[1].add(number)
    taken = set()
    for incident_id, (agency_id, found) in sorted(numbers.items()):
        if len(found) != 1 or (agency_id, *found) in taken:
            continue
        taken.add((agency_id, *found))
        Incident.objects.filter(pk=incident_id).update(case_number=found.pop())


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_case_number_shared_race_not_reported"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="case_number",
            field=models.CharField(
                blank=True,
                help_text="The agency's own number for the event, shared by its enforcement "
                "actions.",
                max_length=40,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Za-z0-9-]+$", "Letters, digits and dashes only."
                    )
                ],
                verbose_name="agency case number",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["agency", "case_number"], name="incidents_i_agency__acbfeb_idx"),
        ),
        migrations.RunPython(case_numbers_from_actions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.UniqueConstraint(
                condition=models.Q(("case_number", ""), _negated=True),
                fields=("agency", "case_number"),
                name="incident_case_number_unique_per_agency",
                violation_error_message="This agency already has an incident with this case "
                "number: a case number identifies one event.",
            ),
        ),
    ]
