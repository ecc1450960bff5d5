"""School years run July 1 to June 30 and are named by the year they start: 2025 is 2025-26.
Every list filter, report and export reads them here."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

MAX_YEARS = 10  # the longest period a report or filter covers
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def school_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 7 else day.year - 1


def school_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 7, 1), datetime.date(year + 1, 6, 30)


def school_year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def parse_school_year(text: str) -> int:
    """`2025-26` (or `2025`) to 2025; a ValueError says what is expected."""
    text = (text or "").strip()
    start, _, end = text.partition("-")
    if (
        not start.isdigit()
        or len(start) != 4
        or not 1900 <= int(start) <= 9998
        or (end and end != f"{(int(start) + 1) % 100:02d}")
    ):
        raise ValueError(f"{text or 'That'} is not a school year: write it as 2025-26.")
    return int(start)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class SchoolYearField(forms.CharField):
    """`2025-26` (or `2025`) cleans to 2025; anything else is refused beside the field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 9)
        kwargs.setdefault("help_text", "For example 2025-26.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "2025-26"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return parse_school_year(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class PeriodForm(forms.Form):
    """A report's period: a school year (the current one when nothing is given) or a date range
    of at most MAX_YEARS years. Once valid, `cleaned_data` holds `start`, `end`, the school
    `years` the period touches and a `period_label`; `period()` gives the first and last day and
    the label."""

    school_year = SchoolYearField(
        required=False, help_text="For example 2025-26. Leave empty for the current school year."
    )
    start = forms.DateField(
        label="Or from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if {"school_year", "start", "end"} & set(self.errors):
            return data
        start, end, year = data.get("start"), data.get("end"), data.get("school_year")
        if start or end:
            if year is not None:
                self.add_error("school_year", "Choose a school year or a date range, not both.")
            elif not (start and end):
                self.add_error("end" if start else "start", "Give both dates of the range.")
            elif end < start:
                self.add_error("end", "The end date is before the start date.")
            elif end >= add_years(start, MAX_YEARS):
                self.add_error("end", f"A range can cover at most {MAX_YEARS} years.")
            else:
                data["years"] = list(range(school_year_of(start), school_year_of(end) + 1))
                data["period_label"] = f"{start:%B %-d, %Y} to {end:%B %-d, %Y}"
            return data
        if year is None:
            year = school_year_of(timezone.localdate())
        data["start"], data["end"] = school_year_bounds(year)
        data["years"] = [year]
        data["period_label"] = f"School year {school_year_label(year)}"
        return data

    def period(self) -> tuple[datetime.date, datetime.date, str]:
        """The period asked for; the current school year before the form is filled in."""
        data = getattr(self, "cleaned_data", {})
        if "period_label" in data:
            return data["start"], data["end"], data["period_label"]
        year = school_year_of(timezone.localdate())
        return *school_year_bounds(year), f"School year {school_year_label(year)}"
