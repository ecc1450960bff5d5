"""The activity types of an SRO's day and the offense categories, as lists state staff extend."""

from django.db import migrations

ACTIVITY_TYPES = [
    ("patrol", "Patrol", "law_enforcement"),
    ("incident-response", "Incident response", "law_enforcement"),
    ("investigation", "Investigation", "law_enforcement"),
    ("mentoring", "Mentoring", "counselor_mentor"),
    ("student-conversation", "Conversation with a student", "counselor_mentor"),
    ("referral-to-services", "Referral to services", "counselor_mentor"),
    ("family-contact", "Family contact", "counselor_mentor"),
    ("classroom-lesson", "Classroom lesson", "educator"),
    ("staff-training", "Staff training", "educator"),
    ("presentation", "Presentation", "educator"),
    ("community-outreach", "Community outreach", "outreach"),
    ("admin-meeting", "Meeting with administrators", "admin_meeting"),
    ("other", "Other", "other"),
]
OFFENSE_CATEGORIES = [
    ("disorderly-conduct", "Disorderly conduct"),
    ("battery-assault", "Battery or assault"),
    ("fighting", "Fighting"),
    ("threats", "Threats"),
    ("weapons", "Weapons"),
    ("drugs", "Drugs"),
    ("alcohol", "Alcohol"),
    ("tobacco-vaping", "Tobacco or vaping"),
    ("theft", "Theft"),
    ("property-damage", "Property damage"),
    ("trespass", "Trespass"),
    ("truancy", "Truancy"),
    ("sexual-offense", "Sexual offense"),
    ("harassment", "Harassment or bullying"),
    ("traffic", "Traffic"),
    ("other", "Other"),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("incidents", "ActivityType")
    OffenseCategory = apps.get_model("incidents", "OffenseCategory")
    for position, (code, name, group) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.update_or_create(
            code=code, defaults={"name": name, "group": group, "position": position}
        )
    for position, (code, name) in enumerate(OFFENSE_CATEGORIES, start=1):
        OffenseCategory.objects.update_or_create(
            code=code, defaults={"name": name, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("incidents", "ActivityType").objects.filter(
        code__in=[c for c, _, _ in ACTIVITY_TYPES]
    ).delete()
    apps.get_model("incidents", "OffenseCategory").objects.filter(
        code__in=[c for c, _ in OFFENSE_CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_initial")]

    operations = [migrations.RunPython(seed, unseed)]
