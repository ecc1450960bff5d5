"""The filters of the staff roster list: schools limited to what the signed-in user may see; a
value outside them is refused beside its field, never silently widened."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from sro_portal.lists import SortFilter, scoped
from sro_portal.models import School

from .models import ROSTER_AUDIENCES, StaffMember

OUT_OF_SCOPE = {"invalid_choice": "Choose one of the listed options: that one is not available."}
STILL_HERE = [("current", "Working here now"), ("left", "Left"), ("all", "Everyone")]


class StaffMemberFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        queryset=scoped(School.objects),
        empty_label="All schools",
        error_messages={
            "invalid_choice": "That school is not one of yours: choose one from the list."
        },
    )
    audience = django_filters.ChoiceFilter(
        choices=[(a.value, a.label) for a in ROSTER_AUDIENCES],
        empty_label="All",
        error_messages=OUT_OF_SCOPE,
    )
    status = django_filters.ChoiceFilter(
        choices=STILL_HERE,
        label="Working here",
        empty_label="Working here now",
        method="filter_status",
        error_messages=OUT_OF_SCOPE,
    )
    q = django_filters.CharFilter(method="filter_q", label="Name or position")
    sort = SortFilter(
        fields=[
            ("name", "name"),
            ("school__name", "school"),
            ("audience", "audience"),
            ("started_on", "started"),
        ],
        field_labels={
            "name": "Name",
            "school__name": "School",
            "audience": "Audience",
            "started_on": "Started on",
        },
    )

    class Meta:
        model = StaffMember
        fields = []

    @property
    def qs(self):
        # Without a choice, the list shows the people working here now.
        queryset = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("status")):
            queryset = queryset.current()
        return queryset

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "left":
            return queryset.filter(left_on__lt=today)
        if value == "current":
            return queryset.current(today)
        return queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(position__icontains=value))
