import django.db.models.functions.text
from django.db import migrations, models

from sro_portal.admin_scale import text_search_index


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("sro_portal", "0007_auditlog_purge"),
    ]

    operations = [
        # The time alone is served by (at, id), which also orders the list.
        migrations.AlterField(
            model_name="auditlog",
            name="at",
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["-at", "-id"], name="auditlog_recent"),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["action", "-at", "-id"], name="auditlog_action_recent"),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["content_type", "-at", "-id"], name="auditlog_kind_recent"),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(
                django.db.models.functions.text.Upper("actor_repr"), name="auditlog_actor_upper"
            ),
        ),
        # Names of records (schools, people, tracking and case numbers) are matched word for
        # word, unstemmed.
        text_search_index("sro_portal.AuditLog", "object_repr", "simple", "auditlog_object_search"),
    ]
