"""Write the CRDC file of a school year (every district, or one) to standard output."""

from django.core.management.base import BaseCommand, CommandError

from incidents.models import EnforcementAction
from sro_portal.models import District, School
from sro_portal.schoolyear import parse_school_year, school_year_bounds

from ...aggregates import in_period
from ...crdc import crdc_csv


class Command(BaseCommand):
    help = (
        "Write the Civil Rights Data Collection file (referrals to law enforcement and arrests "
        "by school and student group) of a school year as CSV to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school-year", required=True, help="For example 2025-26.")
        parser.add_argument("--district", help="A DPI district code: that district only.")

    def handle(self, *args, school_year, district=None, **options):
        try:
            year = parse_school_year(school_year)
        except ValueError as error:
            raise CommandError(str(error)) from None
        actions = in_period(EnforcementAction.objects.all(), *school_year_bounds(year))
        schools = School.objects.all()
        if district:
            found = District.objects.filter(dpi_code=district.strip()).first()
            if found is None:
                raise CommandError(f"No district has the DPI code {district!r}.")
            actions = actions.filter(district=found)
            schools = schools.filter(district=found)
        self.stdout.ending = ""
        self.stdout.write(crdc_csv(actions, schools))
