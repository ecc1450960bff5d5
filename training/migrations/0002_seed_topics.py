"""The thirteen content areas of training named by the DPI/DOJ best practices (Training 2a-m)."""

from django.db import migrations

TOPICS = [
    ("school-values-mission", "School values and mission"),
    ("child-adolescent-development", "Child and adolescent development"),
    ("cultural-competency", "Cultural competency"),
    ("disability-antidiscrimination-special-ed-law",
     "Federal and state disability, anti-discrimination and special education laws"),
    ("seclusion-restraint", "Seclusion and restraint policies"),
    ("positive-behavioral-supports", "Positive behavioral supports, strategies and interventions"),
    ("restorative-justice", "Restorative justice practices"),
    ("trauma-informed-practices", "Trauma informed practices"),
    ("de-escalation", "De-escalation strategies"),
    ("sro-responsibilities", "The responsibilities of SROs and law enforcement, as told by them"),
    ("mental-health", "Mental health"),
    ("aoda", "Alcohol and other drug abuse (AODA)"),
    ("mandatory-reporting", "Mandatory reporting"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    for position, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(code=code, defaults={"name": name, "position": position})


def unseed(apps, schema_editor):
    apps.get_model("training", "Topic").objects.filter(code__in=[c for c, _ in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
