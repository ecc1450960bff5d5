"""Import and export of courses and completions as CSV and XLSX: a file imports whole or not at
all, and every bad row is named with its field."""

from import_export import fields, widgets

from sro_portal.models import User
from sro_portal.resources import FullCleanResource, NamedForeignKeyWidget

from .models import Completion, Course, Provider, Topic


class ListWidget(widgets.Widget):
    """A list stored as JSON, written in a cell as values separated by semicolons."""

    def clean(self, value, row=None, **kwargs):
        return [part.strip() for part in str(value or "").split(";") if part.strip()]

    def render(self, value, obj=None, **kwargs):
        return ";".join(value or [])


class TopicsWidget(widgets.ManyToManyWidget):
    def clean(self, value, row=None, **kwargs):
        codes = [part.strip() for part in str(value or "").split(";") if part.strip()]
        found = list(Topic.objects.filter(code__in=codes))
        unknown = set(codes) - {t.code for t in found}
        if unknown:
            raise ValueError(f"Unknown topic code: {', '.join(sorted(unknown))}.")
        if not found:
            raise ValueError("Give at least one topic code.")
        return found


class CourseResource(FullCleanResource):
    provider = fields.Field(
        attribute="provider",
        column_name="provider",
        widget=NamedForeignKeyWidget(Provider, "name", "provider"),
    )
    topics = fields.Field(
        attribute="topics",
        column_name="topics",
        widget=TopicsWidget(Topic, separator=";", field="code"),
    )
    audiences = fields.Field(attribute="audiences", column_name="audiences", widget=ListWidget())

    class Meta(FullCleanResource.Meta):
        model = Course
        import_id_fields = ["title"]
        fields = [
            "title",
            "provider",
            "topics",
            "hours",
            "delivery",
            "audiences",
            "collaborative",
            "learning_outcomes",
            "description",
        ]
        export_order = fields


class CompletionResource(FullCleanResource):
    person = fields.Field(
        attribute="person",
        column_name="username",
        widget=NamedForeignKeyWidget(User, "username", "person"),
    )
    course = fields.Field(
        attribute="course",
        column_name="course",
        widget=NamedForeignKeyWidget(Course, "title", "course"),
    )
    verified_by = fields.Field(
        attribute="verified_by",
        column_name="verified_by",
        widget=NamedForeignKeyWidget(User, "username", "person"),
    )

    class Meta(FullCleanResource.Meta):
        model = Completion
        import_id_fields = ["person", "course", "completed_on"]
        fields = [
            "person",
            "course",
            "completed_on",
            "hours",
            "outcome",
            "score",
            "verified_by",
            "verified_on",
        ]
        export_order = fields
