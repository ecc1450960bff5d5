"""The filters of the staff roster and the compliance list: schools and districts limited to
what the signed-in user may see; a value outside them is refused beside its field, never silently
widened."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from sro_portal.forms import LongSelect
from sro_portal.lists import SortFilter, scoped
from sro_portal.models import District, Membership, School
from sro_portal.roles import Role

from .models import ROSTER_AUDIENCES, ComplianceStatus, StaffMember, Status

OUT_OF_SCOPE = {"invalid_choice": "Choose one of the listed options: that one is not available."}
STILL_HERE = [("current", "Working here now"), ("left", "Left"), ("all", "Everyone")]


class StaffMemberFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        queryset=scoped(School.objects),
        empty_label="All schools",
        widget=LongSelect,
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


# The compliance list: accounts by the role they hold, roster people by their audience.
ROLE_FILTER_CHOICES = [
    *((role.value, role.label) for role in Role if role != Role.STATE_STAFF),
    *((f"roster:{a.value}", f"{a.label} (staff roster)") for a in ROSTER_AUDIENCES),
]


class ComplianceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Status.choices, empty_label="Any status", error_messages=OUT_OF_SCOPE
    )
    district = django_filters.ModelChoiceFilter(
        queryset=scoped(District.objects.order_by("name")),
        empty_label="All districts",
        widget=LongSelect,
        error_messages={
            "invalid_choice": "That district is not one of yours: choose one from the list."
        },
    )
    role = django_filters.ChoiceFilter(
        choices=ROLE_FILTER_CHOICES,
        label="Role",
        empty_label="Every role",
        method="filter_role",
        error_messages=OUT_OF_SCOPE,
    )
    q = django_filters.CharFilter(method="filter_q", label="Name")
    sort = SortFilter(
        fields=[("name", "name"), ("next_deadline", "deadline"), ("hours_missing", "hours")],
        field_labels={
            "name": "Name",
            "next_deadline": "Next deadline",
            "hours_missing": "Hours missing",
        },
    )

    class Meta:
        model = ComplianceStatus
        fields = []

    def filter_role(self, queryset, name, value):
        if value.startswith("roster:"):
            return queryset.filter(is_roster=True, audience=value.removeprefix("roster:"))
        return queryset.filter(user__in=Membership.objects.filter(role=value).values("user_id"))

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=value)
