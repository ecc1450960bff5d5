"""Lists that filter, sort, paginate and export the same way, with django-filter.

A list view names a FilterSet and how one row exports; the page and the download read the same
filtered queryset, so what is downloaded is what the list shows (all pages of it). A filter given
bad input (a reversed range, a malformed school year, a school out of scope) is ignored and says
why beside its field: the page still opens.
"""

import datetime

import django_filters
from django import forms
from django.http import Http404
from django.utils import timezone

from .exports import FORMATS, Export
from .schoolyear import SchoolYearField, school_year_bounds, school_year_label

SORT_PARAM = "sort"
EXPORT_PARAM = "export"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SchoolYearFilter(django_filters.Filter):
    """The records of one school year, on a date field (or a datetime's `__date`)."""

    field_class = SchoolYearField

    def filter(self, qs, value):
        if value is None:
            return qs
        start, end = school_year_bounds(value)
        if self.field_name.endswith("__date"):
            # A range of local midnights, not the datetime cast to a date: an index on the
            # datetime serves the first and not the second.
            field = self.field_name.removesuffix("__date")
            after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())
            return qs.filter(
                **{
                    f"{field}__gte": timezone.make_aware(
                        datetime.datetime.combine(start, datetime.time())
                    ),
                    f"{field}__lt": timezone.make_aware(after),
                }
            )
        return qs.filter(**{f"{self.field_name}__range": (start, end)})


class DateFilter(django_filters.DateFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", DATE_WIDGET)
        super().__init__(*args, **kwargs)


class PeriodForm(forms.Form):
    """A date range whose end comes before its start is refused, and neither end is used."""

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
            data.pop("date_from", None)
        return data


class SortFilter(django_filters.OrderingFilter):
    """`?sort=school` or `?sort=-school`, from a whitelist; ties broken by id so that pages
    never overlap."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Sort by")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "-pk")


def scoped(model_queryset):
    """Choices limited to what the signed-in user may see."""

    def choices(request):
        if request is None:
            return model_queryset.none()
        return model_queryset.visible_to(request.user)

    return choices


def yes_no(value) -> str:
    return "Yes" if value else "No"


class FilteredListMixin:
    """For a ListView with `filterset_class` and `export_title`: filters, sorting and exports
    (`?export=csv` or `?export=xlsx`) of the whole filtered set, in a fixed number of queries.

    The view defines `export_headers` and `export_rows(queryset)` (a generator of rows of
    labels, from `values()` or `select_related`).
    """

    filterset_class = None
    export_title = ""
    export_headers: list = []

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=super().get_queryset(), request=self.request
        )
        return self.filterset.qs

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get(EXPORT_PARAM)
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if fmt not in FORMATS:
            raise Http404("Unknown export format.")
        queryset = self.get_queryset()
        if self.filterset.is_bound and not self.filterset.is_valid():
            # Never download something other than what was asked: show the page and why.
            return super().get(request, *args, **kwargs)
        export = Export(
            title=self.export_title,
            headers=self.export_headers,
            rows=self.export_rows(queryset),
            filters=filters_used(self.filterset),
        )
        return export.response(fmt)

    def export_rows(self, queryset):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        form = self.filterset.form
        return super().get_context_data(
            filter=self.filterset,
            filter_fields=[field for field in form if field.name != SORT_PARAM],
            filters_applied=bool(filters_used(self.filterset, blank="")),
            sort=self.request.GET.get(SORT_PARAM, ""),
            **kwargs,
        )


def filters_used(filterset, blank="None") -> dict:
    """Label -> shown value of each filter in use (labels, never codes); the sort order last."""
    form = filterset.form
    if not filterset.is_bound or not form.is_valid():
        return {"Filters": blank} if blank else {}
    shown = {}
    for name, value in form.cleaned_data.items():
        if value in django_filters.constants.EMPTY_VALUES or value is False:
            continue
        field = form.fields[name]
        if name == SORT_PARAM:
            labels = dict(field.choices)
            value = ", ".join(str(labels.get(v, v)) for v in value)
        elif isinstance(field, SchoolYearField):
            value = school_year_label(value)
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        elif value is True:
            value = "Yes"
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        shown[str(field.label)] = str(value)
    if not shown and blank:
        return {"Filters": blank}
    return shown
