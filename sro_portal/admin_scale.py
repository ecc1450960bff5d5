"""Admin lists of the tables that grow to millions of rows (the daily log, incidents, enforcement
actions, the audit log): no exact count of a whole table, no date hierarchy, a school-year
filter on an indexed date range, and a search that only reads indexes.

The tables themselves declare the indexes (their models' Meta, and a full-text index that only
PostgreSQL has); this module names no model.
"""

import datetime

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import connections
from django.db.models import DateTimeField, Min, Q
from django.utils import timezone

from .paging import COUNT_CAP, CappedCountPaginator
from .schoolyear import school_year_bounds, school_year_label, school_year_of

__all__ = ["COUNT_CAP", "CappedCountPaginator", "IndexedSearchAdmin", "LargeTableAdmin"]


def school_year_filter(field_name: str):
    """A list filter "By school year" (July 1 to June 30) on a date or datetime field, as the
    range `field >= July 1 and field < next July 1` that an index on the field serves. Its
    choices run from the school year of the oldest record (read from that index) to the current
    one, newest first."""

    class SchoolYearListFilter(admin.SimpleListFilter):
        title = "school year"
        parameter_name = "school_year"

        def lookups(self, request, model_admin):
            oldest = model_admin.get_queryset(request).aggregate(oldest=Min(field_name))["oldest"]
            today = timezone.localdate()
            if oldest is None:
                first = school_year_of(today)
            else:
                if isinstance(oldest, datetime.datetime):
                    oldest = timezone.localtime(oldest).date()
                first = school_year_of(oldest)
            return [
                (str(year), school_year_label(year))
                for year in range(school_year_of(today), first - 1, -1)
            ]

        def queryset(self, request, queryset):
            value = self.value()
            if not value or not value.isdigit():
                return queryset
            first_day, last_day = school_year_bounds(int(value))
            since, until = first_day, last_day + datetime.timedelta(days=1)
            field = queryset.model._meta.get_field(field_name)
            if isinstance(field, DateTimeField):
                zone = timezone.get_default_timezone()
                since = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
                until = datetime.datetime.combine(until, datetime.time.min, tzinfo=zone)
            return queryset.filter(**{f"{field_name}__gte": since, f"{field_name}__lt": until})

    return SchoolYearListFilter


def text_match(field_name: str, config: str, term: str, vendor: str) -> Q:
    """A word search in a long text: PostgreSQL full text, served by the GIN index on
    `text_search_vector(field_name, config)`; a substring anywhere on SQLite."""
    if vendor != "postgresql":
        return Q(**{f"{field_name}__icontains": term})
    from django.contrib.postgres.search import SearchQuery, SearchVectorExact

    query = SearchQuery(term, config=config, search_type="websearch")
    return Q(SearchVectorExact(text_search_vector(field_name, config), query))


def text_search_vector(field_name: str, config: str):
    """The indexed expression: the GIN index and the search must compile to the same SQL for
    PostgreSQL to use the index."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(field_name, config=config)


def text_search_index(model_name: str, field_name: str, config: str, name: str):
    """A migration operation adding the full-text GIN index on PostgreSQL; other databases
    search by substring and get nothing."""
    from django.db import migrations

    def index(apps):
        from django.contrib.postgres.indexes import GinIndex

        model = apps.get_model(model_name)
        return model, GinIndex(text_search_vector(field_name, config), name=name)

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(*index(apps))

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(*index(apps))

    return migrations.RunPython(forwards, backwards, elidable=False)


# A code or a name matched whole names a handful of related rows, never more than this.
RELATED_MATCHES = 100


class IndexedSearchAdmin:
    """Mixed into a ModelAdmin (before it): a search that reads indexes only.

    `exact_search_fields` are codes and names matched whole, ignoring case (each with an index on
    its upper-case form); `text_search_fields` maps a long text field to its full-text
    configuration (each with a GIN index on PostgreSQL, added by `text_search_index`). Nothing
    else is searched: a substring search over millions of rows reads every one of them. The
    admin sets `search_help_text` to say what the search matches.
    """

    exact_search_fields: list[str] = []
    text_search_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the admin (and anything reading the admin) takes as the fields searched.
        self.search_fields = [*self.exact_search_fields, *self.text_search_fields]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        vendor = connections[queryset.db].vendor
        match = Q()
        for field in self.exact_search_fields:
            match |= self.exact_match(queryset.model, field, term)
        for field, config in self.text_search_fields.items():
            match |= text_match(field, config, term, vendor)
        return queryset.filter(match), False

    @staticmethod
    def exact_match(model, field: str, term: str) -> Q:
        """`field` equal to `term` ignoring case. Across a relation (an officer's username) the
        few matching ids are read first, from the small related table: given the ids, the
        planner reads the large table through its index on that column, where a join would
        guess at how many match and may scan it whole."""
        relation, _, rest = field.partition("__")
        if not rest:
            return Q(**{f"{field}__iexact": term})
        related = model._meta.get_field(relation).related_model
        ids = list(
            related._default_manager.filter(**{f"{rest}__iexact": term}).values_list(
                "pk", flat=True
            )[:RELATED_MATCHES]
        )
        return Q(**{f"{relation}__in": ids}) if ids else Q(pk__in=[])


class LargeTableAdmin(IndexedSearchAdmin):
    """Mixed into a ModelAdmin (before it) of a table of millions of rows: a capped or
    estimated count, counted once, and no date hierarchy (its year and month links count and
    group the whole table); a `school_year_filter` takes its place."""

    paginator = CappedCountPaginator
    # The total of a whole table, beside a filtered one, is a second full count per page.
    show_full_result_count = False
    date_hierarchy = None

    def get_paginator(self, request, queryset, per_page, **kwargs):
        words = bool(self.text_search_fields and request.GET.get(SEARCH_VAR, "").strip())
        return CappedCountPaginator(queryset, per_page, count_in_order=not words, **kwargs)
