"""What the report pages share: the period filter, the sub-navigation between reports, and the
filters of a page kept for its download links."""

import datetime

from django import forms
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone

from sro_portal.scope import scope_of

from ..aggregates import (
    MAX_YEARS,
    parse_school_year,
    school_year_bounds,
    school_year_label,
    school_year_of,
)


def _span_years(start: datetime.date, end: datetime.date) -> bool:
    """True when the period is longer than MAX_YEARS years."""
    try:
        limit = start.replace(year=start.year + MAX_YEARS)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + MAX_YEARS, day=28)
    return end >= limit


class PeriodForm(forms.Form):
    """A school year, or a date range; the current school year when neither is given."""

    school_year = forms.CharField(
        required=False, max_length=7, help_text="For example 2025-26 (July 1 to June 30)."
    )
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_school_year(self):
        text = self.cleaned_data["school_year"]
        if not text:
            return None
        try:
            return parse_school_year(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        year, start, end = data.get("school_year"), data.get("start"), data.get("end")
        if self.errors:
            return data
        if year is not None and (start or end):
            self.add_error("school_year", "Choose a school year or a date range, not both.")
        elif start and not end:
            self.add_error("end", "Give the last day of the range too.")
        elif end and not start:
            self.add_error("start", "Give the first day of the range too.")
        elif start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        elif start and end and _span_years(start, end):
            self.add_error("end", f"A report covers at most {MAX_YEARS} years.")
        return data

    def period(self) -> tuple[datetime.date, datetime.date, str]:
        """The period asked for, and how to name it; call after is_valid()."""
        data = self.cleaned_data
        if data.get("start"):
            return data["start"], data["end"], f"{data['start']:%Y-%m-%d} to {data['end']:%Y-%m-%d}"
        year = data.get("school_year")
        if year is None:
            year = school_year_of(timezone.localdate())
        start, end = school_year_bounds(year)
        return start, end, school_year_label(year)


REPORTS = [
    ("Enforcement", "accountability:report_enforcement"),
    ("Activity", "accountability:report_activity"),
    ("Complaints", "accountability:report_complaints"),
    ("Training", "accountability:report_training"),
]


def report_links(request) -> list[dict]:
    """The reports the user may open, read from each view's roles (a report not built yet is
    left out)."""
    scope = scope_of(request.user)
    links = []
    for label, name in REPORTS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        roles = getattr(resolve(url).func.view_class, "roles", None)
        if roles is None or scope.has_any(roles):
            links.append({"label": label, "url": url, "current": request.path == url})
    return links


def query_without_export(params) -> str:
    """The filters of the page, for its download links."""
    kept = params.copy()
    for key in ("format", "table"):
        kept.pop(key, None)
    return kept.urlencode()
