"""The filters of the field-record lists: incidents, enforcement actions, SRO activity.

Choices (schools, SROs) are limited to what the signed-in user may see; a value outside them is
refused beside its field, never silently widened.
"""

import django_filters
from django import forms
from django.db.models import Q

from programs.models import Classification
from sro_portal.forms import LongSelect
from sro_portal.lists import (
    DateFilter,
    PeriodForm,
    SchoolYearFilter,
    SortFilter,
    scoped,
)
from sro_portal.models import School, User

from .models import (
    ActivityLog,
    ActivityType,
    EnforcementAction,
    Incident,
    OffenseCategory,
    SROResponse,
)

OUT_OF_SCOPE = {"invalid_choice": "Choose one of the listed options: that one is not available."}
SCHOOL_OUT_OF_SCOPE = {
    "invalid_choice": "That school is not one of yours: choose one from the list."
}
YES_NO = [("yes", "Yes"), ("no", "No")]


def choice_filter(**kwargs):
    """A choice among fixed options ("All" by default); anything else is refused beside it."""
    kwargs.setdefault("empty_label", "All")
    return django_filters.ChoiceFilter(error_messages=OUT_OF_SCOPE, **kwargs)


def school_filter():
    return django_filters.ModelChoiceFilter(
        queryset=scoped(School.objects),
        empty_label="All schools",
        error_messages=SCHOOL_OUT_OF_SCOPE,
        widget=LongSelect,
    )


class IncidentFilter(django_filters.FilterSet):
    date_from = DateFilter(field_name="occurred_at", lookup_expr="date__gte", label="From")
    date_to = DateFilter(field_name="occurred_at", lookup_expr="date__lte", label="To")
    school_year = SchoolYearFilter(field_name="occurred_at__date", label="School year")
    school = school_filter()
    classification = choice_filter(choices=Classification.choices)
    sro_response = choice_filter(
        choices=SROResponse.choices,
        label="SRO's response",
    )
    review = choice_filter(
        choices=[("awaiting", "Awaiting review"), ("reviewed", "Reviewed")],
        method="filter_review",
        label="Review",
    )
    incomplete = django_filters.BooleanFilter(
        method="filter_incomplete",
        label="Incomplete only",
        widget=forms.CheckboxInput,
        help_text="An enforcement response with no enforcement action recorded.",
    )
    case_number = django_filters.CharFilter(
        field_name="case_number", lookup_expr="iexact", label="Agency case number"
    )
    q = django_filters.CharFilter(method="filter_q", label="Description or case number contains")
    sort = SortFilter(
        fields=[
            ("occurred_at", "when"),
            ("school__name", "school"),
            ("classification", "classification"),
            ("sro_response", "response"),
        ],
        field_labels={
            "occurred_at": "When",
            "school__name": "School",
            "classification": "Classification",
            "sro_response": "SRO's response",
        },
    )

    class Meta:
        model = Incident
        fields = []
        form = PeriodForm

    def filter_review(self, queryset, name, value):
        if value == "awaiting":
            return queryset.awaiting_review()
        return queryset.filter(needs_review=True, reviewed_at__isnull=False)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(description__icontains=value) | Q(case_number__icontains=value))

    def filter_incomplete(self, queryset, name, value):
        return queryset.incomplete() if value else queryset


class EnforcementActionFilter(django_filters.FilterSet):
    date_from = DateFilter(field_name="occurred_on", lookup_expr="gte", label="From")
    date_to = DateFilter(field_name="occurred_on", lookup_expr="lte", label="To")
    school_year = SchoolYearFilter(field_name="occurred_on", label="School year")
    school = school_filter()
    kind = choice_filter(choices=EnforcementAction.Kind.choices)
    offense_category = django_filters.ModelChoiceFilter(
        queryset=OffenseCategory.objects.all(),
        label="Offense category",
        empty_label="All",
        error_messages=OUT_OF_SCOPE,
    )
    referred = choice_filter(
        choices=YES_NO,
        method="filter_referred",
        label="Referred for charging",
        empty_label="Either",
    )
    race = choice_filter(
        field_name="student_race",
        choices=EnforcementAction.Race.choices,
        label="Race/ethnicity",
    )
    disability = choice_filter(
        field_name="student_disability",
        choices=EnforcementAction.Disability.choices,
        label="Disability status",
    )
    english_learner = choice_filter(
        field_name="student_english_learner",
        choices=EnforcementAction.EnglishLearner.choices,
        label="English learner status",
    )
    sort = SortFilter(
        fields=[
            ("occurred_on", "date"),
            ("school__name", "school"),
            ("kind", "kind"),
            ("offense_category__name", "offense"),
            ("student_age", "age"),
        ],
        field_labels={
            "occurred_on": "Date",
            "school__name": "School",
            "kind": "Kind",
            "offense_category__name": "Offense category",
            "student_age": "Age",
        },
    )

    class Meta:
        model = EnforcementAction
        fields = []
        form = PeriodForm

    def filter_referred(self, queryset, name, value):
        return queryset.filter(referred_for_charging=value == "yes")


def officers_seen(request):
    """The SROs whose activity the user may see: those with entries in the user's scope."""
    if request is None:
        return User.objects.none()
    logs = ActivityLog.objects.visible_to(request.user).values("officer_id")
    return User.objects.filter(pk__in=logs).order_by("last_name", "first_name", "username")


class ActivityFilter(django_filters.FilterSet):
    date_from = DateFilter(field_name="occurred_on", lookup_expr="gte", label="From")
    date_to = DateFilter(field_name="occurred_on", lookup_expr="lte", label="To")
    school_year = SchoolYearFilter(field_name="occurred_on", label="School year")
    school = school_filter()
    officer = django_filters.ModelChoiceFilter(
        queryset=officers_seen,
        label="SRO",
        empty_label="All SROs",
        error_messages=OUT_OF_SCOPE,
        widget=LongSelect,
    )
    group = choice_filter(
        field_name="activity_type__group",
        choices=ActivityType.Group.choices,
        label="Part of the job",
    )
    activity_type = django_filters.ModelChoiceFilter(
        queryset=ActivityType.objects.all(),
        label="Activity",
        empty_label="All",
        error_messages=OUT_OF_SCOPE,
    )
    sort = SortFilter(
        fields=[
            ("occurred_on", "date"),
            ("school__name", "school"),
            ("officer__last_name", "sro"),
            ("activity_type__name", "activity"),
            ("minutes", "minutes"),
        ],
        field_labels={
            "occurred_on": "Date",
            "school__name": "School",
            "officer__last_name": "SRO",
            "activity_type__name": "Activity",
            "minutes": "Minutes",
        },
    )

    class Meta:
        model = ActivityLog
        fields = []
        form = PeriodForm
