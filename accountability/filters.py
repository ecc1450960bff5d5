"""The filters of the complaint and climate survey lists. Schools offered are only those the user
may see."""

import django_filters
from django import forms

from incidents.filters import OUT_OF_SCOPE, choice_filter, school_filter
from sro_portal.lists import DateFilter, PeriodForm, SortFilter
from sro_portal.schoolyear import SchoolYearField

from .models import Complaint, SurveyResult


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Complaint.Status.choices, empty_label="All", error_messages=OUT_OF_SCOPE
    )
    school = school_filter()
    date_from = DateFilter(field_name="received_at", lookup_expr="date__gte", label="Received from")
    date_to = DateFilter(field_name="received_at", lookup_expr="date__lte", label="Received to")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Not acknowledged in time",
        widget=forms.CheckboxInput,
    )
    sort = SortFilter(
        fields=[
            ("received_at", "received"),
            ("status", "status"),
            ("acknowledge_by", "acknowledge_by"),
            ("program__name", "program"),
        ],
        field_labels={
            "received_at": "Received",
            "status": "Status",
            "acknowledge_by": "Acknowledge by",
            "program__name": "Program",
        },
    )

    class Meta:
        model = Complaint
        fields = []
        form = PeriodForm

    def filter_overdue(self, queryset, name, value):
        return queryset.acknowledgement_overdue() if value else queryset


class SchoolYearNumberFilter(django_filters.Filter):
    """Records kept by school year (a number, 2025 for 2025-26), asked for as `2025-26`."""

    field_class = SchoolYearField


class SurveyResultFilter(django_filters.FilterSet):
    school_year = SchoolYearNumberFilter(label="School year")
    school = school_filter()
    audience = choice_filter(choices=SurveyResult.Audience.choices)
    question = django_filters.CharFilter(lookup_expr="icontains", label="Question contains")
    sort = SortFilter(
        fields=[
            ("school_year", "year"),
            ("school__name", "school"),
            ("audience", "audience"),
            ("question", "question"),
        ],
        field_labels={
            "school_year": "School year",
            "school__name": "School",
            "audience": "Audience",
            "question": "Question",
        },
    )

    class Meta:
        model = SurveyResult
        fields = []
